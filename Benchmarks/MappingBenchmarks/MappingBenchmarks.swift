import Benchmark
import Foundation
import HL7v2
import Mapping
import Routing
import Terminology

// Issue 6's mapping workloads: the reference ORU^R01 (10 OBX) through the shipped mapping to XD-LAB
// CDA bytes, and loading + compiling every shipped mapping, as `passerelle check Mappings` does.

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let mappings = repository.appendingPathComponent("Mappings")
private let oru = Array(try! Data(contentsOf: repository.appendingPathComponent("Benchmarks/Fixtures/oru_r01_10obx.hl7")))
private let oruToXDLab = try! MappingPlan.load(contentsOf: mappings.appendingPathComponent("oru-to-xdlab.yaml"))

// The route's `validate` step as the engine runs it before mapping: each OBX's LOINC code looked up
// (its status) and its unit checked against the code's expected units. The table holds the
// fixture's ten codes with the units the laboratory reports, the path of a valid message.
private let codeValidation = ObservationValidation(loinc: .required, units: .warn)
private let fixtureLOINC = LOINCTable(entries: [
    ("2345-7", "Glucose", "mmol/L"), ("2160-0", "Creatinine", "umol/L"), ("3094-0", "Urea nitrogen", "mmol/L"),
    ("2951-2", "Sodium", "mmol/L"), ("2823-3", "Potassium", "mmol/L"), ("2075-0", "Chloride", "mmol/L"),
    ("2028-9", "Carbon dioxide", "mmol/L"), ("17861-6", "Calcium", "mmol/L"), ("1751-7", "Albumin", "g/L"),
    ("1920-8", "Aspartate aminotransferase", "U/L"),
].map { code, component, unit in
    LOINCEntry(code: LOINCCode(code)!, component: component, property: "SCnc", timeAspect: "Pt", system: "Ser/Plas",
               scale: "Qn", loincClass: "CHEM", classType: 1, status: .active, exampleUCUMUnits: unit,
               longCommonName: "\(component) [Moles/volume] in Serum or Plasma")
})

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

    Benchmark("ORU^R01 10 OBX: parse + validate codes + map + XD-LAB CDA bytes") { benchmark in
        for _ in benchmark.scaledIterations {
            let message = try HL7Message(oru)
            let outcome = codeValidation.check(message, table: fixtureLOINC)
            precondition(outcome.rejecting.isEmpty && outcome.reported.isEmpty, "the fixture's codes are valid")
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
