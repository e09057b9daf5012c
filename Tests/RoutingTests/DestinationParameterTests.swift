import HL7v2
import Routing
import Testing

/// Sink parameters: constants, or values read from each message by HL7 path.
@Suite struct DestinationParameterTests {
    static func route(_ destination: String) throws -> Route {
        try RouteLoader.parse("""
            route: oncology
            source: { topic: hrs.oncology, format: hl7v2 }
            to:
              - sink: rcp
            \(destination)
            """, file: "Routes/oncology.yaml", knownSinks: ["rcp"], knownMappings: [])
    }

    @Test func aParameterIsAConstantOrAPathIntoTheMessage() throws {
        let route = try Self.route("    caseId: { path: TXA-14.1 }\n    practiceSettingCode: ONC^1.3.182.5.31")
        #expect(route.destinations[0].parameters == ["practiceSettingCode": "ONC^1.3.182.5.31"])
        #expect(route.destinations[0].messageParameters == ["caseId": try HL7Path("TXA-14.1")])
    }

    @Test func aPathThatIsNotOneIsALoadErrorAtItsLine() throws {
        let error = #expect(throws: FileProblem.self) { try Self.route("    caseId: { path: TXA-x }") }
        #expect(error?.line == 5)
        #expect(error?.description.contains("'path': not an HL7 path") == true, "\(String(describing: error))")
        let unknownKey = #expect(throws: FileProblem.self) { try Self.route("    caseId: { field: TXA-14 }") }
        #expect(unknownKey?.description.contains("unknown key in parameter 'caseId'; allowed: path") == true, "\(String(describing: unknownKey))")
    }
}
