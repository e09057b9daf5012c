import CRdkafka

/// librdkafka properties (`bootstrap.servers`, `security.protocol`, `ssl.*`, `sasl.*`, …), passed
/// through unchanged so that TLS and SASL are plain configuration.
public struct KafkaConfiguration: Sendable, Equatable {
    public var properties: [String: String]

    public init(_ properties: [String: String] = [:]) {
        self.properties = properties
    }

    public init(bootstrapServers: String, _ properties: [String: String] = [:]) {
        self.properties = properties
        self.properties["bootstrap.servers"] = bootstrapServers
    }

    public subscript(key: String) -> String? {
        get { properties[key] }
        set { properties[key] = newValue }
    }

    /// Builds a native configuration; the caller owns the result until it hands it to `rd_kafka_new`.
    func makeNative(overriding overrides: [String: String] = [:]) throws -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        let merged = properties.merging(overrides) { _, forced in forced }
        // Sorted so that the first error reported does not depend on dictionary order.
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            var errstr = [CChar](repeating: 0, count: 512)
            let result = rd_kafka_conf_set(conf, key, value, &errstr, errstr.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let reason = string(fromErrorBuffer: errstr)
                throw KafkaError(kind: .configuration, message: "Kafka configuration property '\(key)': \(reason)")
            }
        }
        rd_kafka_conf_set_log_cb(conf, librdkafkaLogCallback)
        return conf
    }
}

/// Creates a client from `conf`, which it consumes whether or not creation succeeds.
func makeClient(type: rd_kafka_type_t, conf: OpaquePointer) throws -> OpaquePointer {
    var errstr = [CChar](repeating: 0, count: 512)
    guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
        rd_kafka_conf_destroy(conf)
        let reason = string(fromErrorBuffer: errstr)
        throw KafkaError(kind: .configuration, message: "cannot create Kafka client: \(reason)")
    }
    return handle
}

/// The text librdkafka wrote into a NUL-terminated error buffer.
func string(fromErrorBuffer buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
