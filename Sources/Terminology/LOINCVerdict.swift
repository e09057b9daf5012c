import Findings

/// What can be said of a string sent as a LOINC code, as `passerelle loinc check` prints it.
public enum LOINCVerdict: String, Sendable, Hashable, CaseIterable {
    case valid
    case badCheckDigit = "bad-check-digit"
    case unknown
    case deprecated
    case discouraged
    case badFormat = "bad-format"

    /// Without a table only the form and the check digit are judged, so `unknown` never comes
    /// out; the fourteen legacy codes with invalid check digits are `deprecated`.
    public init(_ text: String, table: LOINCTable? = nil) {
        guard let code = LOINCCode(text) else { self = .badFormat; return }
        self.init(code, status: table.flatMap { table in table.position(of: code).map { table.read($0) { $0.pointee.status } } }, hasTable: table != nil)
    }

    /// `status` is the code's status in the table, nil when it is not there.
    init(_ code: LOINCCode, status: LOINCStatus?, hasTable: Bool) {
        if let status {
            switch status {
            case .active, .trial: self = .valid
            case .discouraged: self = .discouraged
            case .deprecated: self = .deprecated
            }
        } else if code.isLegacyInvalidCheckDigit {
            self = .deprecated
        } else if !code.hasValidCheckDigit {
            self = .badCheckDigit
        } else {
            self = hasTable ? .unknown : .valid
        }
    }

    /// The findings for a code sent in a message: errors for a malformed, mistyped, unknown or
    /// deprecated code, a warning for a discouraged one, each naming the replacement when known.
    public static func findings(for text: String, table: LOINCTable?, at location: Finding.Location? = nil) -> [Finding] {
        guard let code = LOINCCode(text) else {
            return [Finding(severity: .error, rule: "loinc.format", message: "'\(text)' is not a LOINC code (NNNNN-C)",
                            code: text, location: location)]
        }
        return findings(for: code, status: table.flatMap { table in table.position(of: code).map { table.read($0) { $0.pointee.status } } }, table: table,
                        at: location)
    }

    static func findings(for code: LOINCCode, status: LOINCStatus?, table: LOINCTable?,
                         at location: Finding.Location?) -> [Finding] {
        let verdict = LOINCVerdict(code, status: status, hasTable: table != nil)
        guard verdict != .valid else { return [] }
        let text = code.description
        var suggestion: String? {
            let replacements = table?.replacements(for: code) ?? []
            return replacements.isEmpty ? nil : replacements.map { replacement in
                "use \(replacement.replacement)" + (replacement.comment.map { ": \($0)" } ?? "")
            }.joined(separator: "; ")
        }
        switch verdict {
        case .valid, .badFormat:  // a parsed code always has LOINC's form
            return []
        case .badCheckDigit:
            return [Finding(severity: .error, rule: "loinc.check-digit", message: "\(text) has a wrong check digit",
                            code: text, location: location,
                            suggestion: "did you mean \(code.withComputedCheckDigit)?")]
        case .unknown:
            return [Finding(severity: .error, rule: "loinc.unknown", message: "\(text) is not in the LOINC table",
                            code: text, location: location)]
        case .deprecated:
            return [Finding(severity: .error, rule: "loinc.deprecated", message: "\(text) is deprecated",
                            code: text, location: location, suggestion: suggestion)]
        case .discouraged:
            return [Finding(severity: .warning, rule: "loinc.discouraged", message: "\(text) is discouraged",
                            code: text, location: location, suggestion: suggestion)]
        }
    }
}
