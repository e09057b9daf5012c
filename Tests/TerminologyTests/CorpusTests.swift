import Foundation
import Terminology
import Testing

/// Real LOINC rows from ../shared/corpus/loinc-subsets (see its NOTICE.txt), read in place.
@Suite struct CorpusTests {
    static func corpus() throws -> URL {
        let root = ProcessInfo.processInfo.environment["PASSERELLE_SHARED_CORPUS"].map { URL(fileURLWithPath: $0) }
            ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        let folder = root.appendingPathComponent("loinc-subsets")
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("comp-loinc/Loinc.csv").path) else {
            Issue.record("the LOINC corpus is missing: expected \(folder.path) (set PASSERELLE_SHARED_CORPUS)")
            throw CocoaError(.fileNoSuchFile)
        }
        return folder
    }

    @Test func publishedLoincCsvLoadsWholly() throws {
        let file = try Self.corpus().appendingPathComponent("comp-loinc/Loinc.csv")
        let table = try LOINCTable.load(table: file)
        print("corpus: comp-loinc/Loinc.csv, \(table.count) rows loaded")
        #expect(table.count == 99)
        #expect(table.entries.filter { $0.status == .active }.count == 78)
        #expect(table.entries.filter { $0.status == .trial }.count == 21)
        #expect(table.entries.allSatisfy { $0.code.hasValidCheckDigit })
        let first = try #require(table["100000-9"])
        #expect(first.component == "Health informatics pioneer and the father of LOINC")
        #expect(first.system == "^Patient")
        #expect(first.loincClass == "H&P.HX")
        #expect(first.classType == 2)
        #expect(first.shortName == "Health Info Pioneer+Father of LOINC")
        #expect(first.orderObservation == "Observation")
        #expect(first.exampleUCUMUnits == nil)
    }

    @Test func everyExampleUnitOfTheCorpusIsValidUCUM() throws {
        let table = try LOINCTable.load(table: Self.corpus().appendingPathComponent("comp-loinc/Loinc.csv"))
        let units = table.entries.flatMap(\.expectedUnits)
        print("corpus: \(units.count) example UCUM units checked (\(Set(units).sorted().joined(separator: " ")))")
        #expect(units.count == 30)
        for unit in units {
            #expect(UCUM.problem(in: unit) == nil, "\(unit)")
        }
        for entry in table.entries {
            #expect(table.findings(observationCode: entry.code.description, unit: entry.expectedUnits.first).isEmpty,
                    "\(entry.code)")
        }
    }

    /// The Top 2000 accessory file is not a LOINC table: the loader must say which columns are missing;
    /// its codes are real, so each must pass the check digit.
    @Test func top2000CodesPassTheCheckDigitAndTheFileIsNotTakenForATable() throws {
        let file = try Self.corpus().appendingPathComponent("hapi-fhir/Top2000CommonLabResultsUs.csv")
        let lines = try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        let codes = lines.map { String($0.prefix { $0 != "," }) }
        print("corpus: hapi-fhir/Top2000CommonLabResultsUs.csv, \(codes.count) codes checked")
        #expect(codes.count == 9)
        for code in codes { #expect(LOINCVerdict(code) == .valid, "\(code)") }
        let error = try #require(throws: TerminologyLoadError.self) { try LOINCTable.load(table: file) }
        #expect(error.findings.first?.rule == "csv.missing-column")
        #expect(error.findings.first?.message.contains("LOINC_NUM") == true)
    }
}
