import CRdkafka
import Synchronization

/// A member of a consumer group with manual offset commits: nothing is committed unless the
/// application says a message is done, so a crash replays at most the unfinished messages.
///
/// A dedicated thread polls librdkafka (serving rebalances) and fills a bounded buffer. When the
/// buffer is full it stops taking messages, which leaves them in librdkafka's own bounded
/// prefetch queue (`queued.max.messages.kbytes`), so that fetching stops by itself; only when the
/// buffer stays full for `pauseAfter` are the partitions paused, so that polling (which the group
/// requires within `max.poll.interval.ms`) can go on. Pausing drops the prefetched messages, which
/// must then be fetched again: pausing at every full buffer cost more than everything else under
/// a backlog.
public final class KafkaConsumer: Sendable {
    private let client: NativeClient
    private let buffer = MessageBuffer()
    private let poller: PollThread
    private let blockingCalls = BlockingExecutor(label: "passerelle.kafka.consumer.calls")
    private let closed = OnceFlag()

    /// - Parameters:
    ///   - bufferCapacity: messages held ahead of the application before polling stops.
    ///   - pauseAfter: how long the buffer may stay full before the partitions are paused.
    public init(configuration: KafkaConfiguration, groupID: String, topics: [String], bufferCapacity: Int = 256,
                pauseAfter: Duration = .seconds(5)) throws {
        try Librdkafka.requireSupportedVersion()
        precondition(bufferCapacity > 0, "bufferCapacity must be positive")
        var properties = ["auto.offset.reset": "earliest"].merging(configuration.properties) { _, own in own }
        properties["group.id"] = groupID
        // Offsets are stored and committed only through `commit`.
        properties["enable.auto.commit"] = "false"
        properties["enable.auto.offset.store"] = "false"
        let conf = try KafkaConfiguration(properties).makeNative()
        let client = NativeClient(pointer: try makeClient(type: RD_KAFKA_CONSUMER, conf: conf))
        rd_kafka_poll_set_consumer(client.pointer)

        let subscription = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(subscription) }
        for topic in topics {
            rd_kafka_topic_partition_list_add(subscription, topic, RD_KAFKA_PARTITION_UA)
        }
        let err = rd_kafka_subscribe(client.pointer, subscription)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            rd_kafka_destroy(client.pointer)
            throw KafkaError(err, context: "subscribe to \(topics.joined(separator: ", "))")
        }

        self.client = client
        let buffer = buffer
        poller = PollThread(name: "kafka-consumer") { shouldStop in
            var paused = false
            var fullSince: ContinuousClock.Instant?
            while !shouldStop() {
                let buffered = buffer.count
                if buffered >= bufferCapacity {
                    let now = ContinuousClock.now
                    let since = fullSince ?? now
                    fullSince = since
                    if now - since < pauseAfter {
                        // Waits for room (half the buffer, so that the thread wakes once per
                        // refill, not per message) without taking more.
                        if buffer.waitForRoom(atMost: bufferCapacity / 2, timeout: .milliseconds(100)) { fullSince = nil }
                        continue
                    }
                    // Re-applied while full so that partitions assigned meanwhile pause too.
                    setPaused(true, client: client)
                    paused = true
                } else {
                    fullSince = nil
                    if paused && buffered <= bufferCapacity / 2 {
                        setPaused(false, client: client)
                        paused = false
                    }
                }
                guard let message = rd_kafka_consumer_poll(client.pointer, 100) else { continue }
                defer { rd_kafka_message_destroy(message) }
                switch message.pointee.err {
                case RD_KAFKA_RESP_ERR_NO_ERROR:
                    buffer.push(KafkaMessage(message))
                case RD_KAFKA_RESP_ERR__PARTITION_EOF:
                    continue
                case let err:
                    var reason = [CChar](repeating: 0, count: 512)
                    let fatal = rd_kafka_fatal_error(client.pointer, &reason, reason.count)
                    if fatal != RD_KAFKA_RESP_ERR_NO_ERROR {
                        buffer.finish(throwing: KafkaError(fatal, context: "consumer failed"))
                        return cleanUp(client)
                    }
                    // Transient (broker down, topic not yet created): librdkafka recovers by itself.
                    librdkafkaLogger.warning("consumer: \(KafkaError(err))")
                }
            }
            cleanUp(client)
            buffer.finish()
        }

        @Sendable func cleanUp(_ client: NativeClient) {
            rd_kafka_consumer_close(client.pointer)  // leaves the group; commits nothing
            rd_kafka_destroy(client.pointer)
        }
    }

    deinit {
        poller.requestStop()
    }

    /// The consumed messages, in order within each partition. Ends after `close`.
    public var messages: Messages { Messages(buffer: buffer) }

    public struct Messages: AsyncSequence, Sendable {
        let buffer: MessageBuffer

        public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer) }

        public struct Iterator: AsyncIteratorProtocol {
            let buffer: MessageBuffer
            public mutating func next() async throws -> KafkaMessage? { try await buffer.next() }
        }
    }

    /// Marks `message` and everything before it in its partition as done.
    public func commit(_ message: KafkaMessage) async throws {
        try await commit([message.topicPartition: message.offset + 1])
    }

    /// Commits, for each partition, the offset of the next message to read.
    public func commit(_ nextOffsets: [TopicPartition: Int64]) async throws {
        guard !nextOffsets.isEmpty else { return }
        let client = client
        let closed = closed
        try await blockingCalls.run {
            guard !closed.isSet else { throw KafkaError.closed("consumer") }
            let list = makePartitionList(nextOffsets)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_commit(client.pointer, list, 0)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, context: "commit") }
            for element in partitionElements(list) where element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(element.err, context: "commit \(String(cString: element.topic))[\(element.partition)]")
            }
        }
    }

    /// The group's committed next offsets for `partitions`; partitions with no commit are absent.
    public func committedOffsets(for partitions: [TopicPartition], timeout: Duration = .seconds(10)) async throws -> [TopicPartition: Int64] {
        let client = client
        let closed = closed
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000)
        return try await blockingCalls.run {
            guard !closed.isSet else { throw KafkaError.closed("consumer") }
            let list = makePartitionList(Dictionary(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) }) { a, _ in a })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_committed(client.pointer, list, milliseconds)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, context: "committed offsets") }
            var result: [TopicPartition: Int64] = [:]
            for element in partitionElements(list) where element.offset >= 0 {
                result[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] = element.offset
            }
            return result
        }
    }

    /// The end of each partition (the offset the next published message will get), as the last
    /// fetch saw it: a local read, without a request to the broker. Partitions not fetched yet
    /// are absent.
    public func highWatermarks(for partitions: [TopicPartition]) -> [TopicPartition: Int64] {
        guard !closed.isSet else { return [:] }
        var result: [TopicPartition: Int64] = [:]
        for partition in partitions {
            var low: Int64 = 0, high: Int64 = 0
            let err = rd_kafka_get_watermark_offsets(client.pointer, partition.topic, partition.partition, &low, &high)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 { result[partition] = high }
        }
        return result
    }

    /// The partitions currently assigned to this member.
    public func assignment() async throws -> [TopicPartition] {
        let client = client
        let closed = closed
        return try await blockingCalls.run {
            guard !closed.isSet else { throw KafkaError.closed("consumer") }
            var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
            let err = rd_kafka_assignment(client.pointer, &list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, context: "assignment") }
            defer { rd_kafka_topic_partition_list_destroy(list) }
            return partitionElements(list!).map { TopicPartition(topic: String(cString: $0.topic), partition: $0.partition) }
        }
    }

    /// Leaves the group and releases the client. Iteration ends after the buffered messages;
    /// later commits throw. Commit what is done before closing.
    public func close() async {
        guard closed.set() else { return }
        _ = try? await blockingCalls.run {}  // lets commits already queued finish first
        await poller.stop()
    }
}

private func setPaused(_ paused: Bool, client: NativeClient) {
    var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    guard rd_kafka_assignment(client.pointer, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return }
    defer { rd_kafka_topic_partition_list_destroy(list) }
    guard list.pointee.cnt > 0 else { return }
    // Pausing drops librdkafka's prefetched messages and resumes from the last one handed out.
    _ = paused ? rd_kafka_pause_partitions(client.pointer, list) : rd_kafka_resume_partitions(client.pointer, list)
}

func makePartitionList(_ offsets: [TopicPartition: Int64]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
    let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))!
    for (partition, offset) in offsets {
        rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition).pointee.offset = offset
    }
    return list
}

func partitionElements(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> UnsafeMutableBufferPointer<rd_kafka_topic_partition_t> {
    UnsafeMutableBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt))
}
