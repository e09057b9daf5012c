import CDA
import Foundation
import Journal
import Kafka
import Logging
import Mapping
import Routing
import Sinks
import Synchronization
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

    public init(routes: [Route], mappings: [String: MappingPlan], terminology: TerminologyStore?) {
        self.routes = routes
        self.mappings = mappings
        self.terminology = terminology
    }

    /// Every problem is an error naming its file (and line, for routes and mappings); all the
    /// problems of all the files are reported together, one per line.
    /// - Parameter knownSinks: the configured sink names; nil accepts any (fixture tests).
    public static func load(routesDirectory: String, mappingsDirectory: String, terminologyDirectory: String?,
                            knownSinks: Set<String>?) throws(EngineSetupError) -> RouteCatalog {
        let terminology: TerminologyStore?
        do {
            terminology = try terminologyDirectory.map { try TerminologyStore(loading: URL(fileURLWithPath: $0)) }
        } catch {
            throw EngineSetupError("terminology pack \(terminologyDirectory ?? ""): \(error)")
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: mappingsDirectory)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        var mappings: [String: MappingPlan] = [:]
        var problems: [String] = []
        for file in files {
            do {
                mappings[String(file.dropLast(5))] = try MappingPlan.load(
                    contentsOf: URL(fileURLWithPath: mappingsDirectory).appendingPathComponent(file))
            } catch {
                problems.append("\(error)")
            }
        }
        var routes: [Route] = []
        do {
            // A mapping that failed is reported once, above, not again by each route using it.
            routes = try RouteLoader.load(directory: routesDirectory, knownSinks: knownSinks,
                                          knownMappings: Set(files.map { String($0.dropLast(5)) }))
        } catch {
            problems.append(error.description)
        }
        // A mapping reads what its route's source gives it: HL7 v2 messages, or CDA documents.
        for route in routes {
            for case .map(let name) in route.steps {
                guard let plan = mappings[name], plan.source != (route.format == .cda ? .cda : .hl7v2) else { continue }
                problems.append("route \(route.name): mapping '\(name)' reads \(plan.source.rawValue), but the route's source is \(route.format.rawValue)")
            }
        }
        guard problems.isEmpty else { throw EngineSetupError(problems.joined(separator: "\n")) }
        guard !routes.isEmpty else { throw EngineSetupError("no route in \(routesDirectory)") }
        return RouteCatalog(routes: routes, mappings: mappings, terminology: terminology)
    }
}

/// Everything `passerelle run` builds from its configuration file: the catalog, the sinks
/// (sharing one producer and one platform HTTP client), the route handler and the engine.
public final class EngineAssembly: Sendable {
    public let settings: EngineSettings
    /// The routes in force; `reload` replaces them.
    public let handler: LiveRoutes
    public let metrics: EngineMetrics
    /// The configuration's journal, when it names one.
    public let journal: Journal?
    /// The librdkafka properties both clients share (brokers, TLS, SASL), for other clients of
    /// the same cluster (admin, tools).
    public let kafka: KafkaConfiguration
    /// The librdkafka properties of the producer and of the consumer.
    public let producerConfiguration: KafkaConfiguration
    public let consumerConfiguration: KafkaConfiguration
    private let producer: KafkaProducer
    private let platform: PlatformConnection?
    private let sinks: [String: any Sink]
    private let directory: PlatformDirectory?
    private let schema: XMLSchema?
    private let loaded: Mutex<RouteCatalog>

    /// Batches fill for up to 5 ms while the engine's pipelined lanes keep sends in flight, and
    /// are LZ4-compressed (every Kafka client reads it): rendered CDA shrinks several times, and
    /// the broker's work follows the bytes, 123 → 43–48 µs a message on `engine-load`
    /// (BENCHMARKS.md, sixth session). `compression.codec` in producer_properties overrides it.
    static let producerDefaults = ["linger.ms": "5", "compression.codec": "lz4"]
    /// Consumer defaults: librdkafka's own prefetch queue bounded (64 MB or 100,000 messages by
    /// default, most of the memory under a large backlog), and fetches that wait at most 10 ms
    /// for data (500 ms by default), since a broker may hold a fetch that long before answering.
    static let consumerDefaults = ["queued.max.messages.kbytes": "16384", "queued.min.messages": "10000", "fetch.wait.max.ms": "10"]

    public var catalog: RouteCatalog { loaded.withLock { $0 } }

    public init(settings: EngineSettings, metrics: EngineMetrics = EngineMetrics()) throws {
        self.settings = settings
        self.metrics = metrics
        let catalog = try Self.loadCatalog(settings)
        var kafka = KafkaConfiguration(bootstrapServers: settings.bootstrapServers, settings.kafkaProperties)
        kafka["client.id"] = kafka["client.id"] ?? "passerelle"
        self.kafka = kafka
        producerConfiguration = KafkaConfiguration(
            Self.producerDefaults.merging(kafka.properties) { _, own in own }.merging(settings.producerProperties) { _, own in own })
        consumerConfiguration = KafkaConfiguration(
            Self.consumerDefaults.merging(kafka.properties) { _, own in own }.merging(settings.consumerProperties) { _, own in own })
        let producer = try KafkaProducer(configuration: producerConfiguration)
        let needsPlatform = settings.platform.mpiURL != nil || settings.sinks.values.contains { sink in
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
        self.sinks = sinks
        directory = settings.platform.mpiURL.flatMap { mpi in
            platform?.directory(mpiURL: mpi, hpdURL: settings.platform.hpdURL ?? mpi)
        }
        do {
            schema = try settings.schemaPath.map { try XMLSchema(path: $0) }
        } catch {
            throw EngineSetupError("schema \(settings.schemaPath ?? ""): \(error)")
        }
        do {
            journal = try settings.journalPath.map { try Journal(path: $0) }
        } catch {
            throw EngineSetupError("journal \(settings.journalPath ?? ""): \(error)")
        }
        try Self.checkServices(of: catalog, directory: directory, schema: schema)
        loaded = Mutex(catalog)
        handler = LiveRoutes(RouteHandler(routes: catalog.routes, sinks: sinks, mappings: catalog.mappings,
                                          terminology: catalog.terminology, metrics: metrics, directory: directory, schema: schema,
                                          journal: journal, orderingKey: settings.orderingKey))
    }

    /// Routes that enrich need the MPI; said at start rather than at the first message. Schema
    /// checks without a schema are skipped, which is logged once here.
    private static func checkServices(of catalog: RouteCatalog, directory: PlatformDirectory?, schema: XMLSchema?,
                                      logger: Logger = Logger(label: "passerelle.engine")) throws(EngineSetupError) {
        let unchecked = catalog.routes.filter { route in
            route.steps.contains { if case .validateDocument(_, let severity) = $0 { severity != .off } else { false } }
        }.map(\.name)
        if schema == nil, !unchecked.isEmpty {
            logger.warning("no schema configured: CDA schema checks are skipped", metadata: ["routes": "\(unchecked.joined(separator: ","))"])
        }
        guard directory == nil else { return }
        let enriching = catalog.routes.filter { route in route.steps.contains { if case .enrich = $0 { true } else { false } } }.map(\.name)
        guard enriching.isEmpty else {
            throw EngineSetupError("route(s) \(enriching.joined(separator: ", ")) enrich from the MPI or HPD: set platform: mpi_url and hpd_url in the configuration")
        }
    }

    private static func loadCatalog(_ settings: EngineSettings) throws(EngineSetupError) -> RouteCatalog {
        try RouteCatalog.load(
            routesDirectory: settings.routesDirectory, mappingsDirectory: settings.mappingsDirectory,
            terminologyDirectory: settings.terminologyDirectory, knownSinks: Set(settings.sinks.keys))
    }

    /// Loads the routes, mappings and terminology again and, if they check, swaps them in for
    /// the messages that start from now on. On any error the routes in force stay.
    /// Sinks, topics and the rest of the configuration file need a restart.
    @discardableResult
    public func reload() throws(EngineSetupError) -> RouteCatalog {
        let catalog = try Self.loadCatalog(settings)
        try Self.checkServices(of: catalog, directory: directory, schema: schema)
        try handler.replace(with: RouteHandler(routes: catalog.routes, sinks: sinks, mappings: catalog.mappings,
                                               terminology: catalog.terminology, metrics: metrics, directory: directory, schema: schema,
                                               journal: journal, orderingKey: settings.orderingKey))
        loaded.withLock { $0 = catalog }
        return catalog
    }

    /// A consumer in the configured group, subscribed to the routes' topics, and the engine on it.
    public func makeEngine(logger: Logger = Logger(label: "passerelle.engine")) throws -> Engine {
        let configuration = EngineConfiguration(
            lanes: settings.lanes, pipelineDepth: settings.pipeline, deadLetterTopic: settings.deadLetterTopic,
            drainDeadline: .seconds(settings.drainDeadlineSeconds), threads: settings.threads)
        // Room for a second round of every lane's pipeline, so that lanes rarely wait for a fetch.
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, groupID: settings.group, topics: handler.topics,
                                         bufferCapacity: max(256, settings.lanes * settings.pipeline))
        return Engine(consumer: consumer, producer: producer, handler: handler, configuration: configuration,
                      metrics: metrics, journal: journal, logger: logger)
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
