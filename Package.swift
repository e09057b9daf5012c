// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Passerelle",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "passerelle", targets: ["passerelle"]),
        .library(name: "Kafka", targets: ["Kafka"]),
        .library(name: "HL7v2", targets: ["HL7v2"]),
        .library(name: "CDA", targets: ["CDA"]),
        .library(name: "Terminology", targets: ["Terminology"]),
        .library(name: "Findings", targets: ["Findings"]),
        .library(name: "Mapping", targets: ["Mapping"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Sinks", targets: ["Sinks"]),
        .library(name: "Routing", targets: ["Routing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        // C libraries, found through pkg-config. librdkafka must be >= 2.2 (see deploy/setup).
        .systemLibrary(
            name: "CRdkafka", path: "Sources/CRdkafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),

        .target(
            name: "Kafka",
            dependencies: ["CRdkafka", .product(name: "Logging", package: "swift-log")]),
        // Leaf modules: codecs and terminology know nothing of Kafka or HTTP.
        .target(name: "Findings"),
        .target(name: "HL7v2"),
        .target(name: "CDA", dependencies: ["CLibXML2", "Findings"]),
        .target(name: "Terminology", dependencies: ["Findings"]),
        // Mapping knows the codecs and terminology; Engine and the executable know Mapping.
        .target(
            name: "Mapping",
            dependencies: ["HL7v2", "CDA", "Terminology", "Findings", .product(name: "Yams", package: "Yams"),
                           .product(name: "Crypto", package: "swift-crypto")]),
        // The runtime: consumes, runs handlers in keyed lanes, retries, dead-letters, commits.
        .target(
            name: "Engine",
            dependencies: [
                "Kafka", "Routing", "Sinks", "HL7v2", "CDA", "Findings", "Journal", "Terminology", "Mapping", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]),
        // Route files: model, loader with file:line errors, matcher, validation step.
        .target(
            name: "Routing",
            dependencies: ["HL7v2", "Terminology", "Findings", .product(name: "Yams", package: "Yams")]),
        // The message journal and audit trail: what happened to each message, never its content.
        .target(name: "Journal", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // Destinations: Kafka topics, folders, the national platform's services.
        .target(
            name: "Sinks",
            dependencies: [
                "Kafka", "CDA",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The national platform's services, locally: XDS.b submissions, ePrescription, MPI/HPD.
        .target(
            name: "PlatformSim",
            dependencies: [
                "CDA",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "passerelle",
            dependencies: [
                "Kafka", "HL7v2", "CDA", "Terminology", "Findings", "Engine", "Routing", "Sinks", "Mapping", "PlatformSim", "Journal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),

        // The Tansu broker that deploy/test starts, for every test target that needs Kafka.
        .target(name: "KafkaTestSupport", dependencies: ["Kafka"], path: "Tests/KafkaTestSupport"),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "KafkaTestSupport"]),
        .testTarget(
            name: "EngineTests",
            dependencies: ["Engine", "Kafka", "KafkaTestSupport", "Routing", "Sinks", "HL7v2", .product(name: "MetricsTestKit", package: "swift-metrics")]),
        .testTarget(name: "JournalTests", dependencies: ["Journal"]),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "HL7v2", "Terminology"]),
        .testTarget(name: "SinksTests", dependencies: ["Sinks", "Kafka", "KafkaTestSupport", "CDA"]),
        .testTarget(name: "HL7v2Tests", dependencies: ["HL7v2"]),
        .testTarget(name: "CDATests", dependencies: ["CDA"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TerminologyTests", dependencies: ["Terminology"]),
        .testTarget(name: "MappingTests", dependencies: ["Mapping", "HL7v2", "CDA", "Findings"]),
        .testTarget(name: "PasserelleCLITests", dependencies: ["passerelle", "Kafka", "KafkaTestSupport"]),
        // The shipped flows end to end: broker, engine, sinks and the platform stand-in.
        .testTarget(name: "FlowTests", dependencies: ["Engine", "Routing", "Sinks", "HL7v2", "Journal", "PlatformSim", "Kafka", "KafkaTestSupport"]),
        .testTarget(
            name: "PlatformSimTests",
            dependencies: [
                "PlatformSim", "Sinks", "CDA",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
