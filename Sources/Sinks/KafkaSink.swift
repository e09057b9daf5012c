import Kafka

/// Publishes payloads to a Kafka topic, keyed (by default by the idempotency key, so a replayed
/// document lands in the same partition), with the content type and metadata as headers.
public struct KafkaSink: Sink {
    public let name: String
    private let topic: String
    private let producer: KafkaProducer

    public init(name: String, topic: String, producer: KafkaProducer) {
        self.name = name
        self.topic = topic
        self.producer = producer
    }

    public func deliver(_ payload: SinkPayload) async throws(SinkError) -> SinkReceipt {
        var headers = [
            KafkaHeader(key: "content-type", value: payload.contentType),
            KafkaHeader(key: "passerelle-idempotency-key", value: payload.idempotencyKey),
        ]
        headers += payload.metadata.sorted { $0.key < $1.key }.map { KafkaHeader(key: "passerelle-\($0.key)", value: $0.value) }
        let record = KafkaRecord(topic: topic, key: Array(payload.idempotencyKey.utf8), value: payload.body, headers: headers)
        do {
            let report = try await producer.send(record)
            return SinkReceipt(sink: name, reference: "\(report.topic)[\(report.partition)]@\(report.offset)")
        } catch let error as KafkaError {
            throw SinkError(sink: name, isTransient: error.isRetriable || !error.isFatal, reason: error.description)
        } catch {
            throw SinkError(sink: name, isTransient: true, reason: "\(error)")
        }
    }
}
