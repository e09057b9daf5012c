import Findings
import HL7v2
import Terminology

/// The `validate` step on an HL7 v2 message: each OBX whose coding system (OBX-3.3) is LOINC
/// (`LN`) is checked against the LOINC table, its unit (OBX-6.1) against UCUM and the code's
/// expected units. Findings name the OBX path and the code, never the value.
public struct ObservationValidation: Sendable {
    public var loinc: Route.Severity
    public var units: Route.Severity

    public init(loinc: Route.Severity, units: Route.Severity) {
        self.loinc = loinc
        self.units = units
    }

    public struct Outcome: Sendable {
        /// Findings that send the message to the dead letters.
        public var rejecting: [Finding] = []
        /// Findings that are only reported.
        public var reported: [Finding] = []

        public init() {}

        /// Files `finding` by the route's severity for its check: errors reject only where required.
        public mutating func add(_ finding: Finding, as severity: Route.Severity) {
            switch severity {
            case .off: break
            case .required where finding.severity == .error: rejecting.append(finding)
            case .required, .warn: reported.append(finding)
            }
        }
    }

    public func check(_ message: HL7Message, table: LOINCTable?) -> Outcome {
        var outcome = Outcome()
        for occurrence in 1...max(1, message.count(of: "OBX")) where message.count(of: "OBX") > 0 {
            let codePath = HL7Path(segment: "OBX", occurrence: occurrence, field: 3, component: 1)
            let system = message.value(at: HL7Path(segment: "OBX", occurrence: occurrence, field: 3, component: 3)) ?? ""
            guard system == "LN", let code = message.value(at: codePath) else { continue }
            let unitPath = HL7Path(segment: "OBX", occurrence: occurrence, field: 6, component: 1)
            let unit = message.value(at: unitPath)
            let findings: [Finding] =
                if let table {
                    table.findings(observationCode: code, unit: unit, codeLocation: .init(path: codePath.description),
                                   unitLocation: .init(path: unitPath.description))
                } else {
                    LOINCVerdict.findings(for: code, table: nil, at: .init(path: codePath.description))
                }
            for finding in findings {
                outcome.add(finding, as: finding.rule.hasPrefix("loinc.") ? loinc : units)
            }
        }
        return outcome
    }
}
