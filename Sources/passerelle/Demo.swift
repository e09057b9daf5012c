import ArgumentParser
import Foundation
import Kafka

/// Until the routing engine lands, the demo is the Kafka round trip the engine is built on:
/// keyed messages with headers published and acknowledged, consumed in a group, committed.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the demo against a running broker (deploy/demo starts one) and report what happened.")

    @Option(help: "Kafka bootstrap servers.")
    var brokers: String = ProcessInfo.processInfo.environment["PASSERELLE_BROKERS"] ?? "127.0.0.1:9092"

    @Option(help: "Messages to send.")
    var count: Int = 100

    @Option(help: "Distinct keys (patients) the messages are spread over.")
    var keys: Int = 10

    func validate() throws {
        guard count > 0, keys > 0 else { throw ValidationError("--count and --keys must be positive") }
    }

    func run() async throws {
        try Librdkafka.requireSupportedVersion()
        let configuration = KafkaConfiguration(bootstrapServers: brokers)
        let runID = UUID().uuidString.prefix(8).lowercased()
        let topic = "passerelle.demo.\(runID)"
        print("broker \(brokers), librdkafka \(Librdkafka.version)")

        try await KafkaAdmin(configuration: configuration).createTopic(topic, partitions: 3)
        print("created topic \(topic) with 3 partitions")

        var producerConfiguration = configuration
        producerConfiguration["message.timeout.ms"] = "15000"
        let producer = try KafkaProducer(configuration: producerConfiguration)
        let started = ContinuousClock.now
        var perPartition: [Int32: Int] = [:]
        try await withThrowingTaskGroup(of: DeliveryReport.self) { group in
            for index in 0..<count {
                let record = KafkaRecord(
                    topic: topic, key: "patient-\(index % keys)", value: "message \(index)",
                    headers: [KafkaHeader(key: "passerelle-demo-sequence", value: String(index))])
                group.addTask { try await producer.send(record) }
            }
            for try await report in group { perPartition[report.partition, default: 0] += 1 }
        }
        await producer.close()
        print("sent \(count) messages over \(keys) keys, all acknowledged in \(started.duration(to: .now)); per partition: \(describe(perPartition))")

        var consumerConfiguration = configuration
        consumerConfiguration["session.timeout.ms"] = "6000"  // a first group join in ~4 s instead of ~23 s
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, groupID: "passerelle-demo-\(runID)", topics: [topic])
        let consumeStarted = ContinuousClock.now
        var received = 0
        var lastOffsetByKey: [String: Int64] = [:]
        var inOrder = true
        for try await message in consumer.messages {
            let key = String(decoding: message.key ?? [], as: UTF8.self)
            if let previous = lastOffsetByKey[key], previous >= message.offset { inOrder = false }
            lastOffsetByKey[key] = message.offset
            try await consumer.commit(message)
            received += 1
            if received == count { break }
        }
        await consumer.close()
        print("consumed and committed \(received) messages in group passerelle-demo-\(runID) in \(consumeStarted.duration(to: .now)) (includes joining the group); per-key order \(inOrder ? "kept" : "BROKEN")")
        guard received == count, inOrder else { throw ExitCode.failure }
        print("demo finished: every message acknowledged, consumed once and committed")
    }

    private func describe(_ counts: [Int32: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "[\($0.key)]=\($0.value)" }.joined(separator: " ")
    }
}
