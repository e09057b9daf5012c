import CRdkafka

/// Topic administration, for set-up scripts, the demo and tests.
public final class KafkaAdmin: Sendable {
    private let client: NativeClient
    private let blockingCalls = BlockingExecutor(label: "passerelle.kafka.admin")

    public init(configuration: KafkaConfiguration) throws {
        try Librdkafka.requireSupportedVersion()
        client = NativeClient(pointer: try makeClient(type: RD_KAFKA_PRODUCER, conf: configuration.makeNative()))
    }

    deinit {
        rd_kafka_destroy(client.pointer)
    }

    /// Creates `topic`; an existing topic is not an error.
    public func createTopic(_ topic: String, partitions: Int32, replicationFactor: Int32 = 1,
                            timeout: Duration = .seconds(15)) async throws {
        let client = client
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000)
        try await blockingCalls.run {
            var errstr = [CChar](repeating: 0, count: 512)
            guard let newTopic = rd_kafka_NewTopic_new(topic, partitions, replicationFactor, &errstr, errstr.count) else {
                throw KafkaError(kind: .configuration, message: "topic \(topic): \(string(fromErrorBuffer: errstr))")
            }
            defer { rd_kafka_NewTopic_destroy(newTopic) }
            let queue = rd_kafka_queue_new(client.pointer)
            defer { rd_kafka_queue_destroy(queue) }
            var topics: [OpaquePointer?] = [newTopic]
            rd_kafka_CreateTopics(client.pointer, &topics, 1, nil, queue)
            guard let event = rd_kafka_queue_poll(queue, milliseconds) else {
                throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, context: "create topic \(topic)")
            }
            defer { rd_kafka_event_destroy(event) }
            let err = rd_kafka_event_error(event)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(err, context: "create topic \(topic)")
            }
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            for index in 0..<count {
                let result = results![index]
                let topicErr = rd_kafka_topic_result_error(result)
                if topicErr != RD_KAFKA_RESP_ERR_NO_ERROR && topicErr != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                    let detail = rd_kafka_topic_result_error_string(result).map { String(cString: $0) }
                    throw KafkaError(topicErr, context: "create topic \(topic)\(detail.map { " (\($0))" } ?? "")")
                }
            }
        }
    }
}
