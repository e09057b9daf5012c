import HL7v2
import Routing
import Terminology
import Testing

/// The `validate` step's LOINC and unit checks on an ORU: which OBX each finding names, and how
/// the route's severities file it.
@Suite struct ObservationValidationTests {
    static let table = LOINCTable(entries: [
        LOINCEntry(code: LOINCCode("2345-7")!, component: "Glucose", property: "SCnc", timeAspect: "Pt", system: "Ser/Plas",
                   scale: "Qn", loincClass: "CHEM", classType: 1, status: .active, exampleUCUMUnits: "mmol/L",
                   longCommonName: "Glucose [Moles/volume] in Serum or Plasma"),
    ])

    /// An ORU whose OBX carry `results` (code, coding system, unit) in order, after an NTE that
    /// is not an OBX and must not shift their numbering.
    static func oru(_ results: [(code: String, system: String, unit: String)]) throws -> HL7Message {
        var text = "MSH|^~\\&|LAB|HRS|DSP|ESANTE|20261127101500+0100||ORU^R01^ORU_R01|M1|P|2.5\rPID|1||7000010105084^^^1.3.182.4.4^NNLUX\r"
        text += "OBR|1|O1|F1|24323-8^Panel^LN\rNTE|1||note\r"
        for (index, result) in results.enumerated() {
            text += "OBX|\(index + 1)|NM|\(result.code)^Test^\(result.system)||5|\(result.unit)|||||F\r"
        }
        return try HL7Message(Array(text.utf8))
    }

    @Test func validResultsHaveNoFinding() throws {
        let outcome = ObservationValidation(loinc: .required, units: .required)
            .check(try Self.oru([("2345-7", "LN", "mmol/L"), ("2345-7", "LN", "mmol/L")]), table: Self.table)
        #expect(outcome.rejecting.isEmpty)
        #expect(outcome.reported.isEmpty)
    }

    @Test func findingsNameTheirOBXAndFieldAndFollowTheRouteSeverities() throws {
        let message = try Self.oru([
            ("2345-7", "LN", "mmol/L"),  // valid
            ("2345-7", "LN", "mg/dL"),  // a unit LOINC does not expect: a warning, reported
            ("LOCAL1", "L", "xyz"),  // not LOINC: not checked
            ("2345-8", "LN", "mmol/L"),  // wrong check digit: an error, rejected
        ])
        let outcome = ObservationValidation(loinc: .required, units: .warn).check(message, table: Self.table)
        #expect(outcome.rejecting.map(\.rule) == ["loinc.check-digit"])
        #expect(outcome.rejecting.map(\.location?.path) == ["OBX[4]-3.1"])
        #expect(outcome.reported.map(\.rule) == ["units.unexpected"])
        #expect(outcome.reported.map(\.location?.path) == ["OBX[2]-6.1"])
        #expect(outcome.reported.map(\.code) == ["mg/dL"])
    }

    @Test func unitFindingsAreLocatedOnTheUnitField() throws {
        let message = try Self.oru([("2345-7", "LN", "mmol/L"), ("2345-7", "LN", "furlong"), ("2345-7", "LN", "mmol//L")])
        let outcome = ObservationValidation(loinc: .warn, units: .required).check(message, table: Self.table)
        // Bad syntax is an error; an atom outside the list only a warning, as is any unit LOINC does not expect.
        #expect(outcome.rejecting.map(\.rule) == ["ucum.syntax"])
        #expect(outcome.rejecting.map(\.location?.path) == ["OBX[3]-6.1"])
        #expect(outcome.reported.map(\.rule) == ["ucum.unknown-unit", "units.unexpected", "units.unexpected"])
        #expect(outcome.reported.map(\.location?.path) == ["OBX[2]-6.1", "OBX[2]-6.1", "OBX[3]-6.1"])
    }

    @Test func withoutATableOnlyTheCodeFormIsChecked() throws {
        let outcome = ObservationValidation(loinc: .required, units: .required)
            .check(try Self.oru([("2345-8", "LN", "furlong"), ("2345-7", "LN", "mmol/L")]), table: nil)
        #expect(outcome.rejecting.map(\.rule) == ["loinc.check-digit"])
        #expect(outcome.rejecting.map(\.location?.path) == ["OBX-3.1"])
    }

    @Test func offChecksReportNothing() throws {
        let outcome = ObservationValidation(loinc: .off, units: .off)
            .check(try Self.oru([("2345-8", "LN", "furlong")]), table: Self.table)
        #expect(outcome.rejecting.isEmpty)
        #expect(outcome.reported.isEmpty)
    }
}
