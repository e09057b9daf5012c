import Benchmark
import Foundation
import HL7v2
import Mapping

// Issue 6's mapping workloads: the reference ORU^R01 (10 OBX) through the shipped mapping to XD-LAB
// CDA bytes, and loading + compiling every shipped mapping, as `passerelle check Mappings` does.

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let mappings = repository.appendingPathComponent("Mappings")
private let oru = Array(try! Data(contentsOf: repository.appendingPathComponent("Benchmarks/Fixtures/oru_r01_10obx.hl7")))
private let oruToXDLab = try! MappingPlan.load(contentsOf: mappings.appendingPathComponent("oru-to-xdlab.yaml"))

private let shippedMappings: [URL] = try! FileManager.default.contentsOfDirectory(at: mappings, includingPropertiesForKeys: nil)
    .filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .instructions, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .kilo, maxDuration: .seconds(5), maxIterations: 1_000)

    Benchmark("ORU^R01 10 OBX: parse + map + XD-LAB CDA bytes") { benchmark in
        for _ in benchmark.scaledIterations {
            let message = try HL7Message(oru)
            blackHole(try oruToXDLab.map(message).value.rendered(as: .cda))
        }
    }

    Benchmark("ORU^R01 10 OBX: map only (parsed message)") { benchmark in
        let message = try HL7Message(oru)
        for _ in benchmark.scaledIterations {
            blackHole(try oruToXDLab.map(message))
        }
    }

    Benchmark("load + compile all shipped mappings",
              configuration: .init(scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 100)) { benchmark in
        for _ in benchmark.scaledIterations {
            for url in shippedMappings { blackHole(try MappingPlan.load(contentsOf: url)) }
        }
    }
}
