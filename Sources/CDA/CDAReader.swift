/// The input is XML but not a CDA document.
public struct CDAReadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension CDAReadError {
    init(notClinicalDocument kind: CDADocumentKind) {
        message = switch kind {
        case .clinicalDocument: "not a CDA document"
        case .fragment(let root): "not a CDA document: not a ClinicalDocument: root is <\(root)>"
        case .other(let root): "not a CDA document: not a ClinicalDocument in \(XPathNamespaces.hl7): root is <\(root)>"
        }
    }
}

extension ClinicalDocument {
    /// Every `observation` under a section's entries that is not itself part of another
    /// observation: XD-LAB results, whether directly in the data-processing entry, in a battery
    /// organizer, or in a nested item section.
    private static let resultsOfSection = try! XPathExpression(".//hl7:entry//hl7:observation[not(ancestor::hl7:observation)]")

    /// Reads the header, the sections and, for XD-LAB reports, the results of `document`.
    /// Throws `CDAReadError` when the root is not `{urn:hl7-org:v3}ClinicalDocument`.
    public init(_ document: XMLDocument) throws(CDAReadError) {
        let kind = CDADocumentKind(document)
        guard kind == .clinicalDocument, let root = document.root else { throw CDAReadError(notClinicalDocument: kind) }
        id = root.hl7("id").map(InstanceIdentifier.init)
        realmCodes = root.hl7s("realmCode").compactMap { $0.attribute("code") }
        templateIds = root.hl7s("templateId").map(InstanceIdentifier.init)
        code = root.hl7("code").map(CodedValue.init)
        title = root.hl7("title")?.stringValue
        effectiveTime = root.hl7("effectiveTime").flatMap(Timestamp.init)
        confidentialityCode = root.hl7("confidentialityCode").map(CodedValue.init)
        languageCode = root.hl7("languageCode")?.attribute("code")
        setId = root.hl7("setId").map(InstanceIdentifier.init)
        versionNumber = root.hl7("versionNumber")?.attribute("value")
        patient = root.hl7("recordTarget")?.hl7("patientRole").map(Patient.init)
        authors = root.hl7s("author").map(Author.init)
        custodian = root.hl7("custodian")?.hl7("assignedCustodian")?.hl7("representedCustodianOrganization")
            .map(Organization.init)
        let bodySections = root.hl7("component")?.hl7("structuredBody")?.hl7s("component").compactMap { $0.hl7("section") } ?? []
        let readsResults = templateIds.contains { $0.root == OID.xdLab }
        sections = try bodySections.map { section throws(CDAReadError) in
            let results = readsResults ? try Self.results(of: section) : []
            return Section(templateIds: section.hl7s("templateId").map(InstanceIdentifier.init),
                           code: section.hl7("code").map(CodedValue.init), title: section.hl7("title")?.stringValue,
                           results: results)
        }
    }

    private static func results(of section: XMLNode) throws(CDAReadError) -> [LabResult] {
        do {
            return try section.document.nodes(resultsOfSection, at: section).map(LabResult.init)
        } catch {
            throw CDAReadError(message: "cannot select the results of a section: \(error)")
        }
    }
}

extension XMLNode {
    func hl7(_ name: String) -> XMLNode? { element(name, namespace: XPathNamespaces.hl7) }
    func hl7s(_ name: String) -> [XMLNode] { elements(name, namespace: XPathNamespaces.hl7) }
}

extension InstanceIdentifier {
    init(_ node: XMLNode) {
        self.init(root: node.attribute("root"), extension: node.attribute("extension"),
                  assigningAuthorityName: node.attribute("assigningAuthorityName"), nullFlavor: node.attribute("nullFlavor"))
    }
}

extension CodedValue {
    init(_ node: XMLNode) {
        self.init(code: node.attribute("code"), codeSystem: node.attribute("codeSystem"),
                  codeSystemName: node.attribute("codeSystemName"), displayName: node.attribute("displayName"),
                  originalText: node.hl7("originalText")?.stringValue, nullFlavor: node.attribute("nullFlavor"),
                  translations: node.hl7s("translation").map(CodedValue.init))
    }
}

extension Quantity {
    init?(_ node: XMLNode?) {
        guard let node, node.attribute("value") != nil || node.attribute("unit") != nil else { return nil }
        self.init(value: node.attribute("value"), unit: node.attribute("unit"))
    }
}

extension Timestamp {
    /// A TS's `value`, or the `low` (else `center`) of an IVL_TS.
    init?(_ node: XMLNode) {
        guard let value = node.attribute("value") ?? node.hl7("low")?.attribute("value")
                ?? node.hl7("center")?.attribute("value") else { return nil }
        self.init(value)
    }
}

extension PersonName {
    init(_ node: XMLNode) {
        let parts = node.elements
        func texts(_ name: String) -> [String] { parts.filter { $0.name == name }.map(\.stringValue) }
        self.init(prefixes: texts("prefix"), given: texts("given"), family: texts("family"), suffixes: texts("suffix"),
                  text: parts.isEmpty ? node.stringValue.trimmingWhitespace : nil, use: node.attribute("use"))
    }
}

extension Patient {
    init(_ role: XMLNode) {
        let patient = role.hl7("patient")
        self.init(ids: role.hl7s("id").map(InstanceIdentifier.init),
                  names: patient?.hl7s("name").map(PersonName.init) ?? [],
                  birthTime: patient?.hl7("birthTime").flatMap(Timestamp.init),
                  administrativeGenderCode: patient?.hl7("administrativeGenderCode").map(CodedValue.init))
    }
}

extension Author {
    init(_ node: XMLNode) {
        let assigned = node.hl7("assignedAuthor")
        self.init(time: node.hl7("time").flatMap(Timestamp.init),
                  ids: assigned?.hl7s("id").map(InstanceIdentifier.init) ?? [],
                  name: assigned?.hl7("assignedPerson")?.hl7("name").map(PersonName.init),
                  softwareName: assigned?.hl7("assignedAuthoringDevice")?.hl7("softwareName")?.stringValue,
                  organization: assigned?.hl7("representedOrganization").map(Organization.init))
    }
}

extension Organization {
    init(_ node: XMLNode) {
        self.init(ids: node.hl7s("id").map(InstanceIdentifier.init), name: node.hl7("name")?.stringValue)
    }
}

extension LabResult {
    init(_ observation: XMLNode) {
        var battery: CodedValue?
        var ancestor = observation.parent
        while let node = ancestor, !node.is("section", namespace: XPathNamespaces.hl7) {
            if node.is("organizer", namespace: XPathNamespaces.hl7) {
                battery = node.hl7("code").map(CodedValue.init)
                break
            }
            ancestor = node.parent
        }
        self.init(ids: observation.hl7s("id").map(InstanceIdentifier.init),
                  code: observation.hl7("code").map(CodedValue.init),
                  battery: battery,
                  value: observation.hl7("value").map(ObservationValue.init),
                  referenceRanges: observation.hl7s("referenceRange").compactMap { $0.hl7("observationRange") }
                      .map(ReferenceRange.init),
                  interpretations: observation.hl7s("interpretationCode").map(CodedValue.init),
                  status: observation.hl7("statusCode")?.attribute("code"),
                  effectiveTime: observation.hl7("effectiveTime").flatMap(Timestamp.init))
    }
}

extension ObservationValue {
    init(_ node: XMLNode) {
        // `xsi:type` is a QName; its prefix depends on the document's declarations.
        let type = node.attribute("type", namespace: XPathNamespaces.xsi).map { String($0.split(separator: ":").last ?? "") }
        let coded = node.attribute("code") != nil || node.attribute("codeSystem") != nil
        let text = node.stringValue.trimmingWhitespace
        self.init(type: type, value: node.attribute("value"), unit: node.attribute("unit"),
                  code: coded ? CodedValue(node) : nil, text: text.isEmpty || !node.elements.isEmpty ? nil : text,
                  low: Quantity(node.hl7("low")), high: Quantity(node.hl7("high")))
    }
}

extension ReferenceRange {
    init(_ range: XMLNode) {
        let value = range.hl7("value")
        let text = range.hl7("text")?.stringValue.trimmingWhitespace
        self.init(low: Quantity(value?.hl7("low")), high: Quantity(value?.hl7("high")),
                  text: text?.isEmpty == false ? text : nil,
                  interpretation: range.hl7("interpretationCode").map(CodedValue.init))
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
