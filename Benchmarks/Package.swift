// swift-tools-version: 6.1
// Benchmarks live in their own package so that the main build and CI do not compile the
// benchmark harness. Run: cd Benchmarks && swift package benchmark
import PackageDescription

let package = Package(
    name: "PasserelleBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Passerelle", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HL7v2Benchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HL7v2", package: "Passerelle"),
            ],
            path: "HL7v2Benchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "CDABenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CDA", package: "Passerelle"),
            ],
            path: "CDABenchmarks",
            exclude: ["Fixtures"],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "MappingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HL7v2", package: "Passerelle"),
                .product(name: "Mapping", package: "Passerelle"),
                .product(name: "Routing", package: "Passerelle"),
                .product(name: "Terminology", package: "Passerelle"),
            ],
            path: "MappingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ],
    swiftLanguageModes: [.v6]
)
