import Findings
import Foundation
import Terminology
import Testing

@Suite struct TerminologyPackTests {
    /// A pack folder with a LOINC table, a medication list and one code system.
    static func writePack(in folder: TemporaryFolder, version: String, sexCodes: String = "F,Female\nM,Male\n") throws -> URL {
        try folder.write("pack-\(version)/pack.json", """
            {"name": "test", "version": "\(version)",
             "loinc": {"table": "Loinc.csv", "mapTo": "MapTo.csv"},
             "medications": {"products": "products.csv"},
             "codeSystems": [{"id": "hl70001", "name": "Administrative sex", "system": "2.16.840.1.113883.12.1",
                              "aliases": ["HL70001", "0001"], "file": "sex.csv"}]}
            """)
        try folder.write("pack-\(version)/Loinc.csv", TestTable.text)
        try folder.write("pack-\(version)/MapTo.csv", TestTable.mapTo)
        try folder.write("pack-\(version)/products.csv", "code,name,status,authorised_from\nP1,One,authorised,2015-01-01\n")
        try folder.write("pack-\(version)/sex.csv", "code,display\n" + sexCodes)
        return folder.url.appendingPathComponent("pack-\(version)")
    }

    @Test func loadsEveryTerminologyOfThePack() throws {
        let folder = try TemporaryFolder()
        let pack = try TerminologyPack.load(from: Self.writePack(in: folder, version: "1.0"))
        #expect(pack.name == "test")
        #expect(pack.version == PackVersion("1.0"))
        #expect(pack.loinc?.count == 7)
        #expect(pack.medications?.count == 1)
        #expect(pack.codeSystems.map(\.id) == ["hl70001"])
    }

    @Test func lookupBySystemNames() throws {
        let folder = try TemporaryFolder()
        let pack = try TerminologyPack.load(from: Self.writePack(in: folder, version: "1.0"))
        for name in ["LN", "loinc", "http://loinc.org", "2.16.840.1.113883.6.1"] {
            guard case .loinc(let entry, let replacements)? = pack.lookup(system: name, code: "2951-2") else {
                Issue.record("\(name) does not find LOINC"); continue
            }
            #expect(entry.component == "Sodium")
            #expect(replacements.map(\.replacement.description) == ["2947-0"])
        }
        for name in ["hl70001", "HL70001", "0001", "2.16.840.1.113883.12.1"] {
            #expect(pack.lookup(system: name, code: "F") == .concept(.init(code: "F", display: "Female"), in: "hl70001",
                                                                     system: "2.16.840.1.113883.12.1"))
        }
        #expect(pack.lookup(system: "1.3.182.5.47", code: "P1") != nil)
        #expect(pack.lookup(system: "hl70001", code: "X") == nil)
        #expect(pack.lookup(system: "hl79999", code: "F") == nil)
        #expect(pack.lookup(system: "LN", code: "14749-6") == nil)
        #expect(pack.codeSystem(named: "0001")?.findings(for: "X").map(\.rule) == ["codesystem.unknown-code"])
        #expect(pack.codeSystem(named: "0001")?.findings(for: "M").isEmpty == true)
    }

    @Test func lookupEncodesAsOneJSONObjectNamingItsTerminology() throws {
        let folder = try TemporaryFolder()
        let pack = try TerminologyPack.load(from: Self.writePack(in: folder, version: "1.0"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let loinc = try JSONSerialization.jsonObject(with: encoder.encode(pack.lookup(system: "LN", code: "2951-2"))) as? [String: Any]
        #expect(loinc?["terminology"] as? String == "loinc")
        #expect(loinc?["system"] as? String == "Ser/Plas")
        #expect(loinc?["code"] as? String == "2951-2")
        #expect(loinc?["status"] as? String == "DEPRECATED")
        #expect(loinc?["class"] as? String == "CHEM")
        #expect((loinc?["replacedBy"] as? [[String: Any]])?.first?["replacement"] as? String == "2947-0")
        let concept = try JSONSerialization.jsonObject(with: encoder.encode(pack.lookup(system: "0001", code: "M"))) as? [String: Any]
        #expect(concept as? [String: String] == ["code": "M", "display": "Male", "terminology": "hl70001", "system": "2.16.840.1.113883.12.1"])
    }

    @Test func problemsInSeveralFilesAreAllReported() throws {
        let folder = try TemporaryFolder()
        let url = try Self.writePack(in: folder, version: "1.0", sexCodes: "F,Female\nF,Again\n")
        try folder.write("pack-1.0/products.csv", "code,name\nP1,One\n")
        let error = try #require(throws: TerminologyLoadError.self) { try TerminologyPack.load(from: url) }
        #expect(error.findings.map(\.rule) == ["csv.missing-column", "codesystem.code"])
        #expect(error.findings.map { $0.location?.file?.components(separatedBy: "/").last } == ["products.csv", "sex.csv"])
    }

    @Test func badManifestsSayWhatIsWrong() throws {
        let folder = try TemporaryFolder()
        try folder.write("p/pack.json", #"{"name": "x"}"#)
        let missing = try #require(throws: TerminologyLoadError.self) { try TerminologyPack.load(from: folder.url.appendingPathComponent("p")) }
        #expect(missing.findings.first?.rule == "pack.manifest")
        #expect(missing.findings.first?.message.contains("version") == true)
        let absent = try #require(throws: TerminologyLoadError.self) { try TerminologyPack.load(from: folder.url.appendingPathComponent("none")) }
        #expect(absent.findings.first?.location?.file?.hasSuffix("none/pack.json") == true)
    }

    @Test func versionsCompareNumerically() {
        #expect(PackVersion("2.10") > PackVersion("2.9"))
        #expect(PackVersion("2025.1.0") < PackVersion("2025.1.1"))
        #expect(PackVersion("2.81") == PackVersion("2.81"))
        #expect(PackVersion("2.81") < PackVersion("2.81.1"))
        #expect(PackVersion("2025.1.0-sample") > PackVersion("2025.1.0"))
    }
}
