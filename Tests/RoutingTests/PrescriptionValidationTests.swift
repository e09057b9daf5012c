import Foundation
import HL7v2
import Routing
import Terminology
import Testing

/// The `validate` step's medication-list and positive-list checks, on the shipped sample pack.
@Suite struct PrescriptionValidationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func medications() throws -> MedicationList {
        try #require(try TerminologyPack.load(from: root.appendingPathComponent("deploy/terminology/sample")).medications)
    }

    /// An OMP^O09 of 2026-11-27 prescribing `codes`, one ORC/RXO group each.
    static func omp(_ codes: [String], date: String = "20261127094500+0100") throws -> HL7Message {
        var text = "MSH|^~\\&|MEDIPRESC|CABINET42|EPRESC|ESANTE|\(date)||OMP^O09^OMP_O09|OMP1|P|2.5\rPID|1||7000010105084^^^MAT&1.3.182.4.4&ISO\r"
        for (index, code) in codes.enumerated() {
            text += "ORC|NW|L\(index)\rRXO|\(code)^Product^LUMED|1||TAB\r"
        }
        return try HL7Message(Array(text.utf8))
    }

    @Test func productsOnTheListAndReimbursedPass() throws {
        let outcome = PrescriptionValidation(medications: .required, positiveList: .required)
            .check(try Self.omp(["0123456", "0234567"]), list: try Self.medications())
        #expect(outcome.rejecting.isEmpty)
        #expect(outcome.reported.isEmpty)
    }

    @Test func unknownAndWithdrawnProductsAreRejectedWithTheirPath() throws {
        let outcome = PrescriptionValidation(medications: .required, positiveList: .off)
            .check(try Self.omp(["0123456", "9999999", "0567890"]), list: try Self.medications())
        #expect(outcome.rejecting.map(\.rule) == ["medication.unknown", "medication.not-authorised"])
        #expect(outcome.rejecting.map(\.location?.path) == ["RXO[2]-1.1", "RXO[3]-1.1"])
        #expect(outcome.rejecting.map(\.code) == ["9999999", "0567890"])
    }

    @Test func aProductOffThePositiveListIsRejectedOnlyWhereReimbursementIsRequired() throws {
        let message = try Self.omp(["0456789"])
        let required = PrescriptionValidation(medications: .required, positiveList: .required).check(message, list: try Self.medications())
        #expect(required.rejecting.map(\.rule) == ["medication.not-reimbursed"])
        let warned = PrescriptionValidation(medications: .required, positiveList: .warn).check(message, list: try Self.medications())
        #expect(warned.rejecting.isEmpty)
        #expect(warned.reported.map(\.rule) == ["medication.not-reimbursed"])
        let off = PrescriptionValidation(medications: .required, positiveList: .off).check(message, list: try Self.medications())
        #expect(off.rejecting.isEmpty && off.reported.isEmpty)
    }

    @Test func theRXEOfAnRDEIsChecked() throws {
        let text = "MSH|^~\\&|HIS|CHL|EPRESC|ESANTE|20261126163000+0100||RDE^O11^RDE_O11|RDE1|P|2.5\rORC|NW|L1\rRXE||0567890^Codeine^LUMED|1\r"
        let outcome = PrescriptionValidation(medications: .required, positiveList: .off)
            .check(try HL7Message(Array(text.utf8)), list: try Self.medications())
        #expect(outcome.rejecting.map(\.location?.path) == ["RXE-2.1"])
    }

    @Test func withoutAListNothingPassesUnchecked() throws {
        let outcome = PrescriptionValidation(medications: .required, positiveList: .off).check(try Self.omp(["0123456"]), list: nil)
        #expect(outcome.rejecting.map(\.rule) == ["medication.unchecked"])
        #expect(outcome.rejecting.map(\.location?.path) == ["RXO-1.1"])
    }

    @Test func aLineWithoutAProductCodeIsRejectedWithItsPath() throws {
        let outcome = PrescriptionValidation(medications: .required, positiveList: .off)
            .check(try Self.omp(["0123456", ""]), list: try Self.medications())
        #expect(outcome.rejecting.map(\.rule) == ["medication.missing"])
        #expect(outcome.rejecting.map(\.location?.path) == ["RXO[2]-1.1"])
    }

    @Test func aRouteAsksForTheChecksInItsValidateStep() throws {
        let route = try RouteLoader.parse("""
            route: prescriptions
            source: { topic: orders, format: hl7v2 }
            steps:
              - validate: { medications: required, positive_list: warn }
            to: [{ sink: out }]
            """, file: "r.yaml", knownSinks: ["out"], knownMappings: [])
        #expect(route.steps == [.validatePrescriptions(medications: .required, positiveList: .warn)])
        let both = try RouteLoader.parse("""
            route: both
            source: { topic: orders, format: hl7v2 }
            steps:
              - validate: { loinc: warn, medications: required }
            to: [{ sink: out }]
            """, file: "r.yaml", knownSinks: ["out"], knownMappings: [])
        #expect(both.steps == [.validate(loinc: .warn, units: .off), .validatePrescriptions(medications: .required, positiveList: .off)])
    }
}
