import HL7v2
import Kafka
import Synchronization

/// The routes a running engine uses, replaceable while it runs (SIGHUP): a message runs from
/// first attempt to reply on the version in force when it started, the next ones on the new one.
public final class LiveRoutes: MessageHandler {
    private let handler: Mutex<RouteHandler>

    public init(_ handler: RouteHandler) {
        self.handler = Mutex(handler)
    }

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

    /// The routes in force now.
    public var current: RouteHandler { handler.withLock { $0 } }

    /// Admitted on the routes in force now, which run the message to its end.
    public func admit(_ message: KafkaMessage) -> Admission { current.admit(message) }
    public func replies(to message: KafkaMessage, failure: ProcessingFailure?) -> [KafkaRecord] {
        current.replies(to: message, failure: failure)
    }
    public func handle(_ message: KafkaMessage, parsed: HL7Message?) async throws(ProcessingFailure) {
        try await current.handle(message, parsed: parsed)
    }
}
