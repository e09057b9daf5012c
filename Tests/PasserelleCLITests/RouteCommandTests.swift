import Foundation
import Testing

/// `passerelle check` on routes with mappings, and `passerelle test` on route fixtures (DESIGN.md §7).
@Suite struct RouteCommandTests {
    static let oru = "MSH|^~\\&|LAB|HRS|DSP|ESANTE|20261127101500+0100||ORU^R01|C1|P|2.5\rPID|1||P1^^^HRS^PI\rOBX|1|NM|2345-7^Glucose^LN||97.3|mg/dL\r"

    /// A project folder: Routes/ with one route, Mappings/ linked to the shipped mappings.
    private func project(route: String, config: String? = nil) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-routes-\(UUID())")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Routes"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("Mappings"),
                                                   withDestinationURL: MappingCommandTests.repository.appendingPathComponent("Mappings"))
        try route.write(to: root.appendingPathComponent("Routes/hrs-biology.yaml"), atomically: true, encoding: .utf8)
        if let config { try config.write(to: root.appendingPathComponent("passerelle.yaml"), atomically: true, encoding: .utf8) }
        return root
    }

    static let route = """
        route: hrs-biology
        source: { topic: hrs.lab.results, format: hl7v2 }
        match: { message_type: ORU^R01, sending_facility: HRS }
        steps:
          - validate: { loinc: required }
        to:
          - sink: dsp
        on_error: { reply: { topic: hrs.acks } }
        """

    private func fixture(_ root: URL, _ name: String, input: String, expected: String, files: [String: String] = [:]) throws {
        let folder = root.appendingPathComponent("Routes/tests/\(name)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try input.write(to: folder.appendingPathComponent("input.hl7"), atomically: true, encoding: .utf8)
        try expected.write(to: folder.appendingPathComponent("expected.yaml"), atomically: true, encoding: .utf8)
        for (file, text) in files { try text.write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8) }
    }

    @Test func checkLoadsRoutesWithTheirMappingsAndSinks() throws {
        let good = try project(route: Self.route.replacingOccurrences(of: "  - validate: { loinc: required }", with: "  - map: oru-to-xdlab\n  - render: cda"),
                               config: "kafka: { bootstrap_servers: x, group: g }\ndead_letter_topic: d\nroutes: Routes\nsinks: { dsp: { kafka: { topic: t } } }\n")
        defer { try? FileManager.default.removeItem(at: good) }
        let passed = try runPasserelle(["check", good.path])
        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
        #expect(passed.stderr.contains("1 routes") && passed.stderr.contains("0 errors"))

        let config = "kafka: { bootstrap_servers: x, group: g }\ndead_letter_topic: d\nroutes: Routes\nsinks: { dsp: { kafka: { topic: t } } }\n"
        let badMapping = try project(route: Self.route.replacingOccurrences(of: "  - validate: { loinc: required }", with: "  - map: oru-to-xdlb"),
                                     config: config)
        defer { try? FileManager.default.removeItem(at: badMapping) }
        let failed = try runPasserelle(["check", badMapping.path])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("Routes/hrs-biology.yaml:5:"), "\(failed.stdout)")
        #expect(failed.stdout.contains("did you mean 'oru-to-xdlab'?"))

        let badSink = try project(route: Self.route.replacingOccurrences(of: "sink: dsp", with: "sink: dps"), config: config)
        defer { try? FileManager.default.removeItem(at: badSink) }
        let unknown = try runPasserelle(["check", badSink.path])
        #expect(unknown.status == 1 && unknown.stdout.contains("did you mean 'dsp'?"), "\(unknown.stdout)")
        // Without a configuration, sink names are not checked.
        try FileManager.default.removeItem(at: badSink.appendingPathComponent("passerelle.yaml"))
        let unchecked = try runPasserelle(["check", badSink.path])
        #expect(unchecked.status == 0 && unchecked.stderr.contains("sink names not checked"), "\(unchecked.stdout)")
    }

    @Test func testRunsFixturesAndCountsThem() throws {
        let root = try project(route: Self.route)
        defer { try? FileManager.default.removeItem(at: root) }
        try fixture(root, "a-glucose", input: Self.oru, expected: "route: hrs-biology\ndeliver: { dsp: dsp.hl7 }\nreply: AA\n", files: ["dsp.hl7": Self.oru])
        try fixture(root, "b-bad-loinc", input: Self.oru.replacingOccurrences(of: "2345-7", with: "2345-8"),
                    expected: "route: hrs-biology\ndead_letter: { step: validate, reason: loinc.check-digit }\nreply: AE\n")
        let passed = try runPasserelle(["test", root.path])
        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
        #expect(passed.stdout == "PASS a-glucose\nPASS b-bad-loinc\n2 passed, 0 failed\n")

        try fixture(root, "c-wrong", input: Self.oru, expected: "route: hrs-biology\ndead_letter: { step: validate }\n")
        let failed = try runPasserelle(["test", root.path])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("FAIL c-wrong: delivered, expected a dead letter at validate\n"))
        #expect(failed.stdout.hasSuffix("2 passed, 1 failed\n"))
    }
}
