import Kafka
import KafkaTestSupport
import Sinks
import Testing

@Suite struct KafkaSinkTests {
    @Test func publishesWithKeyContentTypeAndMetadata() async throws {
        let topic = try await TestBroker.makeTopic("sink", partitions: 2)
        let producer = try KafkaProducer(configuration: TestBroker.configuration())
        let sink = KafkaSink(name: "outbound", topic: topic, producer: producer)
        let receipt = try await sink.deliver(SinkPayload(body: Array("{}".utf8), contentType: "application/json",
                                                         idempotencyKey: "doc-42", metadata: ["document-type": "DT-00002"]))
        #expect(receipt.reference.hasPrefix("\(topic)["))
        await producer.close()
        let consumer = try TestBroker.makeConsumer(group: "sink-\(topic)", topics: [topic])
        let message = try await receive(1, from: consumer)[0]
        await consumer.close()
        #expect(message.value == Array("{}".utf8))
        #expect(message.key == Array("doc-42".utf8))
        #expect(message.headers.last("content-type")?.stringValue == "application/json")
        #expect(message.headers.last("passerelle-document-type")?.stringValue == "DT-00002")
    }

    @Test func unreachableBrokerIsTransient() async throws {
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1", ["message.timeout.ms": "1000"]))
        let sink = KafkaSink(name: "outbound", topic: "nowhere", producer: producer)
        do {
            _ = try await sink.deliver(SinkPayload(body: [1], contentType: "application/json", idempotencyKey: "k"))
            Issue.record("delivered to a closed port")
        } catch {
            #expect(error.isTransient)
            #expect(error.sink == "outbound")
        }
        await producer.close(timeout: .seconds(1))
    }
}
