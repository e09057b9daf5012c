import Kafka
import Synchronization

/// The routes a running engine uses, replaceable while it runs (SIGHUP): a message runs from
/// first attempt to reply on the version in force when it started, the next ones on the new one.
public final class LiveRoutes: MessageHandler {
    private let handler: Mutex<RouteHandler>

    public init(_ handler: RouteHandler) {
        self.handler = Mutex(handler)
    }

    public var current: any MessageHandler { handler.withLock { $0 } }

    /// The source topics, which the consumer subscribed to and a replacement cannot change.
    public var topics: [String] { handler.withLock { $0.topics } }

    /// Swaps in `replacement`, unless it reads other topics than the consumer subscribed to.
    public func replace(with replacement: RouteHandler) throws(EngineSetupError) {
        try handler.withLock { handler throws(EngineSetupError) in
            guard replacement.topics == handler.topics else {
                throw EngineSetupError(
                    "the new routes read topics \(replacement.topics.joined(separator: ", ")) instead of \(handler.topics.joined(separator: ", ")); restart the engine to change source topics")
            }
            handler = replacement
        }
    }

    public func route(for message: KafkaMessage) -> String { handler.withLock { $0 }.route(for: message) }
    public func orderingKey(for message: KafkaMessage) -> [UInt8]? { handler.withLock { $0 }.orderingKey(for: message) }
    public func retryPolicy(for message: KafkaMessage) -> RetryPolicy? { handler.withLock { $0 }.retryPolicy(for: message) }
    public func pipelines(_ message: KafkaMessage) -> Bool { handler.withLock { $0 }.pipelines(message) }
    public func replies(to message: KafkaMessage, failure: ProcessingFailure?) -> [KafkaRecord] {
        handler.withLock { $0 }.replies(to: message, failure: failure)
    }
    public func handle(_ message: KafkaMessage) async throws(ProcessingFailure) {
        try await handler.withLock { $0 }.handle(message)
    }
}
