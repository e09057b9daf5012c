import Foundation
import Kafka
import Logging
import Mapping
import Routing
import Sinks
import Terminology

/// A configuration problem found while assembling the engine, worded for the operator.
public struct EngineSetupError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// What routes run with, loaded and checked together: the compiled mappings (by file name
/// without `.yaml`), the routes that use them, and the terminology pack.
public struct RouteCatalog: Sendable {
    public let routes: [Route]
    public let mappings: [String: MappingPlan]
    public let terminology: TerminologyStore?

    /// Every problem is an error naming its file (and line, for routes and mappings).
    public static func load(routesDirectory: String, mappingsDirectory: String, terminologyDirectory: String?,
                            knownSinks: Set<String>) throws(EngineSetupError) -> RouteCatalog {
        let terminology: TerminologyStore?
        do {
            terminology = try terminologyDirectory.map { try TerminologyStore(loading: URL(fileURLWithPath: $0)) }
        } catch {
            throw EngineSetupError("terminology pack \(terminologyDirectory ?? ""): \(error)")
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: mappingsDirectory)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        var mappings: [String: MappingPlan] = [:]
        for file in files {
            do {
                mappings[String(file.dropLast(5))] = try MappingPlan.load(
                    contentsOf: URL(fileURLWithPath: mappingsDirectory).appendingPathComponent(file))
            } catch {
                throw EngineSetupError("\(error)")
            }
        }
        let routes: [Route]
        do {
            routes = try RouteLoader.load(directory: routesDirectory, knownSinks: knownSinks, knownMappings: Set(mappings.keys))
        } catch {
            throw EngineSetupError("\(error)")
        }
        guard !routes.isEmpty else { throw EngineSetupError("no route in \(routesDirectory)") }
        return RouteCatalog(routes: routes, mappings: mappings, terminology: terminology)
    }
}

/// Everything `passerelle run` builds from its configuration file: the catalog, the sinks
/// (sharing one producer and one platform HTTP client), the route handler and the engine.
public final class EngineAssembly: Sendable {
    public let settings: EngineSettings
    public let catalog: RouteCatalog
    public let handler: RouteHandler
    /// The librdkafka properties of both the producer and the consumer.
    public let kafka: KafkaConfiguration
    private let producer: KafkaProducer
    private let platform: PlatformConnection?

    public init(settings: EngineSettings) throws {
        self.settings = settings
        catalog = try RouteCatalog.load(
            routesDirectory: settings.routesDirectory, mappingsDirectory: settings.mappingsDirectory,
            terminologyDirectory: settings.terminologyDirectory, knownSinks: Set(settings.sinks.keys))
        var kafka = KafkaConfiguration(bootstrapServers: settings.bootstrapServers, settings.kafkaProperties)
        kafka["client.id"] = kafka["client.id"] ?? "passerelle"
        self.kafka = kafka
        let producer = try KafkaProducer(configuration: kafka)
        let needsPlatform = settings.sinks.values.contains { sink in
            switch sink {
            case .xds, .ePrescription: true
            case .kafka, .file: false
            }
        }
        let platform = try needsPlatform ? PlatformConnection(PlatformClientSettings(
            connectTimeoutMilliseconds: settings.platform.connectTimeoutMilliseconds,
            requestTimeoutMilliseconds: settings.platform.requestTimeoutMilliseconds,
            maxConnectionsPerHost: settings.platform.maxConnectionsPerHost,
            certificateChainPEM: settings.platform.certificateChain, privateKeyPEM: settings.platform.privateKey,
            trustRootsPEM: settings.platform.trustRoots)) : nil
        var sinks: [String: any Sink] = [:]
        for (name, sink) in settings.sinks {
            switch sink {
            case .kafka(let topic):
                sinks[name] = KafkaSink(name: name, topic: topic, producer: producer)
            case .file(let directory):
                sinks[name] = FileSink(name: name, directory: URL(fileURLWithPath: directory))
            case .xds(let xds):
                sinks[name] = platform?.xdsSink(name: name, endpoint: xds.endpoint, settings: XDSSourceSettings(
                    sourceId: xds.sourceId, healthcareFacilityTypeCode: Self.code(xds.healthcareFacilityType),
                    practiceSettingCode: Self.code(xds.practiceSetting)))
            case .ePrescription(let baseURL):
                sinks[name] = platform?.ePrescriptionSink(name: name, baseURL: baseURL)
            }
        }
        self.producer = producer
        self.platform = platform
        handler = RouteHandler(routes: catalog.routes, sinks: sinks, mappings: catalog.mappings, terminology: catalog.terminology)
    }

    /// A consumer in the configured group, subscribed to the routes' topics, and the engine on it.
    public func makeEngine(logger: Logger = Logger(label: "passerelle.engine")) throws -> Engine {
        let consumer = try KafkaConsumer(configuration: kafka, groupID: settings.group, topics: handler.topics)
        return Engine(consumer: consumer, producer: producer, handler: handler,
                      configuration: EngineConfiguration(lanes: settings.lanes, deadLetterTopic: settings.deadLetterTopic,
                                                         drainDeadline: .seconds(settings.drainDeadlineSeconds)),
                      logger: logger)
    }

    /// Flushes the producer and closes the platform client; call after the engine has stopped.
    public func close() async {
        await producer.close()
        await platform?.shutdown()
    }

    /// `code^scheme`, as the settings loader checked it.
    private static func code(_ pair: String) -> XDSCode {
        let parts = pair.split(separator: "^", maxSplits: 1).map(String.init)
        return XDSCode(code: parts[0], scheme: parts.count > 1 ? parts[1] : "")
    }
}
