import Findings
import Foundation
import Terminology
import Testing

@Suite struct LOINCTableTests {
    let folder: TemporaryFolder
    let table: LOINCTable

    init() throws {
        folder = try TemporaryFolder()
        table = try LOINCTable.load(table: folder.write("Loinc.csv", TestTable.text),
                                    mapTo: folder.write("MapTo.csv", TestTable.mapTo))
    }

    @Test func loadsTheColumnsByName() throws {
        #expect(table.count == 7)
        let glucose = try #require(table["2345-7"])
        #expect(glucose.component == "Glucose")
        #expect(glucose.property == "MCnc")
        #expect(glucose.timeAspect == "Pt")
        #expect(glucose.system == "Ser/Plas")
        #expect(glucose.scale == "Qn")
        #expect(glucose.method == nil)
        #expect(glucose.loincClass == "CHEM")
        #expect(glucose.classType == 1)
        #expect(glucose.status == .active)
        #expect(glucose.exampleUCUMUnits == "mg/dL")
        #expect(glucose.longCommonName == "Glucose [Mass/volume] in Serum or Plasma")
        #expect(glucose.shortName == "Glucose SerPl")
        #expect(glucose.orderObservation == "Both")
        #expect(table.entries.map(\.code.description) == ["2345-7", "2160-0", "718-7", "2823-3", "11491-6", "2951-2", "4548-4"])
    }

    @Test func verdictsWithATable() {
        #expect(LOINCVerdict("2345-7", table: table) == .valid)
        #expect(LOINCVerdict("718-7", table: table) == .valid)  // TRIAL is usable
        #expect(LOINCVerdict("2823-3", table: table) == .discouraged)
        #expect(LOINCVerdict("2951-2", table: table) == .deprecated)
        #expect(LOINCVerdict("11491-6", table: table) == .deprecated)
        #expect(LOINCVerdict("5895-7", table: table) == .deprecated)  // legacy, even when absent
        #expect(LOINCVerdict("2345-6", table: table) == .badCheckDigit)
        #expect(LOINCVerdict("14749-6", table: table) == .unknown)
        #expect(LOINCVerdict("glucose", table: table) == .badFormat)
    }

    @Test func verdictsWithoutATableNeverSayUnknown() {
        #expect(LOINCVerdict("14749-6") == .valid)
        #expect(LOINCVerdict("2345-6") == .badCheckDigit)
        #expect(LOINCVerdict("6649-9") == .deprecated)
    }

    @Test func deprecatedIsAnErrorNamingItsReplacement() throws {
        let location = Finding.Location(path: "OBX[1]-3.1")
        let finding = try #require(LOINCVerdict.findings(for: "2951-2", table: table, at: location).first)
        #expect(finding.severity == .error)
        #expect(finding.rule == "loinc.deprecated")
        #expect(finding.code == "2951-2")
        #expect(finding.location == location)
        #expect(finding.suggestion == "use 2947-0: test replacement")
    }

    @Test func discouragedIsAWarningNamingItsReplacement() throws {
        let finding = try #require(LOINCVerdict.findings(for: "2823-3", table: table).first)
        #expect(finding.severity == .warning)
        #expect(finding.rule == "loinc.discouraged")
        #expect(finding.suggestion == "use 6298-4")
        #expect(table.replacements(for: LOINCCode("2823-3")!).map(\.replacement.description) == ["6298-4"])
    }

    @Test func withoutMapToThereIsNoSuggestion() throws {
        let bare = try LOINCTable.load(table: folder.url.appendingPathComponent("Loinc.csv"))
        #expect(try #require(LOINCVerdict.findings(for: "2951-2", table: bare).first).suggestion == nil)
    }

    @Test func otherFindings() {
        #expect(LOINCVerdict.findings(for: "2345-7", table: table).isEmpty)
        #expect(LOINCVerdict.findings(for: "2345-6", table: table).map(\.rule) == ["loinc.check-digit"])
        #expect(LOINCVerdict.findings(for: "2345-6", table: table).first?.suggestion == "did you mean 2345-7?")
        #expect(LOINCVerdict.findings(for: "14749-6", table: table).map(\.rule) == ["loinc.unknown"])
        #expect(LOINCVerdict.findings(for: "x", table: table).map(\.rule) == ["loinc.format"])
        #expect(LOINCVerdict.findings(for: "14749-6", table: nil).isEmpty)
    }

    @Test func missingColumnsAreNamed() throws {
        let url = try folder.write("short.csv", "\"LOINC_NUM\",\"COMPONENT\",\"STATUS\"\n\"2345-7\",\"Glucose\",\"ACTIVE\"\n")
        let error = try #require(throws: TerminologyLoadError.self) { try LOINCTable.load(table: url) }
        #expect(error.findings.count == 1)
        #expect(error.findings[0].rule == "csv.missing-column")
        #expect(error.findings[0].location?.line == 1)
        #expect(error.findings[0].message.contains("PROPERTY"))
        #expect(error.findings[0].message.contains("EXAMPLE_UCUM_UNITS"))
        #expect(!error.findings[0].message.contains("COMPONENT"))
    }

    @Test func everyBadLineIsReportedWithItsLine() throws {
        let lines = [
            TestTable.header,
            TestTable.row("2345-7", "Glucose"),
            TestTable.row("2345-7", "Duplicate"),
            TestTable.row("2160-0", "Creatinine", status: "RETIRED"),
            "\"718-7\",\"too few\"",
            TestTable.row("not-a-code", "Bad"),
        ]
        let url = try folder.write("bad.csv", lines.joined(separator: "\n") + "\n")
        let error = try #require(throws: TerminologyLoadError.self) { try LOINCTable.load(table: url) }
        #expect(error.findings.map(\.rule) == ["loinc.duplicate", "loinc.status", "csv.column-count", "loinc.format"])
        #expect(error.findings.map(\.location?.line) == [3, 4, 5, 6])
        #expect(error.description.contains("bad.csv:4"))
    }
}
