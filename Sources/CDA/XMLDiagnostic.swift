/// One message from the XML parser, where it arose in the input.
public struct XMLDiagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Level: String, Sendable, Hashable, Codable {
        case warning, error, fatal
    }

    public var level: Level
    /// 1-based; 0 when the problem is about the input as a whole (its size, say).
    public var line: Int
    /// 1-based; 0 when unknown.
    public var column: Int
    public var message: String

    public init(level: Level, line: Int, column: Int, message: String) {
        self.level = level
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(line):\(column): \(level.rawValue): \(message)" }
}

/// The input is not a well-formed, namespace-well-formed XML document within the limits.
public struct XMLParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every message of the failed parse, in order; at least one has level error or fatal.
    public var diagnostics: [XMLDiagnostic]

    /// The first error, which is the cause; later ones often follow from it.
    public var cause: XMLDiagnostic {
        diagnostics.first { $0.level != .warning } ?? diagnostics[0]
    }

    public var line: Int { cause.line }
    public var column: Int { cause.column }
    public var message: String { cause.message }
    public var description: String { cause.description }
}
