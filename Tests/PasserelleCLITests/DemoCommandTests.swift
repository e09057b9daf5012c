import Foundation
import KafkaTestSupport
import Testing

/// `passerelle demo` as deploy/demo runs it: the stand-in, the engine on the shipped Routes/ and
/// Mappings/, every sample of deploy/demo-samples; exit 0 only when each ends as its manifest says.
/// It uses the shipped routes' fixed topics, so it needs a broker where they are empty (deploy/test
/// starts a fresh one).
@Suite struct DemoCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theShippedFlowsEndAsTheSamplesSay() throws {
        let root = Self.root
        var arguments = ["demo", "--brokers", try TestBroker.address,
                         "--config", root.appendingPathComponent("passerelle.yaml").path,
                         "--samples", root.appendingPathComponent("deploy/demo-samples").path,
                         "--seed", root.appendingPathComponent("deploy/platform-sim/seed.json").path, "--timeout", "90"]
        let schema = root.appendingPathComponent("../shared/corpus/hl7-cda-core-2.0/schema/normative/infrastructure/cda/CDA.xsd")
        if FileManager.default.fileExists(atPath: schema.path) {
            arguments += ["--schema", schema.path]
        } else {
            print("DemoCommandTests: no CDA schema at \(schema.path); the stand-in does not schema-check the documents")
        }
        let result = try runPasserelle(arguments)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr.suffix(3000))")
        #expect(result.stdout.contains("demo outcome: as expected"))
        #expect(!result.stdout.contains("UNEXPECTED"))
        // Every shipped route took part, and the bad samples were dead-lettered where meant.
        for route in ["hrs-biology", "lab-batches", "chl-emergency", "hrs-imaging", "eprescription-omp", "eprescription-rde"] {
            #expect(result.stdout.contains("route \(route): received"), "\(route)")
        }
        #expect(result.stdout.contains("dead-lettered at sink:dsp: registry failure: XDSUnknownPatientId"))
    }

    @Test func theShippedRoutesCheckAndTheirFixturesPass() throws {
        let check = try runPasserelle(["check", Self.root.path])
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
        let fixtures = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Routes/tests").path)
        let result = try runPasserelle(["test", Self.root.path])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr.suffix(2000))")
        #expect(result.stdout.split(separator: "\n").filter { $0.hasPrefix("PASS ") }.count == fixtures.count)
        #expect(result.stdout.contains("\(fixtures.count) passed, 0 failed"))
    }
}
