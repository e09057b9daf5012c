import Findings

/// The national platform's CDA header rules (template 1.3.182.11.1) as findings shaped like the
/// XSD ones: rule `lu-header.*`, the line and the XPath of the element at fault. Messages never
/// quote patient identifiers, since findings end up in logs and the journal.
public struct LuxembourgHeaderRules: Sendable {
    /// The name `passerelle cda validate --rules` knows this rule set by.
    public static let name = "lu-header"
    /// The matricule's test value, which does not start with 1 or 2.
    public static let testMatricule = "7000010105084"

    public init() {}

    public func check(_ document: XMLDocument, file: String? = nil) -> [Finding] {
        var findings: [Finding] = []
        func report(_ severity: Finding.Severity, _ rule: String, _ message: String, at node: XMLNode) {
            findings.append(Finding(severity: severity, rule: "\(Self.name).\(rule)", message: message,
                                    location: .init(file: file, line: node.line, path: node.path)))
        }
        guard let root = document.root, root.is("ClinicalDocument", namespace: XPathNamespaces.hl7) else {
            findings.append(Finding(severity: .error, rule: "\(Self.name).root",
                                    message: "the root element is not {\(XPathNamespaces.hl7)}ClinicalDocument",
                                    location: .init(file: file, line: document.root?.line)))
            return findings
        }

        let realms = root.hl7s("realmCode")
        if !realms.contains(where: { $0.attribute("code") == "LU" }) {
            report(.error, "realm-code", "realmCode LU is missing", at: realms.first ?? root)
        }
        if !root.hl7s("templateId").contains(where: { $0.attribute("root") == OID.luHeader }) {
            report(.error, "template", "templateId \(OID.luHeader) (national CDA header) is missing", at: root)
        }
        if let confidentiality = root.hl7("confidentialityCode"), confidentiality.attribute("code") != "N" {
            report(.warning, "confidentiality-code", "confidentialityCode is not N (normal)", at: confidentiality)
        }

        if let role = root.hl7("recordTarget")?.hl7("patientRole") {
            checkPatientIDs(role, report: report)
        } else {
            report(.error, "patient", "recordTarget/patientRole is missing", at: root)
        }

        // Professionals: person authors and the authenticators of the document.
        let professionals = root.hl7s("author").compactMap { $0.hl7("assignedAuthor") }
            + (root.hl7s("legalAuthenticator") + root.hl7s("authenticator")).compactMap { $0.hl7("assignedEntity") }
        for professional in professionals where professional.hl7("assignedPerson") != nil {
            let hasHPD = professional.hl7s("id").contains {
                $0.attribute("root") == OID.hpd && $0.attribute("extension")?.isEmpty == false
            }
            if !hasHPD {
                report(.error, "hpd-id", "a professional has no hpdID (id root \(OID.hpd))", at: professional)
            }
        }
        return findings
    }

    /// Local ids first, then the matricule, then the DSP id.
    private func checkPatientIDs(
        _ role: XMLNode, report: (_ severity: Finding.Severity, _ rule: String, _ message: String, _ at: XMLNode) -> Void
    ) {
        let ids = role.hl7s("id")
        func rank(_ id: XMLNode) -> Int {
            switch id.attribute("root") {
            case OID.matricule: 1
            case OID.dspPatient: 2
            default: 0
            }
        }
        let matricules = ids.filter { rank($0) == 1 }
        if matricules.isEmpty {
            report(.warning, "matricule", "the patient has no national matricule (id root \(OID.matricule))", role)
        }
        for id in matricules {
            let value = id.attribute("extension") ?? ""
            if value != Self.testMatricule, value.wholeMatch(of: /[12]\d{12}/) == nil {
                report(.error, "matricule", "the matricule is not 13 digits starting with 1 or 2", id)
            }
        }
        for (previous, id) in zip(ids, ids.dropFirst()) where rank(id) < rank(previous) {
            report(.error, "patient-id-order",
                   "patient ids are out of order: local ids, then the matricule, then the DSP id", id)
        }
    }
}
