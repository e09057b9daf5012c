import Foundation

/// The engine's configuration file: brokers, group, librdkafka properties (TLS, SASL), the
/// dead-letter topic, concurrency, sinks, and where routes, mappings and terminology live.
/// `${NAME}` is replaced by the environment variable NAME, so secrets stay out of the file.
public struct EngineSettings: Sendable, Hashable {
    public enum SinkSettings: Sendable, Hashable {
        case kafka(topic: String)
        case file(directory: String)
    }

    public var bootstrapServers: String
    public var group: String
    /// Passed to librdkafka unchanged.
    public var kafkaProperties: [String: String]
    public var deadLetterTopic: String
    public var lanes: Int
    public var drainDeadlineSeconds: Int
    /// Absolute paths, resolved against the configuration file's folder.
    public var routesDirectory: String
    public var mappingsDirectory: String
    public var terminologyDirectory: String?
    public var sinks: [String: SinkSettings]

    static let topKeys = ["kafka", "dead_letter_topic", "lanes", "drain_deadline_seconds", "routes", "mappings", "terminology", "sinks"]

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
        let kafka = try kafkaNode.mapping(allowed: ["bootstrap_servers", "group", "properties"], context: "kafka")
        var properties: [String: String] = [:]
        for (key, value) in try kafka["properties"]?.entries(context: "properties") ?? [] {
            properties[key] = try value.string(key)
        }
        var sinks: [String: SinkSettings] = [:]
        let sinksNode = try keys.required("sinks", in: root, context: "the configuration")
        for (name, node) in try sinksNode.entries(context: "sinks") {
            let kinds = try node.mapping(allowed: ["kafka", "file"], context: "sink '\(name)'")
            guard kinds.count == 1 else { throw node.problem("a sink is exactly one of 'kafka' or 'file'", key: name) }
            if let kafkaSink = kinds["kafka"] {
                let entries = try kafkaSink.mapping(allowed: ["topic"], context: "kafka sink")
                sinks[name] = .kafka(topic: try entries.required("topic", in: kafkaSink, context: "a kafka sink").string("topic"))
            } else if let fileSink = kinds["file"] {
                let entries = try fileSink.mapping(allowed: ["directory"], context: "file sink")
                sinks[name] = .file(directory: try path(try entries.required("directory", in: fileSink, context: "a file sink"), "directory"))
            }
        }
        return EngineSettings(
            bootstrapServers: try kafka.required("bootstrap_servers", in: kafkaNode, context: "kafka").string("bootstrap_servers"),
            group: try kafka.required("group", in: kafkaNode, context: "kafka").string("group"),
            kafkaProperties: properties,
            deadLetterTopic: try keys.required("dead_letter_topic", in: root, context: "the configuration").string("dead_letter_topic"),
            lanes: try keys["lanes"]?.int("lanes", in: 1...1024) ?? 8,
            drainDeadlineSeconds: try keys["drain_deadline_seconds"]?.int("drain_deadline_seconds", in: 1...3600) ?? 30,
            routesDirectory: try path(try keys.required("routes", in: root, context: "the configuration"), "routes"),
            mappingsDirectory: try keys["mappings"].map { node throws(FileProblem) in try path(node, "mappings") } ?? base.appendingPathComponent("Mappings").path,
            terminologyDirectory: try keys["terminology"].map { node throws(FileProblem) in try path(node, "terminology") },
            sinks: sinks)
    }

    /// Replaces `${NAME}`; an unset variable is an error naming it and its line.
    static func substitute(_ text: String, environment: [String: String], file: String) throws(FileProblem) -> String {
        var output = ""
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { output += "\n" }
            var rest = Substring(line)
            while let open = rest.range(of: "${") {
                guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
                let name = String(rest[open.upperBound..<close])
                guard let value = environment[name] else {
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
