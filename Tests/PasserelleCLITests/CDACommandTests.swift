import Foundation
import Testing

/// `passerelle cda validate|read` and `passerelle xpath` as scripts run them (DESIGN.md §7).
@Suite struct CDACommandTests {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let fixture = testsFolder.appendingPathComponent("CDATests/Fixtures/lu-lab-report.xml").path

    static var schema: String {
        get throws {
            let corpus = ProcessInfo.processInfo.environment["PASSERELLE_SHARED_CORPUS"]
                ?? testsFolder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus").path
            let path = corpus + "/hl7-cda-core-2.0/schema/normative/infrastructure/cda/CDA.xsd"
            guard FileManager.default.fileExists(atPath: path) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "the shared corpus's CDA.xsd at \(path)"])
            }
            return path
        }
    }

    /// A copy of the fixture with edits, in a temporary file.
    static func edited(_ edits: [(String, String)]) throws -> String {
        var text = try String(contentsOfFile: fixture, encoding: .utf8)
        for (old, new) in edits { text = text.replacingOccurrences(of: old, with: new) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-cda-\(UUID()).xml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func validFileHasNoFindingsAndExitsZero() throws {
        let result = try runPasserelle(["cda", "validate", Self.fixture, "--schema", Self.schema, "--rules", "lu-header"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "")
        #expect(result.stderr == "1 files, 0 with errors: 0 errors, 0 warnings\n")
    }

    @Test func findingsAreJSONLinesAndErrorsExitOne() throws {
        let bad = try Self.edited([(#"<realmCode code="LU"/>"#, #"<realmCode code="FR"/>"#),
                                  (#"<versionNumber value="1"/>"#, #"<versionNumber value="one"/>"#)])
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let result = try runPasserelle(["cda", "validate", bad, Self.fixture, "--schema", Self.schema, "--rules", "lu-header"])
        #expect(result.status == 1)
        let lines = try Self.jsonLines(result.stdout)
        #expect(lines.map { $0["rule"] as? String } == ["xsd", "lu-header.realm-code"])
        #expect(lines.map { $0["line"] as? Int } == [16, 4])
        #expect(lines.allSatisfy { $0["file"] as? String == bad && $0["severity"] as? String == "error" })
        #expect((lines[0]["message"] as? String)?.contains("versionNumber") == true)
        #expect(result.stdout.hasPrefix(#"{"file":"#), "keys are sorted")
        #expect(result.stderr == "2 files, 1 with errors: 2 errors, 0 warnings\n")
    }

    @Test func malformedAndNonCDAFilesAreFindings() throws {
        let malformed = try Self.edited([("<title>Rapport de", "<title><b>Rapport de")])
        let html = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-\(UUID()).xml").path
        try "<html/>".write(toFile: html, atomically: true, encoding: .utf8)
        defer { for file in [malformed, html] { try? FileManager.default.removeItem(atPath: file) } }
        let result = try runPasserelle(["cda", "validate", malformed, html])
        #expect(result.status == 1)
        let lines = try Self.jsonLines(result.stdout)
        #expect(lines.first?["rule"] as? String == "xml")
        #expect(lines.first?["line"] as? Int == 11)
        #expect(lines.first?["column"] as? Int != nil)
        #expect(lines.last?["rule"] as? String == "cda")
        #expect((lines.last?["message"] as? String)?.hasPrefix("not a CDA document") == true)
    }

    @Test func unknownRuleSetIsAUsageError() throws {
        let result = try runPasserelle(["cda", "validate", Self.fixture, "--rules", "fr-header"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("unknown rule set 'fr-header'"))
    }

    @Test func readPrintsTheModelAsJSON() throws {
        let result = try runPasserelle(["cda", "read", Self.fixture])
        #expect(result.status == 0, "\(result.stderr)")
        let model = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(model["title"] as? String == "Rapport de laboratoire")
        let patient = try #require(model["patient"] as? [String: Any])
        #expect((patient["ids"] as? [[String: Any]])?.map { $0["root"] as? String } == ["1.3.182.3.1.1.7.3", "1.3.182.4.4", "1.3.182.2.4.2"])
        let sections = try #require(model["sections"] as? [[String: Any]])
        #expect(sections.map { ($0["results"] as? [Any])?.count } == [2, 1])
    }

    @Test func readOfANonCDAFileFails() throws {
        let html = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-\(UUID()).xml").path
        try "<html/>".write(toFile: html, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: html) }
        let result = try runPasserelle(["cda", "read", html])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a CDA document"))
        #expect(result.stdout == "")
    }

    @Test func aFragmentUsingItsDocumentsPrefixesIsReadInPlaceAndNamedAsAFragment() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-\(UUID()).xml").path
        try #"<section><entry><observation classCode="OBS" moodCode="EVN"><value xsi:type="CD" code="1"/></observation></entry></section>"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let read = try runPasserelle(["cda", "read", file])
        #expect(read.status == 1)
        #expect(read.stderr.contains("not a ClinicalDocument: root is <section>"), "\(read.stderr)")
        let xpath = try runPasserelle(["xpath", file, "string(//hl7:value/@code)"])
        #expect(xpath.stdout == "1\n", "\(xpath.stderr)")
    }

    @Test func xpathPrintsEachValueOnItsLine() throws {
        let codes = try runPasserelle(["xpath", Self.fixture, "//hl7:observation/hl7:code/@code"])
        #expect(codes.status == 0)
        #expect(codes.stdout == "2345-7\n2951-2\n630-4\n")
        let count = try runPasserelle(["xpath", Self.fixture, "count(//hl7:section)"])
        #expect(count.stdout == "2\n")
        let none = try runPasserelle(["xpath", Self.fixture, "//hl7:nothing"])
        #expect(none.status == 0)
        #expect(none.stdout == "")
    }

    @Test func xpathErrorsExitOne() throws {
        let syntax = try runPasserelle(["xpath", Self.fixture, "//hl7:observation["])
        #expect(syntax.status == 1)
        #expect(syntax.stderr.contains("Invalid expression"))
        let prefix = try runPasserelle(["xpath", Self.fixture, "//x:y"])
        #expect(prefix.status == 1)
        #expect(prefix.stderr.contains("Undefined namespace prefix"))
        let bound = try runPasserelle(["xpath", Self.fixture, "count(//x:title)", "--namespace", "x=urn:hl7-org:v3"])
        #expect(bound.stdout == "3\n", "\(bound.stderr)")
    }
}
