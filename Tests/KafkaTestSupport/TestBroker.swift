import Foundation
import Kafka
import Testing

/// The broker deploy/test starts (Tansu on a free loopback port). Tests that need it fail with a
/// clear message, rather than pass silently, when it is not there.
public enum TestBroker {
    public static var address: String {
        get throws {
            guard let address = ProcessInfo.processInfo.environment["PASSERELLE_BROKERS"], !address.isEmpty else {
                throw BrokerMissing()
            }
            return address
        }
    }

    public struct BrokerMissing: Error, CustomStringConvertible {
        public var description: String {
            "PASSERELLE_BROKERS is not set: run the tests with deploy/test, which starts a local Tansu broker"
        }
    }

    public static func configuration(_ extra: [String: String] = [:]) throws -> KafkaConfiguration {
        // A short session timeout makes a group join take ~4 s instead of ~23 s against Tansu.
        KafkaConfiguration(bootstrapServers: try address, extra)
    }

    /// A new topic with a unique name, so that tests never see each other's messages.
    public static func makeTopic(_ prefix: String, partitions: Int32) async throws -> String {
        let topic = "test.\(prefix).\(UUID().uuidString.prefix(8).lowercased())"
        try await KafkaAdmin(configuration: configuration()).createTopic(topic, partitions: partitions)
        return topic
    }

    public static func makeConsumer(group: String, topics: [String], bufferCapacity: Int = 256,
                                    pauseAfter: Duration = .seconds(5)) throws -> KafkaConsumer {
        try KafkaConsumer(
            configuration: configuration(["session.timeout.ms": "6000"]), groupID: group, topics: topics,
            bufferCapacity: bufferCapacity, pauseAfter: pauseAfter)
    }
}

public struct TimedOut: Error, CustomStringConvertible {
    public let what: String

    public init(what: String) { self.what = what }

    public var description: String { "timed out waiting for \(what)" }
}

/// Reads `count` messages, or throws when they do not all arrive within `timeout`.
public func receive(_ count: Int, from consumer: KafkaConsumer, within timeout: Duration = .seconds(60),
             onEach: @escaping @Sendable (KafkaMessage) async throws -> Void = { _ in }) async throws -> [KafkaMessage] {
    try await withThrowingTaskGroup(of: [KafkaMessage]?.self) { group in
        group.addTask {
            var received: [KafkaMessage] = []
            for try await message in consumer.messages {
                try await onEach(message)
                received.append(message)
                if received.count == count { break }
            }
            return received
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let received = try await group.next()!, received.count == count else {
            throw TimedOut(what: "\(count) messages")
        }
        return received
    }
}

/// Asserts that nothing arrives within `window`.
public func expectNothing(from consumer: KafkaConsumer, for window: Duration) async throws {
    let extra = try? await receive(1, from: consumer, within: window)
    #expect(extra == nil, "unexpected message \(String(describing: extra?.first.map { "\($0.topicPartition)@\($0.offset)" }))")
}
