import Findings
import Foundation
import Terminology
import Testing

@Suite struct ObservationCheckTests {
    let folder: TemporaryFolder
    let table: LOINCTable

    init() throws {
        folder = try TemporaryFolder()
        table = try LOINCTable.load(table: folder.write("Loinc.csv", TestTable.text))
    }

    @Test func expectedUnitPasses() {
        #expect(table.findings(observationCode: "2345-7", unit: "mg/dL").isEmpty)
        #expect(table.findings(observationCode: "2160-0", unit: "umol/L").isEmpty)  // second of `mg/dL;umol/L`
        #expect(table.findings(observationCode: "2160-0", unit: "mg/dL").isEmpty)
    }

    @Test func otherUnitIsAWarningWithTheExpectedOnes() throws {
        let location = Finding.Location(path: "OBX[2]-6.1")
        let findings = table.findings(observationCode: "2160-0", unit: "mmol/L", unitLocation: location)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.rule == "units.unexpected")
        #expect(finding.severity == .warning)
        #expect(finding.location == location)
        #expect(finding.suggestion == "expected mg/dL or umol/L")
    }

    @Test func badUnitSyntaxAndMismatchAreBothReported() {
        let findings = table.findings(observationCode: "2345-7", unit: "mg /dl")
        #expect(findings.map(\.rule) == ["ucum.syntax", "units.unexpected"])
    }

    @Test func missingUnitOnAQuantitativeCode() {
        #expect(table.findings(observationCode: "2345-7", unit: nil).map(\.rule) == ["units.missing"])
        #expect(table.findings(observationCode: "2345-7", unit: "").map(\.rule) == ["units.missing"])
        #expect(table.findings(observationCode: "4548-4", unit: nil).isEmpty)  // narrative: no example unit
    }

    @Test func codeAndUnitFindingsTogether() {
        let findings = table.findings(observationCode: "2951-2", unit: "mg/dL",
                                      codeLocation: .init(path: "OBX-3"), unitLocation: .init(path: "OBX-6"))
        #expect(findings.map(\.rule) == ["loinc.deprecated", "units.unexpected"])
        #expect(findings.map(\.location?.path) == ["OBX-3", "OBX-6"])
        #expect(table.findings(observationCode: "2345 7", unit: "mg/dL").map(\.rule) == ["loinc.format"])
        #expect(table.findings(observationCode: "14749-6", unit: "mmol/L").map(\.rule) == ["loinc.unknown"])
    }
}
