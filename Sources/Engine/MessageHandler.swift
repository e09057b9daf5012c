import HL7v2
import Kafka

/// What the engine does with one consumed message: everything up to its delivery to every sink.
/// Returning means done (the offset may be committed); throwing hands the failure to the
/// engine's error policy (retry, then dead letter).
///
/// For a message admitted with `pipelines`, the engine starts the lane's next message as soon as
/// `handle` first suspends, so `handle` must then have handed the message to its sinks (a Kafka
/// send enqueued) before it suspends for anything else: that hand-off order is the per-key
/// delivery order. Otherwise the lane waits for the message to finish.
public protocol MessageHandler: Sendable {
    /// What the engine needs to know before running `message`, decided once when it is consumed.
    func admit(_ message: KafkaMessage) -> Admission
    /// Runs `message`; `parsed` is the message as its admission parsed it, if it did.
    func handle(_ message: KafkaMessage, parsed: HL7Message?) async throws(ProcessingFailure)
    /// What to publish once the message is done: delivered (`failure` nil) or dead-lettered.
    /// Published before the offset may be committed, so a reply is sent at least once.
    func replies(to message: KafkaMessage, failure: ProcessingFailure?) -> [KafkaRecord]
}

extension MessageHandler {
    /// Runs `message` from its bytes.
    public func handle(_ message: KafkaMessage) async throws(ProcessingFailure) {
        try await handle(message, parsed: nil)
    }

    public func replies(to message: KafkaMessage, failure: ProcessingFailure?) -> [KafkaRecord] { [] }
}

/// A consumed message's route, ordering and error policy, and the handler version that runs it.
public struct Admission: Sendable {
    /// The route name written into dead-letter headers and metrics.
    public var route: String
    /// Messages with the same ordering key are processed one after the other, in offset order;
    /// nil: the partition's order.
    public var orderingKey: [UInt8]?
    /// The retry policy of the message's route; nil for the engine's default.
    public var retryPolicy: RetryPolicy?
    /// Whether `handle` hands this message to its sinks before its first suspension.
    public var pipelines: Bool
    /// The HL7 v2 message as parsed to choose the route and ordering key, handed to `handle` so
    /// that it is not parsed twice; nil when admission did not parse it.
    public var parsed: HL7Message?
    /// What the message runs on from its first attempt to its reply: a handler whose routes can
    /// be replaced admits with the version in force now, so a message finishes on the version
    /// it started with.
    public var handler: any MessageHandler

    public init(route: String, orderingKey: [UInt8]?, retryPolicy: RetryPolicy? = nil, pipelines: Bool = false,
                parsed: HL7Message? = nil, handler: any MessageHandler) {
        self.route = route
        self.orderingKey = orderingKey
        self.retryPolicy = retryPolicy
        self.pipelines = pipelines
        self.parsed = parsed
        self.handler = handler
    }
}
