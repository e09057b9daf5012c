@testable import Engine
import Foundation
import HL7v2
import Journal
import Kafka
import KafkaTestSupport
import PlatformSim
import Routing
import Sinks
import Testing

/// The hospital-biology flow end to end, as `passerelle run` assembles it from a configuration
/// file: Tansu, the engine, the XDS sink and the platform stand-in. Proves what issue 8 asks of
/// the platform flows: a registry rejection becomes a dead letter carrying the registry's error,
/// a 30 s outage of the platform loses nothing, and replays create no second document.
@Suite(.serialized) struct PlatformFlowTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Matricules the stand-in's MPI knows (deploy/platform-sim/seed.json).
    static let knownPatients = ["7000010105084", "1985031512345", "2001120198765"]

    static func oru(_ control: String, matricule: String) -> String {
        """
        MSH|^~\\&|LABSYS|HRS|PASSERELLE|DSP|20261127081500+0100||ORU^R01^ORU_R01|\(control)|P|2.5\r\
        PID|1||\(matricule)^^^MAT&1.3.182.4.4&ISO||Test^Patient||19700101|F\r\
        OBR|1|ORD-\(control)|LAB-\(control)^HRS^1.3.182.3.1.1.7.5^ISO|24326-1^Electrolytes panel^LN|||202611270815|||||||||||||||202611270900||CH|F|||||||HPD-0042&Weber&Luc&&&Dr&&&&1.3.182.4.1&ISO\r\
        OBX|1|NM|14749-6^Glucose [Moles/volume] in Serum or Plasma^LN||5.4|mmol/L|3.9-5.8|N|||F\r
        """
    }

    struct Deployment {
        let simulator: PlatformSimulator
        let simTask: Task<Void, any Error>
        let input: String
        let deadLetters: String
        let settings: EngineSettings
        let folder: URL

        static func start(_ name: String, attempts: Int = 5, backoff: String = "100ms..1s") async throws -> Deployment {
            let seed = try SimSeed(contentsOf: root.appendingPathComponent("deploy/platform-sim/seed.json"))
            let simulator = try PlatformSimulator(.init(port: 0, seed: seed))
            let (port, simTask) = try await simulator.start()

            let input = try await TestBroker.makeTopic("\(name).in", partitions: 3)
            let deadLetters = try await TestBroker.makeTopic("\(name).dlq", partitions: 1)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flow-\(UUID())")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("Routes"), withIntermediateDirectories: true)
            try """
                route: hrs-biology
                source: { topic: \(input), format: hl7v2 }
                match: { message_type: ORU^R01, sending_facility: HRS }
                steps:
                  - validate: { loinc: required, units: warn }
                  - map: oru-to-xdlab
                  - render: cda
                to:
                  - sink: dsp
                    typeCode: DT-00002
                on_error: { retry: { attempts: \(attempts), backoff: \(backoff) }, then: dead-letter }
                """.write(to: folder.appendingPathComponent("Routes/hrs-biology.yaml"), atomically: true, encoding: .utf8)
            let config = folder.appendingPathComponent("passerelle.yaml")
            try """
                kafka:
                  bootstrap_servers: \(try TestBroker.address)
                  group: flow-\(UUID().uuidString.prefix(8))
                  consumer_properties: { session.timeout.ms: "6000" }
                dead_letter_topic: \(deadLetters)
                journal: journal.sqlite
                routes: Routes
                mappings: \(root.appendingPathComponent("Mappings").path)
                terminology: \(root.appendingPathComponent("deploy/terminology/sample").path)
                platform: { request_timeout_ms: 5000 }
                sinks:
                  dsp:
                    xds:
                      endpoint: http://127.0.0.1:\(port)/dsp/ProvideAndRegisterDocumentSet-b
                      source_id: 1.3.182.3.1.1.7.99
                      healthcare_facility_type: LAB^1.3.182.5.30
                      practice_setting: BIO^1.3.182.5.31
                """.write(to: config, atomically: true, encoding: .utf8)
            return Deployment(simulator: simulator, simTask: simTask, input: input, deadLetters: deadLetters,
                              settings: try EngineSettings.load(file: config.path), folder: folder)
        }

        /// The engine, in its own consumer group when `group` is given (a replay from the start).
        func startEngine(group: String? = nil) throws -> (engine: Engine, assembly: EngineAssembly, task: Task<Void, any Error>) {
            var settings = settings
            if let group { settings.group = group }
            let assembly = try EngineAssembly(settings: settings)
            let engine = try assembly.makeEngine()
            return (engine, assembly, Task { try await engine.run() })
        }

        /// Stops the stand-in and removes the deployment's folder (routes, config, journal).
        func close() {
            simTask.cancel()
            try? FileManager.default.removeItem(at: folder)
        }

        func publish(_ messages: [(key: String, value: String)]) async throws {
            let producer = try KafkaProducer(configuration: TestBroker.configuration())
            for message in messages {
                _ = try await producer.send(KafkaRecord(topic: input, key: message.key, value: message.value))
            }
            await producer.close()
        }

        func documents() async throws -> Int {
            try await simulator.tally().documents["dsp", default: 0]
        }

        func stop(_ running: (engine: Engine, assembly: EngineAssembly, task: Task<Void, any Error>)) async throws {
            running.engine.shutdown()
            try await running.task.value
            await running.assembly.close()
        }
    }

    /// Polls `condition` until it holds, or fails naming `what`.
    static func eventually(_ what: String, within timeout: Duration = .seconds(60),
                           _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test func registryRejectionBecomesADeadLetterWithTheRegistrysError() async throws {
        let deployment = try await Deployment.start("flow-reject")
        defer { deployment.close() }
        let running = try deployment.startEngine()
        let dlq = try TestBroker.makeConsumer(group: "flow-dlq-\(UUID())", topics: [deployment.deadLetters])
        try await deployment.publish([
            (key: "1999123112345", value: Self.oru("R-1", matricule: "1999123112345")),  // not in the MPI
            (key: Self.knownPatients[0], value: Self.oru("R-2", matricule: Self.knownPatients[0])),
        ])
        let letters = try await receive(1, from: dlq)
        await dlq.close()
        try await Self.eventually("the good message delivered") { try await deployment.documents() == 1 }
        try await deployment.stop(running)

        let headers = letters[0].headers
        #expect(headers.last(DeadLetterHeader.step)?.stringValue == "sink:dsp")
        #expect(headers.last(DeadLetterHeader.errorClass)?.stringValue == "permanent")
        #expect(headers.last(DeadLetterHeader.reason)?.stringValue?.contains("XDSUnknownPatientId") == true)
        // A refusal is not retried: the registry would answer the same.
        #expect(headers.last(DeadLetterHeader.attempts)?.stringValue == "1")
        #expect(letters[0].value == Array(Self.oru("R-1", matricule: "1999123112345").utf8))
        #expect(running.engine.statistics.deadLettered == 1)
    }

    @Test func aThirtySecondPlatformOutageLosesNothing() async throws {
        let deployment = try await Deployment.start("flow-outage", attempts: 100, backoff: "200ms..3s")
        defer { deployment.close() }
        await deployment.simulator.inject(FaultRule(service: "dsp", status: 503))
        let running = try deployment.startEngine()
        let messages = (0..<12).map { index in
            let matricule = Self.knownPatients[index % Self.knownPatients.count]
            return (key: matricule, value: Self.oru("O-\(index)", matricule: matricule))
        }
        try await deployment.publish(messages)
        try await Self.eventually("retries during the outage") { running.engine.statistics.retries >= 3 }
        try await Task.sleep(for: .seconds(30))
        #expect(try await deployment.documents() == 0)
        #expect(running.engine.statistics.deadLettered == 0)

        await deployment.simulator.clearFaults()
        try await Self.eventually("every message delivered after the outage") { try await deployment.documents() == 12 }
        try await Self.eventually("every message finished") { running.engine.statistics.processed == 12 }
        try await deployment.stop(running)
        #expect(running.engine.statistics.deadLettered == 0)
        #expect(running.engine.statistics.retries > 12)
        let journal = try #require(running.assembly.journal)
        #expect(try await journal.counts() == [.delivered: 12, .retried: running.engine.statistics.retries])
        #expect(try await journal.events(kind: .retried, limit: 1).first?.reason?.contains("HTTP 503") == true)
    }

    @Test func replaysCreateNoSecondDocument() async throws {
        let deployment = try await Deployment.start("flow-replay")
        defer { deployment.close() }
        let messages = (0..<6).map { index in
            let matricule = Self.knownPatients[index % Self.knownPatients.count]
            return (key: matricule, value: Self.oru("P-\(index)", matricule: matricule))
        }
        try await deployment.publish(messages)
        let first = try deployment.startEngine()
        try await Self.eventually("the first pass") { first.engine.statistics.processed == 6 }
        try await deployment.stop(first)
        #expect(try await deployment.documents() == 6)

        // The same messages again: once more on the topic, and the whole topic re-read by a new group.
        try await deployment.publish(Array(messages.prefix(2)))
        let replay = try deployment.startEngine(group: "flow-replay-\(UUID())")
        try await Self.eventually("the replay") { replay.engine.statistics.processed == 8 }
        try await deployment.stop(replay)
        #expect(try await deployment.documents() == 6)
        #expect(replay.engine.statistics.deadLettered == 0)
        // The journal shows each replay acknowledged by the registry as a duplicate of what it had.
        let receipts = try await Journal(path: deployment.settings.journalPath).events(kind: .delivered)
        #expect(receipts.count == 14)
        #expect(receipts.filter { $0.duplicate == true }.count == 8)
        #expect(Set(receipts.compactMap(\.reference)).count == 6, "one registry entry per document")
    }
}

/// The `enrich` steps against the stand-in's MPI and HPD.
@Suite struct EnrichmentTests {
    static func directory(_ port: Int) -> (PlatformConnection, PlatformDirectory) {
        let connection = PlatformConnection(PlatformClientSettings(connectTimeout: .seconds(2), requestTimeout: .seconds(5)))
        return (connection, connection.directory(mpiURL: "http://127.0.0.1:\(port)/mpi", hpdURL: "http://127.0.0.1:\(port)/hpd"))
    }

    static func message(_ pid3: String) throws -> HL7Message {
        try HL7Message(Array("MSH|^~\\&|LABSYS|HRS|PASSERELLE|DSP|20261127081500+0100||ORU^R01|E1|P|2.5\rPID|1||\(pid3)||Test^Patient\r".utf8))
    }

    @Test func aLocalIdGainsTheMatriculeFromTheMPIOnce() async throws {
        let seed = try SimSeed(contentsOf: PlatformFlowTests.root.appendingPathComponent("deploy/platform-sim/seed.json"))
        let simulator = try PlatformSimulator(.init(port: 0, seed: seed))
        let (port, simTask) = try await simulator.start()
        defer { simTask.cancel() }
        let (connection, directory) = Self.directory(port)
        let enrichment = Enrichment(directory: directory)

        let local = try Self.message("X1^^^OTHER^PI~P-884212^^^HOSP&1.3.182.3.1.1.7.3&ISO")
        let enriched = try await enrichment.patient(local)
        #expect(enriched.value(at: try HL7Path("PID-3[3].1")) == "1985031512345")
        #expect(enriched.value(at: try HL7Path("PID-3[3].4.2")) == "1.3.182.4.4")
        #expect(enriched.value(at: try HL7Path("PID-3[2].1")) == "P-884212", "the sender's ids stay as sent")
        _ = try await enrichment.patient(local)
        #expect(directory.requestCount == 1)

        // A message that has the matricule is left alone, without asking.
        let complete = try Self.message("7000010105084^^^MAT&1.3.182.4.4&ISO")
        #expect(try await enrichment.patient(complete).serialize() == complete.serialize())
        #expect(directory.requestCount == 1)

        let unknown = await #expect(throws: ProcessingFailure.self) {
            try await enrichment.patient(try Self.message("P-000000^^^HOSP&1.3.182.3.1.1.7.3&ISO"))
        }
        #expect(unknown?.errorClass == .permanent)
        #expect(unknown?.reason.contains("the MPI knows none") == true)

        await simulator.inject(FaultRule(service: "mpi", status: 503))
        let outage = await #expect(throws: ProcessingFailure.self) {
            try await enrichment.patient(try Self.message("P-884211^^^HOSP&1.3.182.3.1.1.7.3&ISO"))
        }
        #expect(outage?.errorClass == .transient)
        await connection.shutdown()
    }

    @Test func professionalsSentWithACNSCodeGetTheirHpdID() async throws {
        let seed = try SimSeed(contentsOf: PlatformFlowTests.root.appendingPathComponent("deploy/platform-sim/seed.json"))
        let (port, simTask) = try await PlatformSimulator(.init(port: 0, seed: seed)).start()
        defer { simTask.cancel() }
        let (connection, directory) = Self.directory(port)
        let enrichment = Enrichment(directory: directory)
        let message = try HL7Message(Array("""
            MSH|^~\\&|LABSYS|HRS|PASSERELLE|DSP|20261127081500+0100||ORU^R01|E2|P|2.5\r\
            ORC|RE|O1||||||||||901234-56^Weber^Luc^^^Dr^^^CNS&1.3.182.4.6&ISO\r\
            OBR|1|O1|L1|24326-1^Electrolytes^LN||||||||||||||||||||||||||||901235-57&Reuter&Claire&&&Dr&&&CNS&1.3.182.4.6&ISO\r\
            OBR|2|O1|L2|58410-2^CBC^LN||||||||||||||||||||||||||||HPD-0042&Weber&Luc&&&Dr&&&&1.3.182.4.1&ISO\r
            """.utf8))
        let enriched = try await enrichment.professionals(message)
        #expect(enriched.value(at: try HL7Path("ORC-12.1")) == "HPD-0042")
        #expect(enriched.value(at: try HL7Path("ORC-12.9.2")) == "1.3.182.4.1")
        #expect(enriched.value(at: try HL7Path("ORC-12.2")) == "Weber", "the rest of the name stays")
        #expect(enriched.value(at: try HL7Path("OBR-32.1.1")) == "HPD-0043")
        #expect(enriched.value(at: try HL7Path("OBR-32.1.10")) == "1.3.182.4.1")
        #expect(enriched.value(at: try HL7Path("OBR[2]-32.1.1")) == "HPD-0042", "an hpdID already sent is left alone")
        #expect(directory.requestCount == 2)

        let unknown = try HL7Message(Array("MSH|^~\\&|A|HRS|B|C|20261127||MDM^T02|E3|P|2.5\rTXA|1|ED|TX||||||999999-99^X^Y^^^^^^CNS&1.3.182.4.6&ISO\r".utf8))
        let error = await #expect(throws: ProcessingFailure.self) { try await enrichment.professionals(unknown) }
        #expect(error?.errorClass == .permanent)
        #expect(error?.reason.contains("TXA-9.1") == true, "\(String(describing: error))")
        await connection.shutdown()
    }
}

/// CDA sources through the route handler: checked, then delivered unchanged under their own id.
@Suite struct DocumentSourceTests {
    final class Capture: Sink, @unchecked Sendable {
        let name = "dsp"
        private let lock = NSLock()
        private var payloads: [SinkPayload] = []
        var received: [SinkPayload] { lock.withLock { payloads } }

        func deliver(_ payload: SinkPayload) async throws(SinkError) -> SinkReceipt {
            lock.withLock { payloads.append(payload) }
            return SinkReceipt(sink: name, reference: payload.idempotencyKey)
        }
    }

    static let labReport = PlatformFlowTests.root.appendingPathComponent("Tests/CDATests/Fixtures/lu-lab-report.xml")

    static func handler(_ sink: Capture) throws -> RouteHandler {
        let route = try RouteLoader.parse("""
            route: cda-lab-reports
            source: { topic: hospital.cda, format: cda }
            match: { template: 1.3.182.11.1, document_code: 11502-2 }
            steps:
              - validate: { lu_header: required, schema: required }
            to: [{ sink: dsp, typeCode: DT-00002 }]
            """, file: "r.yaml", knownSinks: ["dsp"], knownMappings: [])
        return RouteHandler(routes: [route], sinks: ["dsp": sink], mappings: [:], terminology: nil)
    }

    static func message(_ bytes: [UInt8]) -> KafkaMessage {
        KafkaMessage(topic: "hospital.cda", partition: 0, offset: 0, key: nil, value: bytes, headers: [], timestampMilliseconds: nil)
    }

    @Test func aDocumentIsDeliveredAsReceivedUnderItsOwnId() async throws {
        let sink = Capture()
        let bytes = Array(try Data(contentsOf: Self.labReport))
        try await Self.handler(sink).handle(Self.message(bytes))
        #expect(sink.received.map(\.body) == [bytes])
        #expect(sink.received.first?.idempotencyKey == "cda-lab-reports:1.3.182.3.1.1.7.1^LAB-2024-000123")
        #expect(sink.received.first?.contentType == "application/hl7-v3+xml")
        #expect(sink.received.first?.metadata == ["typeCode": "DT-00002"])
    }

    @Test func headerRuleFindingsAndUnsafeXMLArePermanent() async throws {
        let sink = Capture()
        let text = try String(contentsOf: Self.labReport, encoding: .utf8)
        let withoutRealm = text.replacingOccurrences(of: #"<realmCode code="LU"/>"#, with: "")
        let rejected = await #expect(throws: ProcessingFailure.self) { try await Self.handler(sink).handle(Self.message(Array(withoutRealm.utf8))) }
        #expect(rejected?.step == "validate")
        #expect(rejected?.reason.contains("lu-header.realm-code") == true, "\(String(describing: rejected))")

        let entity = #"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><ClinicalDocument>&x;</ClinicalDocument>"#
        let unsafe = await #expect(throws: ProcessingFailure.self) { try await Self.handler(sink).handle(Self.message(Array(entity.utf8))) }
        #expect(unsafe?.step == "parse")
        #expect(unsafe?.errorClass == .permanent)
        let otherDocument = text.replacingOccurrences(of: #"code="11502-2""#, with: #"code="34133-9""#)
        let unrouted = await #expect(throws: ProcessingFailure.self) { try await Self.handler(sink).handle(Self.message(Array(otherDocument.utf8))) }
        #expect(unrouted?.step == "route")
        #expect(unrouted?.reason.contains("document code 34133-9") == true, "\(String(describing: unrouted))")
        #expect(sink.received.isEmpty)
    }
}
