import Findings

/// A mapping file that cannot be loaded: where (file, line, column), which key, why, and for a
/// misspelt key or function the closest known one.
public struct MappingLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// The offending key as a dotted path from the top of the file, e.g. `map.patient.birth_date`.
    public var key: String
    public var message: String
    public var suggestion: String?

    public init(file: String, line: Int, column: Int, key: String, message: String, suggestion: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
        self.suggestion = suggestion
    }

    public var description: String {
        "\(file):\(line):\(column): \(key.isEmpty ? "" : "\(key): ")\(message)" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
    }

    public var finding: Finding {
        Finding(severity: .error, rule: "mapping.load", message: (key.isEmpty ? "" : "\(key): ") + message,
                location: .init(file: file, line: line, column: column), suggestion: suggestion.map { "did you mean '\($0)'?" })
    }
}

/// A message a mapping could not map. It names the mapping, the rule and the message path, never
/// the values found there, since errors reach logs and the dead-letter topic.
public struct MappingRunError: Error, Sendable, Hashable, CustomStringConvertible {
    public var mapping: String
    /// The rule as a dotted key path, e.g. `map.patient.matricule`.
    public var rule: String
    /// Where in the message, e.g. `PID-3` or `OBX[4]-5`; nil when the rule reads no path.
    public var path: String?
    public var message: String

    public init(mapping: String, rule: String, path: String?, message: String) {
        self.mapping = mapping
        self.rule = rule
        self.path = path
        self.message = message
    }

    public var description: String {
        "mapping \(mapping), rule \(rule)" + (path.map { " at \($0)" } ?? "") + ": \(message)"
    }

    /// The same as a warning finding, for problems that do not stop the mapping.
    var finding: Finding {
        Finding(severity: .warning, rule: "mapping.run", message: "\(rule): \(message)", location: .init(file: mapping, path: path))
    }
}
