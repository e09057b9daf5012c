import Foundation
import Kafka
import KafkaTestSupport
import Testing

/// Against the real Tansu broker that deploy/test starts.
@Suite(.serialized) struct KafkaIntegrationTests {
    @Test func keyedMessagesRoundTripWithHeadersInKeyOrder() async throws {
        let topic = try await TestBroker.makeTopic("roundtrip", partitions: 3)
        let producer = try KafkaProducer(configuration: TestBroker.configuration())
        let binary: [UInt8] = [0, 1, 0xff, 0x0d, 0x7c]
        var sent: [KafkaRecord] = []
        for index in 0..<30 {
            let record = KafkaRecord(
                topic: topic, key: Array("patient-\(index % 7)".utf8), value: Array("MSH|^~\\&|\(index)".utf8),
                headers: [
                    KafkaHeader(key: "route", value: "hrs-biology"),
                    KafkaHeader(key: "seq", value: String(index)),
                    KafkaHeader(key: "seq", value: "duplicate keys are kept"),
                    KafkaHeader(key: "null", value: nil),
                    KafkaHeader(key: "binary", value: binary),
                ])
            let report = try await producer.send(record)
            #expect(report.topic == topic)
            #expect(report.offset >= 0)
            sent.append(record)
        }
        await producer.close()

        let consumer = try TestBroker.makeConsumer(group: "g-\(UUID())", topics: [topic])
        let received = try await receive(sent.count, from: consumer)
        await consumer.close()

        #expect(Set(received.map(\.value)) == Set(sent.map(\.value)))
        for message in received {
            let original = try #require(sent.first { $0.value == message.value })
            #expect(message.key == original.key)
            #expect(message.headers == original.headers, "headers of \(message.topicPartition)@\(message.offset)")
            #expect(message.headers.last("seq")?.stringValue == "duplicate keys are kept")
            #expect(message.timestampMilliseconds != nil)
        }
        // Same key, same partition, in the order sent.
        for key in Set(sent.compactMap(\.key)) {
            let ofKey = received.filter { $0.key == key }
            #expect(Set(ofKey.map(\.partition)).count == 1, "key \(String(decoding: key, as: UTF8.self)) spread over partitions")
            #expect(ofKey.map(\.value) == sent.filter { $0.key == key }.map(\.value))
        }
    }

    @Test func restartedConsumerResumesAfterTheCommittedOffsets() async throws {
        let topic = try await TestBroker.makeTopic("commit", partitions: 3)
        let producer = try KafkaProducer(configuration: TestBroker.configuration())
        for index in 0..<40 {
            try await producer.send(KafkaRecord(topic: topic, key: "k\(index % 5)", value: "v\(index)"))
        }
        await producer.close()

        let group = "g-\(UUID())"
        let first = try TestBroker.makeConsumer(group: group, topics: [topic])
        let all = try await receive(40, from: first)
        // Mark done only the first half of each partition, as an engine would when the rest is in flight.
        var committed: [TopicPartition: Int64] = [:]
        var done: Set<String> = []
        for (partition, messages) in Dictionary(grouping: all, by: \.topicPartition) {
            let sorted = messages.sorted { $0.offset < $1.offset }
            let finished = sorted.prefix(sorted.count / 2)
            if let last = finished.last {
                try await first.commit(last)
                committed[partition] = last.offset + 1
            }
            done.formUnion(finished.map { String(decoding: $0.value, as: UTF8.self) })
        }
        let stored = try await first.committedOffsets(for: Array(committed.keys))
        #expect(stored == committed)
        await first.close()
        await #expect(throws: KafkaError.self) { try await first.commit(all[0]) }

        let second = try TestBroker.makeConsumer(group: group, topics: [topic])
        let replayed = try await receive(40 - done.count, from: second)
        let replayedValues = replayed.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(Set(replayedValues).isDisjoint(with: done), "a committed message came back")
        #expect(Set(replayedValues).count == replayedValues.count, "a message came twice")
        #expect(Set(replayedValues).union(done) == Set((0..<40).map { "v\($0)" }))
        try await expectNothing(from: second, for: .seconds(2))
        await second.close()
    }

    /// A slow application behind a buffer of 4: the poll thread stops taking messages while the
    /// buffer is full, and with `pauseAfter` shorter than the application's pace it also pauses
    /// and resumes the partition (dropping and fetching again librdkafka's prefetch) around it.
    @Test(arguments: [Duration.seconds(5), .milliseconds(5)])
    func smallBufferHoldsFetchingWithoutLosingOrDuplicating(pauseAfter: Duration) async throws {
        let topic = try await TestBroker.makeTopic("backpressure", partitions: 1)
        let producer = try KafkaProducer(configuration: TestBroker.configuration())
        for index in 0..<80 {
            try await producer.send(KafkaRecord(topic: topic, key: nil, value: "\(index)"))
        }
        await producer.close()

        let consumer = try TestBroker.makeConsumer(group: "g-\(UUID())", topics: [topic], bufferCapacity: 4, pauseAfter: pauseAfter)
        let received = try await receive(80, from: consumer) { _ in try await Task.sleep(for: .milliseconds(10)) }
        #expect(received.map { String(decoding: $0.value, as: UTF8.self) } == (0..<80).map(String.init))
        try await expectNothing(from: consumer, for: .seconds(1))
        await consumer.close()
    }

    @Test func explicitPartitionIsHonoured() async throws {
        let topic = try await TestBroker.makeTopic("partition", partitions: 3)
        let producer = try KafkaProducer(configuration: TestBroker.configuration())
        let report = try await producer.send(KafkaRecord(topic: topic, key: "any", value: "x", partition: 2))
        #expect(report.partition == 2)
        await producer.close()
        await #expect(throws: KafkaError.self) { try await producer.send(KafkaRecord(topic: topic, key: nil, value: "late")) }
    }

    @Test func unreachableBrokerFailsWithinTheConfiguredTimeout() async throws {
        let producer = try KafkaProducer(configuration: KafkaConfiguration(
            bootstrapServers: "127.0.0.1:\(closedPort())", ["message.timeout.ms": "2000"]))
        let started = ContinuousClock.now
        do {
            try await producer.send(KafkaRecord(topic: "nowhere", key: nil, value: "lost?"))
            Issue.record("a send to an unreachable broker succeeded")
        } catch let error as KafkaError {
            #expect(error.name == "_MSG_TIMED_OUT", "\(error)")
            #expect(error.isRetriable)
            #expect(error.description.contains("nowhere"))
        }
        let elapsed = started.duration(to: .now)
        #expect(elapsed >= .milliseconds(1500) && elapsed < .seconds(10), "failed after \(elapsed)")
        await producer.close(timeout: .seconds(1))
    }
}

/// A loopback port with nothing listening on it.
private func closedPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return UInt16(bigEndian: address.sin_port)
}
