import CDA
import Foundation

/// The parts of a CDA header under the Luxembourg template (DESIGN.md §1) that every document
/// renderer writes the same way. Elements are written in the order the CDA R2 schema requires.
struct CDAHeader {
    static let typeID = (root: "2.16.840.1.113883.1.3", extension: "POCD_HD000040")
    static let genderSystem = "2.16.840.1.113883.5.1"
    static let confidentialitySystem = "2.16.840.1.113883.5.25"
    static let softwareName = "Passerelle"

    /// `<ClinicalDocument>` opened, through `versionNumber`.
    /// `codeTranslation` is the document type in a second code system (DT-nnnnn beside LOINC).
    static func open(_ writer: inout XMLWriter, templates: [String], id: String, code: Canonical.Coding,
                     codeTranslation: Canonical.Coding? = nil, title: String,
                     effectiveTime: Canonical.DateTime, language: String?, setID: String?, version: Int?) {
        writer.start("ClinicalDocument", namespaces: ["": "urn:hl7-org:v3", "xsi": "http://www.w3.org/2001/XMLSchema-instance"])
        writer.element("realmCode", ["code": "LU"])
        writer.element("typeId", ["root": typeID.root, "extension": typeID.extension])
        for template in templates { templateID(&writer, template) }
        writer.element("id", ["root": id])
        coding(&writer, "code", code, translation: codeTranslation)
        writer.element("title", text: title)
        time(&writer, "effectiveTime", effectiveTime)
        writer.element("confidentialityCode", ["code": "N", "codeSystem": confidentialitySystem])
        if let language { writer.element("languageCode", ["code": language]) }
        if let setID { writer.element("setId", ["root": setID]) }
        if let version { writer.element("versionNumber", ["value": String(version)]) }
    }

    // The elements every entry repeats, written without an attribute literal to build and destroy.

    static func templateID(_ writer: inout XMLWriter, _ root: String) {
        writer.start("templateId")
        writer.attribute("root", root)
        writer.end()
    }

    static let completed = XMLFragment.fixed { writer in
        writer.start("statusCode")
        writer.attribute("code", "completed")
        writer.end()
    }

    static func status(_ writer: inout XMLWriter, _ code: String) {
        if code == "completed" { return writer.write(completed) }
        writer.start("statusCode")
        writer.attribute("code", code)
        writer.end()
    }

    /// `<name value="TS"/>`, the digits written straight into the output.
    static func time(_ writer: inout XMLWriter, _ name: StaticString, _ time: Canonical.DateTime) {
        writer.start(name)
        time.withHL7 { writer.attribute("value", utf8: $0) }
        writer.end()
    }

    /// A coded element; nullFlavor UNK when there is no code.
    static func coding(_ writer: inout XMLWriter, _ name: StaticString, _ coding: Canonical.Coding?, type: String? = nil,
                       translation: Canonical.Coding? = nil) {
        writer.start(name)
        if let type { writer.attribute("xsi:type", type) }
        if let code = coding?.code {
            writer.attribute("code", code)
            if let system = coding?.system { writer.attribute("codeSystem", system) }
            if let systemName = coding?.systemName { writer.attribute("codeSystemName", systemName) }
            if let display = coding?.display { writer.attribute("displayName", display) }
        } else {
            writer.attribute("nullFlavor", "UNK")
            if let display = coding?.display { writer.element("originalText", text: display) }
        }
        if let translation, let code = translation.code {
            writer.element("translation", ["code": code, "codeSystem": translation.system, "codeSystemName": translation.systemName,
                                           "displayName": translation.display])
        }
        writer.end()
    }

    /// recordTarget: local ids, then the matricule, then the DSP id, as the platform requires.
    static func recordTarget(_ writer: inout XMLWriter, _ patient: Canonical.Patient) throws(RenderError) {
        guard !patient.localIDs.isEmpty || patient.matricule != nil || patient.dspID != nil else {
            throw RenderError("the patient has no identifier")
        }
        writer.start("recordTarget")
        writer.start("patientRole")
        for id in patient.localIDs { identifier(&writer, system: id.system, value: id.value) }
        if let matricule = patient.matricule { identifier(&writer, system: OID.matricule, value: matricule) }
        if let dspID = patient.dspID { identifier(&writer, system: OID.dspPatient, value: dspID) }
        if let address = patient.address { self.address(&writer, address) }
        writer.start("patient")
        if let name = patient.name { self.name(&writer, name) }
        if let sex = patient.sex { writer.element("administrativeGenderCode", ["code": sex, "codeSystem": genderSystem]) }
        if let birth = patient.birthDate { time(&writer, "birthTime", birth) }
        writer.end()
        writer.end()
        writer.end()
    }

    /// An `id`: root and extension; an issuer that is not an OID or UUID (senders put names in
    /// HL7's universal ID) is kept as assigningAuthorityName under nullFlavor UNK.
    static func identifier(_ writer: inout XMLWriter, system: String?, value: String) {
        writer.start("id")
        if let system, isOID(system) || UUID(uuidString: system) != nil {
            writer.attribute("root", system)
            writer.attribute("extension", value)
        } else {
            writer.attribute("nullFlavor", "UNK")
            writer.attribute("extension", value)
            if let system { writer.attribute("assigningAuthorityName", system) }
        }
        writer.end()
    }

    static func name(_ writer: inout XMLWriter, _ name: Canonical.PersonName) {
        writer.start("name")
        if let prefix = name.prefix { writer.element("prefix", text: prefix) }
        for given in name.given { writer.element("given", text: given) }
        if let family = name.family { writer.element("family", text: family) }
        if let suffix = name.suffix { writer.element("suffix", text: suffix) }
        writer.end()
    }

    static func address(_ writer: inout XMLWriter, _ address: Canonical.Address) {
        writer.start("addr")
        if let street = address.street { writer.element("streetAddressLine", text: street) }
        if let postalCode = address.postalCode { writer.element("postalCode", text: postalCode) }
        if let city = address.city { writer.element("city", text: city) }
        if let country = address.country { writer.element("country", text: country) }
        writer.end()
    }

    static func organisation(_ writer: inout XMLWriter, _ element: StaticString, _ organisation: Canonical.Organisation) {
        writer.start(element)
        for id in organisation.ids { identifier(&writer, system: id.system, value: id.value) }
        if let name = organisation.name { writer.element("name", text: name) }
        writer.end()
    }

    /// The author: a professional with an hpdID, or else the producing software on behalf of
    /// the organisation (the platform requires an hpdID of every person author).
    static func author(_ writer: inout XMLWriter, _ professional: Canonical.Professional?, organisation: Canonical.Organisation,
                       time: Canonical.DateTime) {
        writer.start("author")
        self.time(&writer, "time", time)
        writer.start("assignedAuthor")
        if let professional, let hpd = professional.hpdID {
            writer.element("id", ["root": OID.hpd, "extension": hpd])
            if let cns = professional.cnsCode { writer.element("id", ["root": OID.cnsProvider, "extension": cns]) }
            writer.start("assignedPerson")
            name(&writer, professional.name ?? Canonical.PersonName())
            writer.end()
        } else {
            for id in organisation.ids { identifier(&writer, system: id.system, value: id.value) }
            writer.start("assignedAuthoringDevice")
            writer.element("softwareName", text: softwareName)
            writer.end()
        }
        self.organisation(&writer, "representedOrganization", professional?.organisation ?? organisation)
        writer.end()
        writer.end()
    }

    static func custodian(_ writer: inout XMLWriter, _ organisation: Canonical.Organisation) {
        writer.start("custodian")
        writer.start("assignedCustodian")
        self.organisation(&writer, "representedCustodianOrganization", organisation)
        writer.end()
        writer.end()
    }
}

extension String {
    /// Whether every UTF-8 byte satisfies `predicate`, read in place: String's UTF-8 iterator
    /// costs several times the test itself per byte.
    func allUTF8(_ predicate: (UInt8) -> Bool) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.allSatisfy(predicate) } ?? utf8.allSatisfy(predicate)
    }
}

/// A canonical value that cannot be rendered in the format asked (a missing id, an unsupported
/// combination). Says what is missing, never a patient's data.
public struct RenderError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
