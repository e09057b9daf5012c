import CRdkafka

/// An error reported by librdkafka or by this wrapper, carrying librdkafka's code and text so an
/// operator can look it up.
public struct KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A configuration property was rejected (unknown key, invalid value).
        case configuration
        /// The linked librdkafka is too old to talk to current brokers.
        case unsupportedLibrary
        /// The client was closed before the operation could finish.
        case closed
        /// An error reported by librdkafka or by the broker.
        case librdkafka
    }

    public let kind: Kind
    /// librdkafka's `rd_kafka_resp_err_t` value (negative for local errors), 0 when not applicable.
    public let code: Int32
    /// librdkafka's symbolic name, e.g. `_MSG_TIMED_OUT` or `UNKNOWN_TOPIC_OR_PART`.
    public let name: String
    public let message: String
    public let isRetriable: Bool
    public let isFatal: Bool

    init(kind: Kind, code: Int32 = 0, name: String = "", message: String,
         isRetriable: Bool = false, isFatal: Bool = false) {
        self.kind = kind
        self.code = code
        self.name = name
        self.message = message
        self.isRetriable = isRetriable
        self.isFatal = isFatal
    }

    init(_ err: rd_kafka_resp_err_t, context: String? = nil) {
        let text = String(cString: rd_kafka_err2str(err))
        self.init(
            kind: .librdkafka, code: err.rawValue, name: String(cString: rd_kafka_err2name(err)),
            message: context.map { "\($0): \(text)" } ?? text,
            isRetriable: KafkaError.transientCodes.contains(err))
    }

    /// Takes ownership of `error` and destroys it.
    init(consuming error: OpaquePointer) {
        defer { rd_kafka_error_destroy(error) }
        let code = rd_kafka_error_code(error)
        self.init(
            kind: .librdkafka, code: code.rawValue, name: String(cString: rd_kafka_error_name(error)),
            message: String(cString: rd_kafka_error_string(error)),
            isRetriable: rd_kafka_error_is_retriable(error) != 0 || KafkaError.transientCodes.contains(code),
            isFatal: rd_kafka_error_is_fatal(error) != 0)
    }

    static func closed(_ what: String) -> KafkaError {
        KafkaError(kind: .closed, message: "\(what) is closed")
    }

    /// Local conditions that go away by themselves: worth retrying.
    private static let transientCodes: Set<rd_kafka_resp_err_t> = [
        RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
        RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
        RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
        RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
    ]

    public var description: String {
        switch kind {
        case .librdkafka: return "Kafka error \(name) (\(code)): \(message)"
        default: return message
        }
    }
}

extension rd_kafka_resp_err_t: @retroactive Hashable {}
