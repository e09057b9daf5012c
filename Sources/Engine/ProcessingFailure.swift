/// Why a message could not be processed. The reason is written to dead-letter headers and logs,
/// so it must name the problem (rule, path, code) and never carry patient data.
public struct ProcessingFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Class: String, Sendable, Hashable {
        /// Worth retrying: a sink timed out, answered 5xx, the broker was away.
        case transient
        /// Retrying cannot help: the message is malformed or invalid. Straight to the dead letters.
        case permanent
    }

    public var errorClass: Class
    /// The step that failed, e.g. `parse`, `map`, `validate`, `sink:dsp`.
    public var step: String
    public var reason: String

    public init(_ errorClass: Class, step: String, reason: String) {
        self.errorClass = errorClass
        self.step = step
        self.reason = reason
    }

    public static func transient(step: String, _ reason: String) -> ProcessingFailure {
        ProcessingFailure(.transient, step: step, reason: reason)
    }

    public static func permanent(step: String, _ reason: String) -> ProcessingFailure {
        ProcessingFailure(.permanent, step: step, reason: reason)
    }

    public var description: String { "\(errorClass.rawValue) failure in \(step): \(reason)" }
}
