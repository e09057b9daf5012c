import ArgumentParser
import Engine
import Foundation
import Journal
import Kafka
import Logging
import PlatformSim
import Routing
import Synchronization

/// The main job, end to end on one machine: the platform stand-in, the engine on the shipped
/// routes and mappings, the sample messages (good and bad ones) published to the broker, and a
/// report of what each route did, checked against what the samples are meant to produce.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine on the shipped routes and sample messages against the platform stand-in, and report.",
        discussion: """
            Needs a broker whose demo topics are empty (deploy/demo starts a fresh one). Exit 0 only when every sample \
            ends as its manifest says: delivered to the platform, or dead-lettered at the expected step.
            """)

    @Option(help: "Kafka bootstrap servers.")
    var brokers: String = ProcessInfo.processInfo.environment["PASSERELLE_BROKERS"] ?? "127.0.0.1:9092"

    @Option(help: "The engine configuration (its ${PASSERELLE_BROKERS} and ${PASSERELLE_PLATFORM} are set by the demo).")
    var config: String = "passerelle.yaml"

    @Option(help: "The samples folder, with its manifest.json.")
    var samples: String = "deploy/demo-samples"

    @Option(help: "The stand-in's seed: MPI, HPD and medication list.")
    var seed: String = "deploy/platform-sim/seed.json"

    @Option(help: "An XSD (e.g. CDA.xsd of the CDA R2 schemas) the stand-in validates every document against.")
    var schema: String?

    @Option(help: "Keep what the stand-in received in this SQLite file (`passerelle sim --db FILE` shows it later).")
    var simDb: String?

    @Option(help: "Seconds to wait for the samples to be processed.")
    var timeout: Int = 120

    @Flag(help: "After the report, keep the stand-in serving its page until Ctrl-C.")
    var keepServing = false

    func run() async throws {
        try Librdkafka.requireSupportedVersion()
        let manifest = try DemoManifest.load(folder: samples)
        let runID = UUID().uuidString.prefix(8).lowercased()

        let seedData: SimSeed
        do { seedData = try SimSeed(contentsOf: URL(fileURLWithPath: seed)) } catch { throw CommandFailure("cannot load the seed \(seed): \(error)") }
        // Quiet: the report says what the stand-in received, and stopping it logs a cancellation error.
        var simLogger = Logger(label: "passerelle.sim")
        simLogger.logLevel = .critical
        let simulator = try PlatformSimulator(.init(port: 0, databasePath: simDb, seed: seedData, schemaPath: schema), logger: simLogger)
        let (port, simTask) = try await simulator.start()
        let platform = "http://127.0.0.1:\(port)"
        print("platform stand-in on \(platform)/, broker \(brokers), librdkafka \(Librdkafka.version)")

        var environment = ProcessInfo.processInfo.environment
        environment["PASSERELLE_BROKERS"] = brokers
        environment["PASSERELLE_PLATFORM"] = platform
        var settings: EngineSettings
        do { settings = try EngineSettings.load(file: config, environment: environment) } catch { throw CommandFailure(error.description) }
        settings.group = "passerelle-demo-\(runID)"
        // The CDA schema is not shipped: the demo checks CDA sources against the one it is given.
        settings.schemaPath = schema ?? settings.schemaPath
        let journalPath = settings.journalPath ?? FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-demo-\(runID).journal").path
        settings.journalPath = journalPath
        let assembly: EngineAssembly
        do { assembly = try EngineAssembly(settings: settings) } catch let error as EngineSetupError { throw CommandFailure(error.description) }

        let admin = try KafkaAdmin(configuration: assembly.kafka)
        for topic in Set(assembly.handler.topics + manifest.samples.map(\.topic)).sorted() {
            try await admin.createTopic(topic, partitions: 3)
        }
        try await admin.createTopic(settings.deadLetterTopic, partitions: 1)
        print("routes: \(assembly.catalog.routes.map(\.name).sorted().joined(separator: ", ")); mappings: \(assembly.catalog.mappings.keys.sorted().joined(separator: ", "))")

        let engine = try assembly.makeEngine()
        let engineTask = Task { try await engine.run() }
        let deadLetters = try DeadLetterCollector(topic: settings.deadLetterTopic, kafka: assembly.consumerConfiguration,
                                                  group: "passerelle-demo-dlq-\(runID)")
        let collecting = Task { try await deadLetters.collect() }

        let producer = try KafkaProducer(configuration: assembly.producerConfiguration)
        for sample in manifest.samples {
            let bytes = try sample.bytes(in: samples)
            _ = try await producer.send(KafkaRecord(
                topic: sample.topic, key: Array(sample.key.utf8), value: bytes,
                headers: [KafkaHeader(key: DemoManifest.sampleHeader, value: sample.file)]))
        }
        await producer.close()
        print("published \(manifest.samples.count) samples; waiting for the engine (up to \(timeout) s)")

        let deadline = ContinuousClock.now + .seconds(timeout)
        func finished() -> Bool {
            let statistics = engine.statistics
            return statistics.processed + statistics.deadLettered >= manifest.samples.count
                && deadLetters.count >= statistics.deadLettered
        }
        while !finished(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        let timedOut = !finished()
        engine.shutdown()
        try await engineTask.value
        collecting.cancel()
        try? await collecting.value
        await deadLetters.close()
        await assembly.close()
        let tally = try await simulator.tally()
        let recorded = try await assembly.journal?.counts() ?? [:]

        let report = DemoReport(manifest: manifest, deadLetters: deadLetters.all, tally: tally, journal: recorded)
        print(report.text(platform: platform, deadLetterTopic: settings.deadLetterTopic, brokers: brokers, journalPath: journalPath))
        if timedOut { print("timed out: \(engine.statistics.processed + engine.statistics.deadLettered) of \(manifest.samples.count) samples finished") }

        if keepServing {
            print("the stand-in keeps serving \(platform)/ until Ctrl-C")
            try? await simTask.value
        } else {
            simTask.cancel()
        }
        guard report.asExpected, !timedOut else { throw ExitCode.failure }
    }
}

/// `manifest.json` of the samples folder: each sample, where it is published and how it must end.
struct DemoManifest: Decodable {
    struct Sample: Decodable {
        var file: String
        var topic: String
        var key: String
        /// The route meant to take it.
        var route: String
        /// `delivered` or `dead-letter`.
        var expect: String
        /// Dead letters: the step and a part of the reason.
        var step: String?
        var reason: String?
        /// Delivered samples: documents each platform service must hold for it.
        var documents: [String: Int]?
        /// Delivered samples: ordonnances the ePrescription server must hold for it.
        var ordonnances: Int?

        func bytes(in folder: String) throws -> [UInt8] {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(file).path
            guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("cannot read the sample \(path)") }
            return Array(data)
        }
    }

    var samples: [Sample]

    /// Kept on dead letters with the original headers, so each one is traced back to its sample.
    static let sampleHeader = "passerelle-demo-sample"

    static func load(folder: String) throws -> DemoManifest {
        let path = URL(fileURLWithPath: folder).appendingPathComponent("manifest.json").path
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("cannot read \(path)") }
        do { return try JSONDecoder().decode(DemoManifest.self, from: data) } catch { throw CommandFailure("\(path): \(error)") }
    }
}

/// Reads the dead-letter topic while the demo runs.
final class DeadLetterCollector: Sendable {
    struct Letter: Sendable {
        var sample: String
        var route: String
        var step: String
        var reason: String
    }

    private let consumer: KafkaConsumer
    private let letters = Mutex<[Letter]>([])

    init(topic: String, kafka: KafkaConfiguration, group: String) throws {
        consumer = try KafkaConsumer(configuration: kafka, groupID: group, topics: [topic])
    }

    var count: Int { letters.withLock { $0.count } }
    var all: [Letter] { letters.withLock { $0 } }

    /// Until cancelled; then `close`.
    func collect() async throws {
        for try await message in consumer.messages {
            func header(_ key: String) -> String { message.headers.last(key)?.stringValue ?? "" }
            let letter = Letter(sample: header(DemoManifest.sampleHeader), route: header(DeadLetterHeader.route),
                                step: header(DeadLetterHeader.step), reason: header(DeadLetterHeader.reason))
            letters.withLock { $0.append(letter) }
        }
    }

    func close() async {
        await consumer.close()
    }
}

/// Per route: received, delivered, dead-lettered with reasons; then the stand-in's counts; each
/// compared with the manifest.
struct DemoReport {
    let manifest: DemoManifest
    let deadLetters: [DeadLetterCollector.Letter]
    let tally: PlatformTally
    /// Events the engine's journal recorded, by kind.
    let journal: [JournalEvent.Kind: Int]

    private var outcomes: [(sample: DemoManifest.Sample, letter: DeadLetterCollector.Letter?, ok: Bool)] {
        manifest.samples.map { sample in
            let letter = deadLetters.first { $0.sample == sample.file }
            let ok: Bool
            if sample.expect == "dead-letter", let letter {
                let reason = sample.reason ?? ""
                ok = letter.step == sample.step && (reason.isEmpty || letter.reason.contains(reason))
            } else {
                ok = sample.expect == "delivered" && letter == nil
            }
            return (sample, letter, ok)
        }
    }

    private var expectedDocuments: [String: Int] {
        manifest.samples.reduce(into: [:]) { total, sample in
            for (service, count) in sample.documents ?? [:] { total[service, default: 0] += count }
        }
    }

    private var expectedOrdonnances: Int { manifest.samples.reduce(0) { $0 + ($1.ordonnances ?? 0) } }

    /// One receipt per document and per ordonnance delivered.
    private var expectedReceipts: Int { expectedDocuments.values.reduce(expectedOrdonnances, +) }

    var asExpected: Bool {
        outcomes.allSatisfy(\.ok) && expectedDocuments.allSatisfy { tally.documents[$0.key, default: 0] == $0.value }
            && tally.ordonnances == expectedOrdonnances
            && journal[.delivered, default: 0] == expectedReceipts && journal[.deadLettered, default: 0] == deadLetters.count
    }

    func text(platform: String, deadLetterTopic: String, brokers: String, journalPath: String) -> String {
        var lines: [String] = [""]
        let byRoute = Dictionary(grouping: outcomes) { $0.sample.route }
        for route in byRoute.keys.sorted() {
            let entries = byRoute[route]!
            let dead = entries.filter { $0.letter != nil }.count
            lines.append("route \(route): received \(entries.count), delivered \(entries.count - dead), dead-lettered \(dead)")
            for entry in entries {
                let outcome = entry.letter.map { "dead-lettered at \($0.step): \($0.reason)" } ?? "delivered"
                lines.append("  \(entry.ok ? "ok      " : "UNEXPECTED") \(entry.sample.file): \(outcome)"
                             + (entry.ok ? "" : " (expected \(entry.sample.expect)\(entry.sample.step.map { " at \($0)" } ?? ""))"))
            }
        }
        let services = Set(tally.documents.keys).union(expectedDocuments.keys).sorted()
        let documents = services.map { service in
            "\(service) \(tally.documents[service, default: 0]) (expected \(expectedDocuments[service, default: 0]))"
        }
        lines.append("platform stand-in: documents \(documents.joined(separator: ", ")); ordonnances \(tally.ordonnances) (expected \(expectedOrdonnances)) with \(tally.prescriptionLines) lines")
        lines.append("journal: \(journal[.delivered, default: 0]) delivery receipts (expected \(expectedReceipts)), "
                     + "\(journal[.retried, default: 0]) retries, \(journal[.deadLettered, default: 0]) dead letters "
                     + "(expected \(deadLetters.count)); passerelle journal --db \(journalPath)")
        lines.append("look at: \(platform)/ (the stand-in's page; --keep-serving keeps it up, --sim-db keeps its data), "
                     + "dead letters on topic \(deadLetterTopic) at \(brokers) (kcat -C -b \(brokers) -t \(deadLetterTopic) -f '%h %s\\n')")
        lines.append(asExpected ? "demo outcome: as expected" : "demo outcome: NOT as expected")
        return lines.joined(separator: "\n")
    }
}
