import Kafka

/// What the engine does with one consumed message: everything up to its delivery to every sink.
/// Returning means done (the offset may be committed); throwing hands the failure to the
/// engine's error policy (retry, then dead letter).
///
/// For a message where `pipelines` is true, the engine starts the lane's next message as soon as
/// `handle` first suspends, so `handle` must then have handed the message to its sinks (a Kafka
/// send enqueued) before it suspends for anything else: that hand-off order is the per-key
/// delivery order. Otherwise the lane waits for the message to finish.
public protocol MessageHandler: Sendable {
    /// The route name written into dead-letter headers and metrics.
    func route(for message: KafkaMessage) -> String
    func handle(_ message: KafkaMessage) async throws(ProcessingFailure)
    /// Messages with the same ordering key are processed one after the other, in offset order;
    /// nil: the partition's order.
    func orderingKey(for message: KafkaMessage) -> [UInt8]?
    /// The retry policy for this message's route; nil for the engine's default.
    func retryPolicy(for message: KafkaMessage) -> RetryPolicy?
    /// Whether `handle` hands this message to its sinks before its first suspension.
    func pipelines(_ message: KafkaMessage) -> Bool
    /// What to publish once the message is done: delivered (`failure` nil) or dead-lettered.
    /// Published before the offset may be committed, so a reply is sent at least once.
    func replies(to message: KafkaMessage, failure: ProcessingFailure?) -> [KafkaRecord]
    /// What one message runs on from its first attempt to its reply. A handler whose routes can
    /// be replaced answers with the version in force now, so a message finishes on the version
    /// it started with.
    var current: any MessageHandler { get }
}

extension MessageHandler {
    public func orderingKey(for message: KafkaMessage) -> [UInt8]? { message.key }
    public func retryPolicy(for message: KafkaMessage) -> RetryPolicy? { nil }
    public func pipelines(_ message: KafkaMessage) -> Bool { false }
    public func replies(to message: KafkaMessage, failure: ProcessingFailure?) -> [KafkaRecord] { [] }
    public var current: any MessageHandler { self }
}
