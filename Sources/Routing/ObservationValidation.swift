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
        for (ordinal, segment) in message.segmentIndices(named: "OBX", in: 0..<message.segmentCount).enumerated() {
            guard message.value(inSegment: segment, field: 3, component: 3) == "LN",
                  let code = message.value(inSegment: segment, field: 3, component: 1) else { continue }
            let unit = message.value(inSegment: segment, field: 6, component: 1)
            let findings = table?.findings(observationCode: code, unit: unit) ?? LOINCVerdict.findings(for: code, table: nil)
            // Located afterwards, from the rule as the severity is: writing a path costs more than
            // checking a code, and valid messages, nearly all, have no finding to locate.
            for var finding in findings {
                let isAboutTheCode = finding.rule.hasPrefix("loinc.")
                finding.location = .init(path: HL7Path(segment: "OBX", occurrence: ordinal + 1, field: isAboutTheCode ? 3 : 6,
                                                       component: 1).description)
                outcome.add(finding, as: isAboutTheCode ? loinc : units)
            }
        }
        return outcome
    }
}
