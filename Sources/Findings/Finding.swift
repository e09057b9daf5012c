/// One result of a check — schema validation, header rules, terminology — in a single shape, so
/// that routes, the CLI and the journal report every kind of problem the same way.
public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
        case info, warning, error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Where the problem is: any of a file, a line and column, and a path inside the message
    /// (an HL7 path such as `OBX[2]-3.1` or an XPath).
    public struct Location: Sendable, Hashable, Codable {
        public var file: String?
        public var line: Int?
        public var column: Int?
        public var path: String?

        public init(file: String? = nil, line: Int? = nil, column: Int? = nil, path: String? = nil) {
            self.file = file
            self.line = line
            self.column = column
            self.path = path
        }
    }

    public var severity: Severity
    /// A stable identifier of the rule, e.g. `xsd`, `lu-header.realm-code`, `loinc.check-digit`.
    public var rule: String
    public var message: String
    /// The offending code, when the finding is about one (a LOINC code, a product code…).
    public var code: String?
    public var location: Location?
    /// What to do about it, e.g. the replacement of a deprecated code.
    public var suggestion: String?

    public init(severity: Severity, rule: String, message: String, code: String? = nil,
                location: Location? = nil, suggestion: String? = nil) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.code = code
        self.location = location
        self.suggestion = suggestion
    }

    public var description: String {
        var where_ = ""
        if let location {
            where_ = [location.file, location.line.map(String.init), location.column.map(String.init)]
                .compactMap { $0 }.joined(separator: ":")
            if let path = location.path { where_ += where_.isEmpty ? path : " \(path)" }
            where_ += ": "
        }
        return "\(where_)\(severity.rawValue) [\(rule)] \(message)" + (suggestion.map { " (\($0))" } ?? "")
    }
}

extension Sequence where Element == Finding {
    public var hasErrors: Bool { contains { $0.severity == .error } }
}
