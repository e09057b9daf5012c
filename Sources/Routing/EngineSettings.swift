import Foundation
import HL7v2

/// The engine's configuration file: brokers, group, librdkafka properties (TLS, SASL), the
/// dead-letter topic, concurrency, sinks, and where routes, mappings and terminology live.
/// `${NAME}` is replaced by the environment variable NAME, so secrets stay out of the file.
public struct EngineSettings: Sendable, Hashable {
    public enum SinkSettings: Sendable, Hashable {
        case kafka(topic: String)
        case file(directory: String)
        /// An IHE XDS.b repository of the platform (DSP, CRE, RCP): its Provide-and-Register
        /// endpoint and what the sending institution declares once for every document.
        case xds(XDSSettings)
        /// The ePrescription server's FHIR base.
        case ePrescription(baseURL: String)
    }

    public struct XDSSettings: Sendable, Hashable {
        public var endpoint: String
        /// The sending system's OID (SubmissionSet sourceId).
        public var sourceId: String
        /// `code^codingScheme` pairs.
        public var healthcareFacilityType: String
        public var practiceSetting: String
    }

    /// How the platform sinks reach the platform: timeouts, pool size, mutual TLS.
    public struct PlatformSettings: Sendable, Hashable {
        public var connectTimeoutMilliseconds = 5_000
        public var requestTimeoutMilliseconds = 30_000
        public var maxConnectionsPerHost = 8
        /// PEM files; all nil for plain HTTP (the local stand-in).
        public var certificateChain: String?
        public var privateKey: String?
        public var trustRoots: String?
        /// FHIR bases of the MPI and HPD, for `enrich` steps.
        public var mpiURL: String?
        public var hpdURL: String?

        public init() {}
    }

    public var bootstrapServers: String
    public var group: String
    /// Passed to librdkafka unchanged, for the producer and the consumer alike.
    public var kafkaProperties: [String: String]
    /// Only for the producer, or only for the consumer (librdkafka warns about the other's).
    public var producerProperties: [String: String] = [:]
    public var consumerProperties: [String: String] = [:]
    public var deadLetterTopic: String
    public var lanes: Int
    /// Messages per lane handed to sinks and awaiting acknowledgement (EngineConfiguration.pipelineDepth).
    public var pipeline: Int = 64
    /// The engine's own threads (EngineConfiguration.threads); nil: half the machine's cores.
    public var threads: Int?
    /// The XSD CDA sources are validated against (`validate: { schema: … }`), e.g. CDA.xsd.
    public var schemaPath: String?
    /// The journal's SQLite file (delivery receipts, retries, dead letters); none when nil.
    public var journalPath: String?
    public var drainDeadlineSeconds: Int
    /// How often `passerelle run` looks for edited routes, mappings and terminology; 0: only SIGHUP reloads.
    public var watchIntervalMilliseconds = 2_000
    /// Absolute paths, resolved against the configuration file's folder.
    public var routesDirectory: String
    public var mappingsDirectory: String
    public var terminologyDirectory: String?
    public var sinks: [String: SinkSettings]
    public var platform: PlatformSettings
    /// Where `passerelle run` serves its metrics (`GET /metrics`, Prometheus text); none when nil.
    public var metricsListen: ListenAddress?

    /// What keeps messages in order: those with the same value are processed one after the other.
    public enum OrderingKey: Sendable, Hashable {
        /// HL7 v2: the patient's first identifier (PID-3, first repetition); the Kafka key when
        /// there is none, and for batches and CDA documents.
        case patient
        case kafkaKey
        /// HL7 v2: the value at this path (e.g. `PV1-19`, the visit); the Kafka key when empty.
        case path(HL7Path)
    }

    public var orderingKey: OrderingKey = .patient

    public struct ListenAddress: Sendable, Hashable {
        public var host: String
        /// 0: any free port.
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    static let topKeys = ["kafka", "dead_letter_topic", "lanes", "pipeline", "threads", "ordering_key", "drain_deadline_seconds", "watch_interval_ms", "routes", "mappings", "terminology",
                          "schema", "journal", "sinks", "platform", "metrics"]
    static let sinkKinds = ["kafka", "file", "xds", "eprescription"]

    public static func load(file: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(FileProblem) -> EngineSettings {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw FileProblem(file: file, line: 1, column: 1, message: "cannot read the configuration file")
        }
        let text = try substitute(String(decoding: data, as: UTF8.self), environment: environment, file: file)
        let root = try YAMLNode.parse(text, file: file)
        let keys = try root.mapping(allowed: topKeys, context: "the configuration")
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        func path(_ node: YAMLNode, _ key: String) throws(FileProblem) -> String {
            let value = try node.string(key)
            return value.hasPrefix("/") ? value : base.appendingPathComponent(value).standardizedFileURL.path
        }

        let kafkaNode = try keys.required("kafka", in: root, context: "the configuration")
        let kafka = try kafkaNode.mapping(
            allowed: ["bootstrap_servers", "group", "properties", "producer_properties", "consumer_properties"], context: "kafka")
        func properties(_ key: String) throws(FileProblem) -> [String: String] {
            var properties: [String: String] = [:]
            for (name, value) in try kafka[key]?.entries(context: key) ?? [] {
                properties[name] = try value.string(name)
            }
            return properties
        }
        var sinks: [String: SinkSettings] = [:]
        let sinksNode = try keys.required("sinks", in: root, context: "the configuration")
        for (name, node) in try sinksNode.entries(context: "sinks") {
            sinks[name] = try sink(named: name, node, path: path)
        }
        var platform = PlatformSettings()
        if let platformNode = keys["platform"] {
            let entries = try platformNode.mapping(
                allowed: ["connect_timeout_ms", "request_timeout_ms", "max_connections_per_host", "mpi_url", "hpd_url", "tls"],
                context: "platform")
            platform.mpiURL = try entries["mpi_url"].map { node throws(FileProblem) in try url(node) }
            platform.hpdURL = try entries["hpd_url"].map { node throws(FileProblem) in try url(node) }
            platform.connectTimeoutMilliseconds = try entries["connect_timeout_ms"]?.int("connect_timeout_ms", in: 1...600_000) ?? 5_000
            platform.requestTimeoutMilliseconds = try entries["request_timeout_ms"]?.int("request_timeout_ms", in: 1...3_600_000) ?? 30_000
            platform.maxConnectionsPerHost = try entries["max_connections_per_host"]?.int("max_connections_per_host", in: 1...1024) ?? 8
            if let tlsNode = entries["tls"] {
                let tls = try tlsNode.mapping(allowed: ["certificate_chain", "private_key", "trust_roots"], context: "platform tls")
                platform.certificateChain = try path(try tls.required("certificate_chain", in: tlsNode, context: "platform tls"), "certificate_chain")
                platform.privateKey = try path(try tls.required("private_key", in: tlsNode, context: "platform tls"), "private_key")
                platform.trustRoots = try tls["trust_roots"].map { node throws(FileProblem) in try path(node, "trust_roots") }
            }
        }
        var settings = EngineSettings(
            bootstrapServers: try kafka.required("bootstrap_servers", in: kafkaNode, context: "kafka").string("bootstrap_servers"),
            group: try kafka.required("group", in: kafkaNode, context: "kafka").string("group"),
            kafkaProperties: try properties("properties"),
            deadLetterTopic: try keys.required("dead_letter_topic", in: root, context: "the configuration").string("dead_letter_topic"),
            lanes: try keys["lanes"]?.int("lanes", in: 1...1024) ?? 8,
            drainDeadlineSeconds: try keys["drain_deadline_seconds"]?.int("drain_deadline_seconds", in: 1...3600) ?? 30,
            routesDirectory: try path(try keys.required("routes", in: root, context: "the configuration"), "routes"),
            mappingsDirectory: try keys["mappings"].map { node throws(FileProblem) in try path(node, "mappings") } ?? base.appendingPathComponent("Mappings").path,
            terminologyDirectory: try keys["terminology"].map { node throws(FileProblem) in try path(node, "terminology") },
            sinks: sinks, platform: platform)
        settings.producerProperties = try properties("producer_properties")
        settings.consumerProperties = try properties("consumer_properties")
        settings.pipeline = try keys["pipeline"]?.int("pipeline", in: 1...10_000) ?? 64
        settings.threads = try keys["threads"]?.int("threads", in: 1...256)
        settings.orderingKey = try keys["ordering_key"].map { node throws(FileProblem) in try orderingKey(node) } ?? .patient
        settings.watchIntervalMilliseconds = try keys["watch_interval_ms"]?.int("watch_interval_ms", in: 0...3_600_000) ?? 2_000
        settings.schemaPath = try keys["schema"].map { node throws(FileProblem) in try path(node, "schema") }
        settings.journalPath = try keys["journal"].map { node throws(FileProblem) in try path(node, "journal") }
        if let metricsNode = keys["metrics"] {
            let metrics = try metricsNode.mapping(allowed: ["listen"], context: "metrics")
            settings.metricsListen = try listenAddress(try metrics.required("listen", in: metricsNode, context: "metrics"))
        }
        return settings
    }

    private static func sink(named name: String, _ node: YAMLNode,
                             path: (YAMLNode, String) throws(FileProblem) -> String) throws(FileProblem) -> SinkSettings {
        let kinds = try node.mapping(allowed: sinkKinds, context: "sink '\(name)'")
        guard kinds.count == 1, let (kind, body) = kinds.first else {
            throw node.problem("a sink is exactly one of \(sinkKinds.map { "'\($0)'" }.joined(separator: ", "))", key: name)
        }
        switch kind {
        case "kafka":
            let entries = try body.mapping(allowed: ["topic"], context: "kafka sink")
            return .kafka(topic: try entries.required("topic", in: body, context: "a kafka sink").string("topic"))
        case "file":
            let entries = try body.mapping(allowed: ["directory"], context: "file sink")
            return .file(directory: try path(try entries.required("directory", in: body, context: "a file sink"), "directory"))
        case "xds":
            let entries = try body.mapping(allowed: ["endpoint", "source_id", "healthcare_facility_type", "practice_setting"],
                                           context: "xds sink")
            func node(_ key: String) throws(FileProblem) -> YAMLNode { try entries.required(key, in: body, context: "an xds sink") }
            let settings = XDSSettings(
                endpoint: try url(node("endpoint")), sourceId: try node("source_id").string("source_id"),
                healthcareFacilityType: try coded(node("healthcare_facility_type")), practiceSetting: try coded(node("practice_setting")))
            return .xds(settings)
        default:
            let entries = try body.mapping(allowed: ["base_url"], context: "eprescription sink")
            return .ePrescription(baseURL: try url(try entries.required("base_url", in: body, context: "an eprescription sink")))
        }
    }

    private static func url(_ node: YAMLNode) throws(FileProblem) -> String {
        let text = try node.string("address")
        guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
            throw node.problem("must be an http:// or https:// address")
        }
        return text
    }

    /// `patient`, `kafka_key` or an HL7 path.
    private static func orderingKey(_ node: YAMLNode) throws(FileProblem) -> OrderingKey {
        let text = try node.string("ordering_key")
        switch text {
        case "patient": return .patient
        case "kafka_key": return .kafkaKey
        default:
            do { return .path(try HL7Path(text)) } catch {
                throw node.problem("must be patient, kafka_key or an HL7 path such as PV1-19 (\(error.reason))", key: "ordering_key")
            }
        }
    }

    /// `host:port`, e.g. `127.0.0.1:9464`.
    private static func listenAddress(_ node: YAMLNode) throws(FileProblem) -> ListenAddress {
        let text = try node.string("listen")
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
              let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw node.problem("must be host:port, e.g. 127.0.0.1:9464", key: "listen")
        }
        return ListenAddress(host: String(text[..<colon]), port: port)
    }

    private static func coded(_ node: YAMLNode) throws(FileProblem) -> String {
        let text = try node.string("code")
        let parts = text.split(separator: "^", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw node.problem("must be 'code^codingScheme'") }
        return text
    }

    /// Replaces `${NAME}` and `${NAME:-default}`; an unset variable without a default is an error
    /// naming it and its line.
    static func substitute(_ text: String, environment: [String: String], file: String) throws(FileProblem) -> String {
        var output = ""
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { output += "\n" }
            var rest = Substring(line)
            while let open = rest.range(of: "${") {
                guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
                // `${NAME:-default}`: the default when NAME is unset, as in the shell.
                let reference = rest[open.upperBound..<close]
                let fallback = reference.range(of: ":-")
                let name = String(fallback.map { reference[..<$0.lowerBound] } ?? reference)
                guard let value = environment[name] ?? fallback.map({ String(reference[$0.upperBound...]) }) else {
                    throw FileProblem(file: file, line: index + 1, column: line.distance(from: line.startIndex, to: open.lowerBound) + 1,
                                      key: name, message: "environment variable is not set")
                }
                output += rest[..<open.lowerBound] + value
                rest = rest[rest.index(after: close)...]
            }
            output += rest
        }
        return output
    }
}
