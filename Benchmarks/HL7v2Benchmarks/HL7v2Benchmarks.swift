import Benchmark
import Foundation
import HL7v2

/// The reference message: an ORU^R01 with 10 OBX (Benchmarks/Fixtures).
private let oru: [UInt8] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/oru_r01_10obx.hl7")
    return Array(try! Data(contentsOf: url))
}()

private let readPaths: [HL7Path] = [
    "MSH-9.1", "MSH-9.2", "MSH-10", "MSH-4", "PID-3.1", "PID-3[2].1", "PID-3[2].4.1", "PID-5.1", "PID-5.2", "PID-7",
    "PID-8", "OBR-4.1", "OBR-7", "OBX[1]-3.1", "OBX[1]-5", "OBX[1]-6.1", "OBX[5]-3.1", "OBX[5]-5", "OBX[5]-8", "OBX[10]-5",
].map { try! HL7Path($0) }

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .instructions, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .kilo, maxDuration: .seconds(5), maxIterations: 1_000)

    Benchmark("parse ORU^R01 10 OBX (\(oru.count) bytes)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try HL7Message(oru))
        }
    }

    Benchmark("parse + read 20 fields + serialize") { benchmark in
        for _ in benchmark.scaledIterations {
            let message = try HL7Message(oru)
            for path in readPaths { blackHole(message.value(at: path)) }
            blackHole(message.serialize())
        }
    }

    Benchmark("index bytes held per message", configuration: .init(metrics: [.custom("index bytes per message byte (x1000)")], maxIterations: 1)) { benchmark in
        let message = try HL7Message(oru)
        benchmark.measurement(.custom("index bytes per message byte (x1000)"), message.indexByteCount * 1000 / oru.count)
    }
}
