import Routing
import Testing

/// Routes whose source is CDA documents: what they match on, the steps they allow.
@Suite struct CDARouteTests {
    static let route = """
        route: cda-lab-reports
        source: { topic: hospital.cda, format: cda }
        match: { template: 1.3.182.11.1, document_code: 11502-2 }
        steps:
          - validate: { lu_header: required, schema: warn }
        to:
          - sink: dsp
            typeCode: DT-00002
        """

    static func parse(_ text: String) throws(FileProblem) -> Route {
        try RouteLoader.parse(text, file: "Routes/cda.yaml", knownSinks: ["dsp"], knownMappings: ["oru-to-xdlab"])
    }

    @Test func aCDARouteMatchesOnTemplateAndDocumentCode() throws {
        let route = try Self.parse(Self.route)
        #expect(route.format == .cda)
        #expect(route.steps == [.validateDocument(header: .required, schema: .warn)])
        let lab = MessageFacts(messageType: "", sendingApplication: "", sendingFacility: "", headers: [:],
                               templates: ["1.3.182.11.1", "1.3.182.11.3"], documentCode: "11502-2")
        #expect(route.match.matches(lab))
        var other = lab
        other.documentCode = "34133-9"
        #expect(!route.match.matches(other))
        other = lab
        other.templates = ["2.16.840.1.113883.10.20.22.1.1"]
        #expect(!route.match.matches(other))
        #expect(lab.summary == "document code 11502-2, templates 1.3.182.11.1 1.3.182.11.3")
    }

    @Test(arguments: [
        ("match: { template: 1.3.182.11.1, document_code: 11502-2 }", "match: { message_type: ORU^R01 }", "unknown key in match (format cda)"),
        ("  - validate: { lu_header: required, schema: warn }", "  - enrich: patient", "unknown key in a step (format cda)"),
        ("  - validate: { lu_header: required, schema: warn }", "  - validate: { loinc: required }", "unknown key in validate (format cda)"),
        ("    typeCode: DT-00002", "    caseId: { path: TXA-14.1 }", "needs an HL7 v2 source"),
    ])
    func whatOnlyHL7SourcesHaveIsRefused(original: String, replacement: String, message: String) throws {
        let error = #expect(throws: FileProblem.self) { try Self.parse(Self.route.replacingOccurrences(of: original, with: replacement)) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func aCDARouteMapsAndRenders() throws {
        let route = try Self.parse(Self.route.replacingOccurrences(of: "  - validate: { lu_header: required, schema: warn }",
                                                                   with: "  - map: oru-to-xdlab\n  - render: json"))
        #expect(route.steps == [.map(mapping: "oru-to-xdlab"), .render(format: "json")])
    }

    @Test func hl7RoutesRefuseDocumentConditionsAndTakeEnrichment() throws {
        let hl7 = """
            route: biology
            source: { topic: lab, format: hl7v2 }
            match: { message_type: ORU^R01 }
            steps:
              - enrich: patient
            to: [{ sink: dsp }]
            """
        #expect(try Self.parse(hl7).steps == [.enrich(.patient)])
        let error = #expect(throws: FileProblem.self) {
            try Self.parse(hl7.replacingOccurrences(of: "message_type: ORU^R01", with: "template: 1.3.182.11.1"))
        }
        #expect(error?.description.contains("unknown key in match (format hl7v2)") == true, "\(String(describing: error))")
        let practitioner = #expect(throws: FileProblem.self) {
            try Self.parse(hl7.replacingOccurrences(of: "enrich: patient", with: "enrich: author"))
        }
        #expect(practitioner?.description.contains("'author' is not one of patient, professionals") == true, "\(String(describing: practitioner))")
    }
}
