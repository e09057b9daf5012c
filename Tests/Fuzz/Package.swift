// swift-tools-version: 6.1
// libFuzzer targets, in their own package so that the main build and `swift test` never compile
// them. deploy/fuzz builds and runs them:
//   swift build --package-path Tests/Fuzz -c debug -Xswiftc -sanitize=fuzzer,address
// Each oracle is a symlink to the regression test that replays the crashes kept in Regressions/.
import PackageDescription

func fuzzer(_ name: String, _ library: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["LibFuzzerDriver", .product(name: library, package: "Passerelle")],
        swiftSettings: [.define("FUZZING")],
        // SwiftPM renames each Swift executable's entry point and defines `main` with --defsym;
        // -sanitize=fuzzer links libFuzzer's own `main` too, which gold refuses as a duplicate
        // while lld lets the --defsym win, so the fuzzers keep their main (see LibFuzzerDriver).
        linkerSettings: [.unsafeFlags(["-use-ld=lld"])])
}

let package = Package(
    name: "PasserelleFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Passerelle", path: "../..")],
    targets: [
        .target(name: "LibFuzzerDriver"),
        fuzzer("HL7v2Fuzzer", "HL7v2"),
        fuzzer("CDAFuzzer", "CDA"),
    ],
    swiftLanguageModes: [.v6]
)
