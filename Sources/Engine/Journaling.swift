import Journal
import Kafka
import Logging

extension JournalEvent {
    /// A failure of `message` on `route`: its step and reason, as the dead-letter headers say them.
    init(kind: Kind, of message: KafkaMessage, route: String, failure: ProcessingFailure) {
        self.init(kind: kind, topic: message.topic, partition: message.partition, offset: message.offset, route: route,
                  step: failure.step, reason: failure.reason)
    }
}

extension Journal {
    /// Records `event`; a journal that cannot be written is logged, and the message goes on: the
    /// dead-letter topic and the broker's offsets, not the journal, are what loses nothing.
    func record(_ event: JournalEvent, logger: Logger) async {
        do {
            try await record(event)
        } catch {
            logger.error("journal write failed", metadata: ["kind": "\(event.kind.rawValue)", "route": "\(event.route)", "error": "\(error)"])
        }
    }
}
