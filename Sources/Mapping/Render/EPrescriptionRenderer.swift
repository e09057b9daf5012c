import CDA
import Foundation

/// An ordonnance as the national ePrescription CDA document (template 1.3.182.11.5.1) under the
/// Luxembourg header: one section listing the lines, each line a `substanceAdministration`
/// (moodCode INT, template 1.3.182.11.5.2.3.1) with its own UUID, the product coded in the national
/// medication list, the dose counted in units of the pharmaceutical form, and the quantity and
/// refills as a supply request.
public struct EPrescriptionRenderer: Sendable {
    static let documentTemplate = "1.3.182.11.5.1"
    static let lineTemplate = "1.3.182.11.5.2.3.1"
    static let documentCode = Canonical.Coding(code: "57833-6", system: Canonical.loincOID, systemName: "LOINC",
                                               display: "Prescription for medication")
    static let sectionCode = Canonical.Coding(code: "57828-6", system: Canonical.loincOID, systemName: "LOINC",
                                              display: "Prescriptions")
    /// HL7 v3 ActSubstanceAdminSubstitutionCode: E equivalent allowed, N none.
    static let substitutionSystem = "2.16.840.1.113883.5.1070"

    public init() {}

    public func render(_ ordonnance: Canonical.Ordonnance) throws(RenderError) -> [UInt8] {
        guard let group = ordonnance.id, !group.value.isEmpty else { throw RenderError("the ordonnance has no id") }
        guard let written = ordonnance.written else { throw RenderError("the ordonnance has no date") }
        guard let prescriber = ordonnance.prescriber, prescriber.hpdID != nil else { throw RenderError("the prescriber has no hpdID") }
        guard let organisation = prescriber.organisation, !organisation.ids.isEmpty else {
            throw RenderError("the prescriber's organisation (the custodian) has no identifier")
        }
        guard !ordonnance.lines.isEmpty else { throw RenderError("the ordonnance has no line") }
        for (number, line) in ordonnance.lines.enumerated() {
            guard line.id.flatMap(UUID.init(uuidString:)) != nil else { throw RenderError("line \(number + 1) has no UUID") }
            guard line.product?.code != nil else { throw RenderError("line \(number + 1) has no product code") }
        }
        // The document id derives from the ordonnance id, so a replay renders the same document.
        let documentID = NameBasedUUID.make(name: "ePrescription\u{1F}\(group.system ?? "")\u{1F}\(group.value)").uuidString
        var writer = XMLWriter(capacity: 4096 + ordonnance.lines.count * 2048)
        CDAHeader.open(&writer, templates: [OID.luHeader, Self.documentTemplate], id: documentID, code: Self.documentCode,
                       title: "Ordonnance", effectiveTime: written, language: nil, setID: nil, version: nil)
        try CDAHeader.recordTarget(&writer, ordonnance.patient)
        CDAHeader.author(&writer, prescriber, organisation: organisation, time: written)
        CDAHeader.custodian(&writer, organisation)
        // The ordonnance id, as the order this document fulfils.
        writer.start("inFulfillmentOf")
        writer.start("order")
        CDAHeader.identifier(&writer, system: group.system, value: group.value)
        writer.end()
        writer.end()
        writer.start("component")
        writer.start("structuredBody")
        writer.start("component")
        writer.start("section")
        CDAHeader.coding(&writer, "code", Self.sectionCode)
        writer.element("title", text: "Prescriptions")
        narrative(&writer, ordonnance.lines)
        for line in ordonnance.lines { entry(&writer, line) }
        writer.end()
        writer.end()
        writer.end()
        writer.end()
        writer.end()
        do { return try writer.finish() } catch { throw RenderError("XML writing failed: \(error)") }
    }

    private func entry(_ writer: inout XMLWriter, _ line: Canonical.PrescriptionLine) {
        writer.start("entry")
        writer.attribute("typeCode", "DRIV")
        writer.start("substanceAdministration")
        writer.attribute("classCode", "SBADM")
        writer.attribute("moodCode", "INT")
        writer.element("templateId", ["root": Self.lineTemplate])
        writer.element("id", ["root": line.id])
        if let text = Self.dosage(line) { writer.element("text", text: text) }
        writer.element("statusCode", ["code": Self.actStatus(line.status)])
        if line.start != nil || line.end != nil {
            writer.start("effectiveTime")
            writer.attribute("xsi:type", "IVL_TS")
            if let start = line.start { CDAHeader.time(&writer, "low", start) }
            if let end = line.end { CDAHeader.time(&writer, "high", end) }
            writer.end()
        }
        if let route = line.route { CDAHeader.coding(&writer, "routeCode", route) }
        if let dose = line.dose.flatMap({ ValueParsing.decimal($0) }) {
            // Without a measurable unit the dose counts units of the form (administrationUnitCode).
            writer.element("doseQuantity", ["value": dose, "unit": Self.measurable(line.doseUnit, form: line.form)])
        }
        if let form = line.form { CDAHeader.coding(&writer, "administrationUnitCode", form) }
        writer.start("consumable")
        writer.start("manufacturedProduct")
        writer.attribute("classCode", "MANU")
        writer.start("manufacturedMaterial")
        CDAHeader.coding(&writer, "code", line.product)
        if let name = line.product?.display { writer.element("name", text: name) }
        writer.end()
        writer.end()
        writer.end()
        let quantity = line.quantity.flatMap { ValueParsing.decimal($0) }
        if quantity != nil || line.repeats != nil {
            writer.start("entryRelationship")
            writer.attribute("typeCode", "COMP")
            writer.start("supply")
            writer.attribute("classCode", "SPLY")
            writer.attribute("moodCode", "INT")
            // Dispenses allowed in all: the first one and the refills.
            if let repeats = line.repeats { writer.element("repeatNumber", ["value": String(repeats + 1)]) }
            if let quantity { writer.element("quantity", ["value": quantity, "unit": Self.measurable(line.quantityUnit, form: line.form)]) }
            writer.end()
            writer.end()
        }
        if let allowed = line.substitutionAllowed {
            writer.start("entryRelationship")
            writer.attribute("typeCode", "COMP")
            writer.start("act")
            writer.attribute("classCode", "ACT")
            writer.attribute("moodCode", "DEF")
            writer.element("code", ["code": allowed ? "E" : "N", "codeSystem": Self.substitutionSystem,
                                    "displayName": allowed ? "equivalent" : "none"])
            writer.end()
            writer.end()
        }
        writer.end()
        writer.end()
    }

    static let narrativeStart = XMLFragment.narrativeTableStart(
        headings: ["Produit", "Posologie", "Quantité", "Renouvellements", "Substitution"])

    /// The section text: one row per line, what the pharmacist reads.
    private func narrative(_ writer: inout XMLWriter, _ lines: [Canonical.PrescriptionLine]) {
        writer.narrativeTable(Self.narrativeStart, rows: lines) { writer, row in
            let line = row.pointee
            writer.cell(line.product?.display ?? line.product?.code ?? "")
            writer.cell(Self.dosage(line) ?? "")
            writer.cell([line.quantity, line.quantityUnit].compactMap { $0 }.joined(separator: " "))
            writer.cell(line.repeats.map(String.init) ?? "")
            writer.cell(line.substitutionAllowed.map { $0 ? "autorisée" : "non autorisée" } ?? "")
        }
    }

    /// Dose, timing and instructions as one line of text.
    static func dosage(_ line: Canonical.PrescriptionLine) -> String? {
        let dose = line.dose.map { [$0, line.doseUnit ?? line.form?.display].compactMap { $0 }.joined(separator: " ") }
        let parts = [dose, line.timing, line.instructions].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// A unit PQ can carry: a measure (mg, mL), not a count of the form (tablet), which is "1".
    static func measurable(_ unit: String?, form: Canonical.Coding?) -> String {
        let counts = [form?.code, form?.display].compactMap { $0?.lowercased() }
        guard let unit, !counts.contains(unit.lowercased()), let ucum = XDLabRenderer.ucum(unit) else { return "1" }
        return ucum
    }

    /// The FHIR MedicationRequest status as CDA's ActStatus.
    static func actStatus(_ status: String?) -> String {
        switch status {
        case "cancelled": "cancelled"
        case "completed": "completed"
        case "stopped": "aborted"
        case "on-hold": "suspended"
        case "draft": "new"
        case "entered-in-error": "nullified"
        default: "active"
        }
    }
}
