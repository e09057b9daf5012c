import Kafka

/// What the engine does with one consumed message: everything up to its delivery to every sink.
/// Returning means done (the offset may be committed); throwing hands the failure to the
/// engine's error policy (retry, then dead letter).
public protocol MessageHandler: Sendable {
    /// The route name written into dead-letter headers.
    func route(for message: KafkaMessage) -> String
    func handle(_ message: KafkaMessage) async throws(ProcessingFailure)
    /// The retry policy for this message's route; nil for the engine's default.
    func retryPolicy(for message: KafkaMessage) -> RetryPolicy?
}

extension MessageHandler {
    public func retryPolicy(for message: KafkaMessage) -> RetryPolicy? { nil }
}
