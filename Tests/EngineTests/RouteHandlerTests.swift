import Engine
import Foundation
import HL7v2
import Kafka
import KafkaTestSupport
import MetricsTestKit
@testable import Routing
import Sinks
import Synchronization
import Testing

/// Keeps what it is given; while `gate` is closed, deliveries wait for it to open.
final class RecordingSink: Sink {
    let name: String
    private let state = Mutex<(bodies: [String], waiting: [CheckedContinuation<Void, Never>], closed: Bool)>(([], [], false))

    init(name: String) { self.name = name }

    var bodies: [String] { state.withLock { $0.bodies } }
    var waiting: Int { state.withLock { $0.waiting.count } }

    func close() { state.withLock { $0.closed = true } }

    func open() {
        let waiting = state.withLock { state in
            state.closed = false
            defer { state.waiting = [] }
            return state.waiting
        }
        waiting.forEach { $0.resume() }
    }

    func deliver(_ payload: SinkPayload) async throws(SinkError) -> SinkReceipt {
        await withCheckedContinuation { continuation in
            let proceed = state.withLock { state in
                state.bodies.append(String(decoding: payload.body, as: UTF8.self))
                if state.closed { state.waiting.append(continuation) }
                return !state.closed
            }
            if proceed { continuation.resume() }
        }
        return SinkReceipt(sink: name, reference: "recorded")
    }
}

@Suite(.serialized) struct RouteHandlerTests {
    static func oru(_ id: String, facility: String = "HRS", loinc: String = "2345-7", modes: String = "") -> String {
        "MSH|^~\\&|LAB|\(facility)|DSP|ESANTE|20261127101500+0100||ORU^R01|\(id)|P|2.5\(modes)\rPID|1||P1^^^HRS^PI\rOBX|1|NM|\(loinc)^Glucose^LN||97.3|mg/dL\r"
    }

    /// An engine assembled from a passerelle.yaml written in `root` (routes in `root/Routes`, one
    /// file sink `out`), `kafka` adding keys to its kafka section.
    static func assembly(in root: URL, kafka: String = "") throws -> EngineAssembly {
        let file = root.appendingPathComponent("passerelle.yaml")
        try ("kafka: { bootstrap_servers: 127.0.0.1:1, group: g\(kafka) }\ndead_letter_topic: dlq\nroutes: Routes\n"
            + "sinks: { out: { file: { directory: out } } }\n").write(to: file, atomically: true, encoding: .utf8)
        return try EngineAssembly(settings: try EngineSettings.load(file: file.path))
    }

    static func route(topic: String, sink: String = "out", reply: String? = nil) throws -> Route {
        try RouteLoader.parse("""
            route: hrs-biology
            source: { topic: \(topic), format: hl7v2 }
            match: { message_type: ORU^R01, sending_facility: HRS }
            steps:
              - validate: { loinc: required }
            to:
              - sink: \(sink)
            on_error: { retry: { attempts: 1 }\(reply.map { ", reply: { topic: \($0) }" } ?? "") }
            """, file: "hrs-biology.yaml", knownSinks: nil, knownMappings: [])
    }

    static func message(_ value: String, topic: String = "in", key: String = "P1", offset: Int64 = 0) -> KafkaMessage {
        KafkaMessage(topic: topic, partition: 0, offset: offset, key: Array(key.utf8), value: Array(value.utf8), headers: [],
                     timestampMilliseconds: nil)
    }

    @Test func acknowledgmentsGoToTheReplyTopicKeyedLikeTheInput() async throws {
        let input = try await TestBroker.makeTopic("reply.in", partitions: 2)
        let replies = try await TestBroker.makeTopic("reply.acks", partitions: 1)
        let deadLetters = try await TestBroker.makeTopic("reply.dlq", partitions: 1)
        let producer = try KafkaProducer(configuration: TestBroker.configuration())
        let sent: [(key: String, value: String)] = [
            ("good", Self.oru("C1")),
            ("invalid", Self.oru("C2", loinc: "2345-8")),   // wrong LOINC check digit
            ("unrouted", Self.oru("C3", facility: "XYZ")),
            ("garbage", "not HL7 at all"),                  // no header to answer
            ("quiet", Self.oru("C5", modes: "|||AL|ER")),   // asked for application acks on error only
        ]
        for (key, value) in sent { try await producer.send(KafkaRecord(topic: input, key: key, value: value)) }
        let sink = RecordingSink(name: "out")
        let metrics = TestMetrics()
        let handler = RouteHandler(routes: [try Self.route(topic: input, reply: replies)], sinks: ["out": sink], mappings: [:],
                                   terminology: nil, metrics: EngineMetrics(factory: metrics))
        let engine = Engine(consumer: try TestBroker.makeConsumer(group: "reply-\(UUID())", topics: [input]), producer: producer,
                            handler: handler, configuration: EngineConfiguration(lanes: 2, deadLetterTopic: deadLetters))
        let running = Task { try await engine.run() }
        let reader = try TestBroker.makeConsumer(group: "reply-reader-\(UUID())", topics: [replies])
        let acks = try await receive(3, from: reader)
        engine.shutdown()
        try await running.value
        await reader.close()
        await producer.close()

        #expect(engine.statistics.processed == 2 && engine.statistics.deadLettered == 3)
        #expect(engine.statistics.replies == 3)
        let byKey = Dictionary(uniqueKeysWithValues: try acks.map { (String(decoding: $0.key ?? [], as: UTF8.self), try HL7Message($0.value)) })
        #expect(Set(byKey.keys) == ["good", "invalid", "unrouted"])
        func field(_ key: String, _ segment: String, _ number: Int, _ component: Int? = nil) -> String? {
            byKey[key]?.value(at: HL7Path(segment: segment, field: number, component: component))
        }
        #expect(field("good", "MSA", 1) == "AA" && field("good", "MSA", 2) == "C1")
        #expect(field("good", "MSH", 9, 1) == "ACK")
        #expect(field("invalid", "MSA", 1) == "AE" && field("invalid", "MSA", 2) == "C2")
        #expect(field("invalid", "ERR", 8)?.hasPrefix("validate: loinc.check-digit at OBX-3.1") == true)
        #expect(field("unrouted", "MSA", 1) == "AR" && field("unrouted", "ERR", 3, 1) == "200")
        // The reason names the rule, path and code, never the patient or the value.
        #expect(acks.allSatisfy { !String(decoding: $0.value, as: UTF8.self).contains("P1^^^HRS") && !String(decoding: $0.value, as: UTF8.self).contains("97.3") })
        #expect(acks.allSatisfy { $0.headers.last(DeadLetterHeader.sourceTopic)?.stringValue == input })
        #expect(try metrics.expectCounter("passerelle_sink_deliveries", [("sink", "out")]).totalValue == 2)
    }

    @Test func messagesAreOrderedByPatientUnlessConfiguredOtherwise() throws {
        let route = try Self.route(topic: "in")
        func key(_ orderingKey: EngineSettings.OrderingKey, _ value: String, kafkaKey: String = "K") -> String? {
            RouteHandler(routes: [route], sinks: [:], mappings: [:], terminology: nil, orderingKey: orderingKey)
                .admit(Self.message(value, key: kafkaKey)).orderingKey.map { String(decoding: $0, as: UTF8.self) }
        }
        let first = Self.oru("C1"), second = Self.oru("C2").replacingOccurrences(of: "PID|1||P1^^^HRS^PI", with: "PID|1||P1^^^HRS^PI~7000010105084^^^LU")
        // The same patient under two Kafka keys shares a key; the patient's first identifier is it.
        #expect(key(.patient, first, kafkaKey: "a") == "P1^^^HRS^PI")
        #expect(key(.patient, second, kafkaKey: "b") == "P1^^^HRS^PI")
        #expect(key(.kafkaKey, first) == "K")
        #expect(key(.path(try HL7Path("MSH-10")), first) == "C1")
        // No patient, or no HL7: the Kafka key.
        #expect(key(.patient, first.replacingOccurrences(of: "PID|1||P1^^^HRS^PI", with: "PID|1||")) == "K")
        #expect(key(.patient, "not HL7") == "K")
    }

    @Test func admissionHandsItsParseToHandling() async throws {
        let sink = RecordingSink(name: "out")
        let route = try Self.route(topic: "in")
        let handler = RouteHandler(routes: [route], sinks: ["out": sink], mappings: [:], terminology: nil)
        let message = Self.message(Self.oru("C1"))
        let admission = handler.admit(message)
        #expect(admission.parsed?.controlID == "C1")
        try await handler.handle(message, parsed: admission.parsed)
        #expect(sink.bodies == [Self.oru("C1")])
        // Ordered by Kafka key on a topic with one route: nothing is parsed before handling.
        let byKafkaKey = RouteHandler(routes: [route], sinks: ["out": sink], mappings: [:], terminology: nil, orderingKey: .kafkaKey)
        #expect(byKafkaKey.admit(message).parsed == nil)
    }

    @Test func aReplacementServesNewMessagesWhileInFlightOnesFinishOnTheOldRoutes() async throws {
        let old = RecordingSink(name: "old")
        let new = RecordingSink(name: "new")
        let sinks: [String: any Sink] = ["old": old, "new": new]
        let live = LiveRoutes(RouteHandler(routes: [try Self.route(topic: "in", sink: "old")], sinks: sinks, mappings: [:], terminology: nil))
        old.close()
        let first = live.current
        let inFlight = Task { try await first.handle(Self.message(Self.oru("C1"))) }
        while old.waiting == 0 { await Task.yield() }

        try live.replace(with: RouteHandler(routes: [try Self.route(topic: "in", sink: "new")], sinks: sinks, mappings: [:], terminology: nil))
        try await live.current.handle(Self.message(Self.oru("C2"), offset: 1))
        #expect(new.bodies == [Self.oru("C2")])
        old.open()
        try await inFlight.value
        #expect(old.bodies == [Self.oru("C1")])

        // Other source topics need a new subscription: refused, the routes in force stay.
        #expect(throws: EngineSetupError.self) {
            try live.replace(with: RouteHandler(routes: [try Self.route(topic: "elsewhere", sink: "old")], sinks: sinks, mappings: [:], terminology: nil))
        }
        try await live.handle(Self.message(Self.oru("C3"), offset: 2))
        #expect(new.bodies == [Self.oru("C2"), Self.oru("C3")])
    }

    @Test func reloadKeepsTheRoutesInForceWhenTheNewOnesDoNotLoad() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID())")
        let routes = root.appendingPathComponent("Routes")
        try FileManager.default.createDirectory(at: routes, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        func write(_ name: String, facility: String) throws {
            try """
                route: \(name)
                source: { topic: in, format: hl7v2 }
                match: { message_type: ORU^R01, sending_facility: \(facility) }
                to:
                  - sink: out
                """.write(to: routes.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        try write("hrs", facility: "HRS")
        let assembly = try Self.assembly(in: root)

        try write("chl", facility: "HRS")  // overlaps hrs: refused
        #expect(throws: EngineSetupError.self) { try assembly.reload() }
        #expect(assembly.catalog.routes.map(\.name) == ["hrs"])
        #expect(assembly.handler.admit(Self.message(Self.oru("C1"))).route == "hrs")

        try write("chl", facility: "CHL")
        #expect(try assembly.reload().routes.map(\.name).sorted() == ["chl", "hrs"])
        #expect(assembly.handler.admit(Self.message(Self.oru("C1", facility: "CHL"))).route == "chl")
    }

    @Test func producerCompressesWithLZ4UnlessConfiguredOtherwise() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("producer-\(UUID())")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Routes"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "route: r\nsource: { topic: in, format: hl7v2 }\nmatch: { message_type: ORU^R01 }\nto:\n  - sink: out\n"
            .write(to: root.appendingPathComponent("Routes/r.yaml"), atomically: true, encoding: .utf8)
        let defaults = try Self.assembly(in: root)
        #expect(defaults.producerConfiguration["compression.codec"] == "lz4")
        #expect(defaults.producerConfiguration["linger.ms"] == "5")
        #expect(defaults.consumerConfiguration["compression.codec"] == nil)
        let configured = try Self.assembly(in: root, kafka: ", producer_properties: { compression.codec: none }")
        #expect(configured.producerConfiguration["compression.codec"] == "none")
    }

    @Test func fixturesCompareSinkPayloadsDeadLettersAndReplies() async throws {
        let catalog = RouteCatalog(routes: [try Self.route(topic: "in", reply: "acks")], mappings: [:], terminology: nil)
        let runner = FixtureRunner(catalog: catalog)
        func fixture(_ input: String, _ expectation: RouteFixture.Expectation, reply: String? = nil) -> RouteFixture {
            RouteFixture(name: "f", input: Array(input.utf8), route: "hrs-biology", topic: nil, key: nil, headers: [:],
                         expectation: expectation, reply: reply)
        }
        #expect(await runner.run(fixture(Self.oru("C1"), .deliver(["out": Array(Self.oru("C1").utf8)]), reply: "AA")) == nil)
        #expect(await runner.run(fixture(Self.oru("C1"), .deliver(["out": Array("other".utf8)])))?.contains("payload differs") == true)
        #expect(await runner.run(fixture(Self.oru("C1"), .deliver([:])))?.contains("expected none") == true)
        #expect(await runner.run(fixture(Self.oru("C2", loinc: "2345-8"), .deadLetter(step: "validate", reason: "loinc.check-digit"), reply: "AE")) == nil)
        #expect(await runner.run(fixture(Self.oru("C2", loinc: "2345-8"), .deadLetter(step: "map", reason: ""))) != nil)
        #expect(await runner.run(fixture(Self.oru("C1"), .deliver(["out": Array(Self.oru("C1").utf8)]), reply: "AE"))?.contains("reply AA") == true)
    }
}
