import Findings
import HL7v2
import Terminology

/// The `validate` step's prescription checks on an OMP^O09 or RDE^O11: each prescribed product
/// (RXO-1, RXE-2) must be on the national medication list and authorised on the prescription day
/// (`medications`), and on the CNS positive list that day (`positive_list`, reimbursement).
/// Findings name the segment path and the product code, never the patient.
public struct PrescriptionValidation: Sendable {
    public var medications: Route.Severity
    public var positiveList: Route.Severity

    public init(medications: Route.Severity, positiveList: Route.Severity) {
        self.medications = medications
        self.positiveList = positiveList
    }

    /// Where each message type names the prescribed product.
    static let productFields = [("RXO", 1), ("RXE", 2)]

    public func check(_ message: HL7Message, list: MedicationList?) -> ObservationValidation.Outcome {
        var outcome = ObservationValidation.Outcome()
        guard medications != .off || positiveList != .off else { return outcome }
        func day(_ path: HL7Path) -> CalendarDate? { CalendarDate(parsing: (message.value(at: path) ?? "").prefix(8)) }
        let prescribed = day(HL7Path(segment: "ORC", field: 9)) ?? day(HL7Path(segment: "MSH", field: 7))
        for (segment, field) in Self.productFields {
            for (ordinal, index) in message.segmentIndices(named: segment, in: 0..<message.segmentCount).enumerated() {
                // Written only for a finding, and once for all of a line's, as in `ObservationValidation`.
                lazy var location = Finding.Location(
                    path: HL7Path(segment: segment, occurrence: ordinal + 1, field: field, component: 1).description)
                guard let code = message.value(inSegment: index, field: field, component: 1), !code.isEmpty else {
                    outcome.add(Finding(severity: .error, rule: "medication.missing", message: "no product code", location: location),
                                as: medications)
                    continue
                }
                guard let list, let prescribed else {
                    let why = list == nil ? "no medication list is loaded" : "the prescription has no date (ORC-9, MSH-7)"
                    outcome.add(Finding(severity: .error, rule: "medication.unchecked", message: why, code: code, location: location),
                                as: medications)
                    continue
                }
                for var finding in list.check(code: code, on: prescribed).findings {
                    finding.location = location
                    if finding.rule == "medication.not-reimbursed" {
                        // Off the positive list is an error only where the route requires reimbursement.
                        finding.severity = .error
                        outcome.add(finding, as: positiveList)
                    } else {
                        outcome.add(finding, as: medications)
                    }
                }
            }
        }
        return outcome
    }
}
