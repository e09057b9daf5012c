import Foundation
import Testing

/// `passerelle map` with a `from: cda` mapping reads a CDA document; `check` loads such mappings.
@Suite struct CDAMappingCommandTests {
    static let mappings = MappingCommandTests.mappings
    static let xdLab = mappings + "/cda-xdlab-to-lab-report.yaml"
    static let fixture = mappings + "/fixtures/cda-xdlab-lab-report.xml"

    @Test func mapReadsACDADocumentForACDAMapping() throws {
        let json = try runPasserelle(["map", "--mapping", Self.xdLab, "--to", "json", Self.fixture])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout == (try String(contentsOfFile: Self.mappings + "/fixtures/cda-xdlab-lab-report.expected.json", encoding: .utf8)))
        // Back to XD-LAB, which reads as the same report again.
        let cda = try runPasserelle(["map", "--mapping", Self.xdLab, Self.fixture])
        #expect(cda.status == 0, "\(cda.stderr)")
        let again = try runPasserelle(["map", "--mapping", Self.xdLab, "--to", "json", "-"], input: Data(cda.stdout.utf8))
        #expect(again.status == 0 && again.stdout == json.stdout, "\(again.stderr)")
    }

    @Test func aCDAMappingRefusesWhatIsNotXMLWithLineAndColumn() throws {
        let result = try runPasserelle(["map", "--mapping", Self.xdLab, Self.mappings + "/fixtures/oru-r01-lab.hl7"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("oru-r01-lab.hl7:1:1:"), "\(result.stderr)")
    }

    @Test func checkLoadsCDAMappingsAndLocatesBadXPaths() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-cda-check-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "from: cda\nto: document\nmap:\n  title: hl7:title[\n".write(to: directory.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try runPasserelle(["check", directory.path])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("bad.yaml:4:10: map.title: not an XPath 1.0 expression"), "\(bad.stdout)")
    }
}
