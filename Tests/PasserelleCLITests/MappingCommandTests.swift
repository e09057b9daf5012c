import Foundation
import Testing

/// `passerelle map` and `passerelle check` as scripts run them (DESIGN.md §7).
@Suite struct MappingCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let mappings = repository.appendingPathComponent("Mappings").path
    static let mapping = mappings + "/oru-to-xdlab.yaml"
    static let fixture = mappings + "/fixtures/oru-r01-lab.hl7"

    @Test func mapPrintsValidCDAByDefault() throws {
        let result = try runPasserelle(["map", "--mapping", Self.mapping, Self.fixture])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3""#))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-map-\(UUID()).xml")
        try result.stdout.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let validation = try runPasserelle(["cda", "validate", file.path, "--schema", CDACommandTests.schema, "--rules", "lu-header"])
        #expect(validation.status == 0, "\(validation.stdout)")
    }

    @Test func mapToJSONPrintsTheCanonicalModelAndReadsStandardInput() throws {
        let input = try Data(contentsOf: URL(fileURLWithPath: Self.fixture))
        let result = try runPasserelle(["map", "--mapping", Self.mapping, "--to", "json", "-"], input: input)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let report = try #require(object["labReport"] as? [String: Any])
        #expect((report["batteries"] as? [Any])?.count == 3)
    }

    @Test func mapFailuresExitOneWithTheError() throws {
        let fhir = try runPasserelle(["map", "--mapping", Self.mapping, "--to", "fhir", Self.fixture])
        #expect(fhir.status == 1)
        #expect(fhir.stderr.contains("no fhir rendering of a lab report"))
        let notHL7 = try runPasserelle(["map", "--mapping", Self.mapping, Self.mapping])
        #expect(notHL7.status == 1)
        let missing = try runPasserelle(["map", "--mapping", "/nonexistent.yaml", Self.fixture])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent.yaml"))
    }

    @Test func checkPassesOnTheShippedMappings() throws {
        let result = try runPasserelle(["check", Self.mappings])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("0 with errors"))
    }

    @Test func checkReportsFileLineColumnAndExitsOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-check-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "from: hl7v2\nto: lab-report\nmap:\n  titel: OBR-4.2\n".write(to: folder.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let result = try runPasserelle(["check", folder.path])
        #expect(result.status == 1)
        #expect(result.stdout == "\(folder.path)/bad.yaml:4:3: map.titel: unknown key 'titel' (did you mean 'title'?)\n")
    }
}
