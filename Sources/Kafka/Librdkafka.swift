import CRdkafka

/// The librdkafka this process is linked with, and the oldest one Passerelle accepts.
public enum Librdkafka {
    /// 2.2.0 fixed the skipping of tagged fields in protocol responses; older versions cannot even
    /// finish the ApiVersions handshake with brokers that send them (Tansu, recent Kafka).
    public static let minimumVersion = (major: 2, minor: 2)

    /// The version as librdkafka reports it, e.g. `2.8.0`.
    public static var version: String { String(cString: rd_kafka_version_str()) }

    /// librdkafka's packed version `0xMMmmrrxx`.
    public static var versionNumber: Int32 { rd_kafka_version() }

    public static func isSupported(versionNumber: Int32) -> Bool {
        let major = Int((versionNumber >> 24) & 0xff)
        let minor = Int((versionNumber >> 16) & 0xff)
        return (major, minor) >= minimumVersion
    }

    /// Throws a `.unsupportedLibrary` error that says why and how to fix it when the linked
    /// librdkafka is older than `minimumVersion`.
    public static func requireSupportedVersion(versionNumber: Int32 = rd_kafka_version(),
                                               versionString: String = version) throws {
        guard isSupported(versionNumber: versionNumber) else {
            throw KafkaError(
                kind: .unsupportedLibrary,
                message: """
                    librdkafka \(versionString) is too old: Passerelle needs librdkafka >= \
                    \(minimumVersion.major).\(minimumVersion.minor) because older versions mis-skip \
                    tagged fields and cannot complete the handshake with current brokers. Run \
                    deploy/setup, which builds librdkafka 2.8 into /usr/local on Debian 12, or install \
                    a newer librdkafka and make sure the dynamic linker finds it first (ldconfig -p | grep rdkafka).
                    """)
        }
    }
}
