import Foundation
import Testing

/// `passerelle loinc check` and `passerelle terminology lookup`, as scripts call them (DESIGN.md §7).
@Suite struct TerminologyCommandTests {
    static let samplePack = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/terminology/sample")
    static let sampleTable = samplePack.appendingPathComponent("loinc/Loinc.csv").path

    @Test func checkWithoutATableJudgesFormAndCheckDigitOnly() throws {
        let result = try runPasserelle(["loinc", "check", "2345-7", "14749-6", "2345-6", "11491-6", "glucose", "02345-7"])
        #expect(result.stdout == """
            2345-7 valid
            14749-6 valid
            2345-6 bad-check-digit
            11491-6 deprecated
            glucose bad-format
            02345-7 bad-format

            """)
        #expect(result.status == 1)
    }

    @Test func checkWithATableSaysUnknown() throws {
        let result = try runPasserelle(["loinc", "check", "2345-7", "718-7", "99999-5", "--table", Self.sampleTable])
        #expect(result.stdout == "2345-7 valid\n718-7 valid\n99999-5 unknown\n", "\(result.stderr)")
        #expect(result.status == 1)
    }

    @Test func checkExitsZeroWhenAllCodesAreUsable() throws {
        let result = try runPasserelle(["loinc", "check", "2345-7", "--table", Self.sampleTable])
        #expect(result.stdout == "2345-7 valid\n")
        #expect(result.status == 0)
    }

    @Test func checkWithABrokenTableNamesTheLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let table = folder.appendingPathComponent("Loinc.csv")
        try Data("\"LOINC_NUM\",\"COMPONENT\"\n\"2345-7\",\"Glucose\"\n".utf8).write(to: table)
        let result = try runPasserelle(["loinc", "check", "2345-7", "--table", table.path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Loinc.csv:1"))
        #expect(result.stderr.contains("missing required columns"))
    }

    @Test func lookupPrintsTheEntryAsJSON() throws {
        let result = try runPasserelle(["terminology", "lookup", "LN", "2345-7", "--pack", Self.samplePack.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["terminology"] as? String == "loinc")
        #expect(json["code"] as? String == "2345-7")
        #expect(json["longCommonName"] as? String == "Glucose [Mass/volume] in Serum or Plasma")
        #expect(json["exampleUCUMUnits"] as? String == "mg/dL")
        #expect(json["status"] as? String == "ACTIVE")
    }

    @Test func lookupFindsCodeSystemsAndMedications() throws {
        let flag = try runPasserelle(["terminology", "lookup", "0078", "HH", "--pack", Self.samplePack.path])
        #expect(flag.status == 0)
        #expect(flag.stdout.contains(#""display":"Above upper panic limits""#))
        let product = try runPasserelle(["terminology", "lookup", "1.3.182.5.47", "SAMPLE-0003", "--pack", Self.samplePack.path])
        #expect(product.status == 0)
        #expect(product.stdout.contains(#""rate":100"#))
        #expect(product.stdout.contains(#""atc":"A10BA02""#))
    }

    @Test func lookupOfAnAbsentCodeExitsOne() throws {
        let result = try runPasserelle(["terminology", "lookup", "hl70001", "Q", "--pack", Self.samplePack.path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Q not found in hl70001"))
        let system = try runPasserelle(["terminology", "lookup", "no-such-system", "F", "--pack", Self.samplePack.path])
        #expect(system.status == 1)
    }
}
