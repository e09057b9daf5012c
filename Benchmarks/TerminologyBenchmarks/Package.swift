// swift-tools-version: 6.1
import PackageDescription

// A separate package so that measuring needs no change to the main one, and runs in release:
//   swift run -c release --package-path Benchmarks/TerminologyBenchmarks
let package = Package(
    name: "TerminologyBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Passerelle", path: "../..")],
    targets: [
        .executableTarget(
            name: "TerminologyBenchmarks",
            dependencies: [.product(name: "Terminology", package: "Passerelle"),
                           .product(name: "Findings", package: "Passerelle")]),
    ],
    swiftLanguageModes: [.v6]
)
