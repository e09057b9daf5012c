import ArgumentParser
import Dispatch
import Engine
import Foundation
import Kafka
import Logging
import Mapping
import Routing
import Sinks
import Terminology

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine: consume the routes' topics, deliver to their sinks, commit what is done.",
        discussion: "SIGTERM or SIGINT stops consuming, lets in-flight messages finish within the drain deadline, commits and exits.")

    @Option(help: "The engine configuration file (YAML).") var config: String

    func run() async throws {
        let logger = Logger(label: "passerelle.run")
        try Librdkafka.requireSupportedVersion()
        let settings: EngineSettings
        do { settings = try EngineSettings.load(file: config) } catch { throw CommandFailure(error.description) }

        let terminology = try settings.terminologyDirectory.map { directory in
            do { return try TerminologyStore(loading: URL(fileURLWithPath: directory)) } catch {
                throw CommandFailure("terminology pack \(directory): \(error)")
            }
        }
        let mappingFiles: [String] = (try? FileManager.default.contentsOfDirectory(atPath: settings.mappingsDirectory)) ?? []
        var mappings: [String: MappingPlan] = [:]
        for file in mappingFiles.sorted() where file.hasSuffix(".yaml") {
            let url = URL(fileURLWithPath: settings.mappingsDirectory).appendingPathComponent(file)
            do { mappings[String(file.dropLast(5))] = try MappingPlan.load(contentsOf: url) } catch { throw CommandFailure("\(error)") }
        }
        let routes: [Route]
        do {
            routes = try RouteLoader.load(directory: settings.routesDirectory, knownSinks: Set(settings.sinks.keys), knownMappings: Set(mappings.keys))
        } catch { throw CommandFailure("\(error)") }
        guard !routes.isEmpty else { throw CommandFailure("no route in \(settings.routesDirectory)") }

        var kafka = KafkaConfiguration(bootstrapServers: settings.bootstrapServers, settings.kafkaProperties)
        kafka["client.id"] = kafka["client.id"] ?? "passerelle"
        let producer = try KafkaProducer(configuration: kafka)
        var sinks: [String: any Sink] = [:]
        for (name, sink) in settings.sinks {
            switch sink {
            case .kafka(let topic): sinks[name] = KafkaSink(name: name, topic: topic, producer: producer)
            case .file(let directory): sinks[name] = FileSink(name: name, directory: URL(fileURLWithPath: directory))
            }
        }
        let handler = RouteHandler(routes: routes, sinks: sinks, mappings: mappings, terminology: terminology)
        let consumer = try KafkaConsumer(configuration: kafka, groupID: settings.group, topics: handler.topics)
        let engine = Engine(
            consumer: consumer, producer: producer, handler: handler,
            configuration: EngineConfiguration(lanes: settings.lanes, deadLetterTopic: settings.deadLetterTopic,
                                               drainDeadline: .seconds(settings.drainDeadlineSeconds)))

        let signals = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler {
                logger.notice("signal \(number): draining")
                engine.shutdown()
            }
            source.resume()
            return source
        }
        logger.notice("started", metadata: [
            "routes": "\(routes.map(\.name).sorted().joined(separator: ","))", "topics": "\(handler.topics.joined(separator: ","))",
            "group": "\(settings.group)", "librdkafka": "\(Librdkafka.version)",
        ])
        try await engine.run()
        signals.forEach { $0.cancel() }
        await producer.close()
        let statistics = engine.statistics
        logger.notice("stopped", metadata: [
            "processed": "\(statistics.processed)", "dead-lettered": "\(statistics.deadLettered)", "retries": "\(statistics.retries)",
        ])
    }
}
