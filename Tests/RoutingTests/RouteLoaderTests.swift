import Foundation
import HL7v2
@testable import Routing
import Testing

@Suite struct RouteLoaderTests {
    static let biology = """
        route: hrs-biology
        source: { topic: hrs.lab.results, format: hl7v2 }
        match: { message_type: ORU^R01, sending_facility: HRS }
        steps:
          - validate: { loinc: required, units: warn }
        to:
          - sink: dsp
            document_type: DT-00002
        on_error: { retry: { attempts: 3, backoff: 100ms..5s }, then: dead-letter }
        """

    private func parse(_ text: String) throws(FileProblem) -> Route {
        try RouteLoader.parse(text, file: "Routes/test.yaml", knownSinks: ["dsp", "archive"], knownMappings: ["oru-to-xdlab"])
    }

    @Test func aCompleteRoute() throws {
        let route = try parse(Self.biology)
        #expect(route.name == "hrs-biology")
        #expect(route.topic == "hrs.lab.results")
        #expect(route.format == .hl7v2)
        #expect(route.match == Route.Match(messageType: "ORU^R01", sendingFacility: "HRS"))
        #expect(route.steps == [.validate(loinc: .required, units: .warn)])
        #expect(route.destinations == [Route.Destination(sink: "dsp", parameters: ["document_type": "DT-00002"])])
        #expect(route.onError == Route.ErrorPolicy(attempts: 3, initialBackoffMilliseconds: 100, maxBackoffMilliseconds: 5000))
    }

    @Test(arguments: [
        ("rout: x", 1, "rout", "did you mean 'route'?"),
        (biology.replacingOccurrences(of: "sink: dsp", with: "sink: dps"), 7, "sink", "did you mean 'dsp'?"),
        (biology.replacingOccurrences(of: "format: hl7v2", with: "format: hl7"), 2, "format", "'hl7' is not one of"),
        (biology.replacingOccurrences(of: "units: warn", with: "units: maybe"), 5, "units", "not one of required, warn, off"),
        (biology.replacingOccurrences(of: "100ms..5s", with: "fast"), 9, "backoff", "200ms..30s"),
        (biology.replacingOccurrences(of: "validate:", with: "map: oru-to-xdlb\n    validate:"), 5, nil, "a step is exactly one"),
        (biology.replacingOccurrences(of: "  - validate: { loinc: required, units: warn }", with: "  - map: oru-to-xdlb"), 5, "map", "did you mean 'oru-to-xdlab'?"),
        (biology.replacingOccurrences(of: "match:", with: "matches:"), 3, "matches", "did you mean 'match'?"),
        (biology.replacingOccurrences(of: "  - validate: { loinc: required, units: warn }", with: "  - render: cda"), 5, "render", "needs a 'map' step before it"),
        (biology.replacingOccurrences(of: "  - validate: { loinc: required, units: warn }", with: "  - map: oru-to-xdlab\n  - render: pdf"), 6, "render", "'pdf' is not one of cda, fhir, json"),
        ("route: x\nsource: [", 3, nil, "not valid YAML"),  // libyaml reports the end of the input
    ] as [(String, Int, String?, String)])
    func errorsNameTheLineAndKey(text: String, line: Int, key: String?, message: String) {
        do {
            _ = try parse(text)
            Issue.record("loaded: \(text)")
        } catch {
            #expect(error.file == "Routes/test.yaml")
            #expect(error.line == line, "\(error)")
            #expect(error.key == key, "\(error)")
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test func routesThatCanClaimTheSameMessageAreRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("routes-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.biology.write(to: directory.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        let broader = Self.biology.replacingOccurrences(of: "hrs-biology", with: "all-oru")
            .replacingOccurrences(of: "message_type: ORU^R01, sending_facility: HRS", with: "message_type: ORU")
        try broader.write(to: directory.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        let exclusive = Self.biology.replacingOccurrences(of: "hrs-biology", with: "chl-biology")
            .replacingOccurrences(of: "sending_facility: HRS", with: "sending_facility: CHL")
        try exclusive.write(to: directory.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
        do {
            _ = try RouteLoader.load(directory: directory.path, knownSinks: ["dsp"], knownMappings: [])
            Issue.record("overlapping routes loaded")
        } catch {
            // b (every ORU) overlaps both a (HRS) and c (CHL); a and c exclude each other.
            #expect(error.problems.count == 2, "\(error)")
            #expect(error.description.contains("'all-oru' can claim the same messages as route 'hrs-biology'"), "\(error)")
            #expect(error.description.contains("'chl-biology' can claim the same messages as route 'all-oru'"), "\(error)")
            #expect(!error.description.contains("'chl-biology' can claim the same messages as route 'hrs-biology'"), "\(error)")
        }
    }

    @Test func aTopicReadInTwoFormatsIsRefused() throws {
        let hl7 = try RouteLoader.parse(Self.biology, file: "a.yaml", knownSinks: nil, knownMappings: [])
        let cda = try RouteLoader.parse("""
            route: hrs-documents
            source: { topic: hrs.lab.results, format: cda }
            match: { template: 1.3.182.11.1 }
            to:
              - sink: dsp
            """, file: "b.yaml", knownSinks: nil, knownMappings: [])
        let problems = RouteLoader.conflicts(among: [hl7, cda])
        #expect(problems.count == 1)
        #expect(problems.first?.file == "b.yaml" && problems.first?.key == "format")
        #expect(problems.first?.description.contains("reads topic hrs.lab.results as cda, but route 'hrs-biology' (a.yaml) reads it as hl7v2") == true,
                "\(problems)")
    }

    @Test func matching() {
        let facts = MessageFacts(messageType: "ORU^R01", sendingApplication: "LAB", sendingFacility: "HRS", headers: ["tenant": "hrs"])
        #expect(Route.Match(messageType: "ORU^R01").matches(facts))
        #expect(Route.Match(messageType: "ORU").matches(facts))
        #expect(!Route.Match(messageType: "OR").matches(facts))
        #expect(!Route.Match(messageType: "ADT").matches(facts))
        #expect(Route.Match(sendingFacility: "HRS", headers: ["tenant": "hrs"]).matches(facts))
        #expect(!Route.Match(headers: ["tenant": "chl"]).matches(facts))
        #expect(Route.Match().matches(facts))
    }
}

@Suite final class EngineSettingsTests {
    /// The files a test wrote, removed when it ends (one instance per test).
    private var written: [String] = []

    deinit {
        for path in written { try? FileManager.default.removeItem(atPath: path) }
    }

    private func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-\(UUID()).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        written.append(path)
        return path
    }

    @Test func loadsWithEnvironmentSubstitution() throws {
        let path = try write("""
            kafka:
              bootstrap_servers: ${BROKERS}
              group: passerelle
              properties: { security.protocol: SASL_SSL, sasl.password: "${SECRET}" }
              producer_properties: { linger.ms: "10" }
              consumer_properties: { session.timeout.ms: "6000" }
            dead_letter_topic: passerelle.dlq
            lanes: 4
            pipeline: 16
            threads: 2
            metrics: { listen: "0.0.0.0:9464" }
            ordering_key: PV1-19
            routes: Routes
            sinks:
              out: { kafka: { topic: out.dsp } }
              archive: { file: { directory: /var/lib/passerelle } }
            """)
        let settings = try EngineSettings.load(file: path, environment: ["BROKERS": "10.0.0.1:9092", "SECRET": "s3cret"])
        #expect(settings.bootstrapServers == "10.0.0.1:9092")
        #expect(settings.kafkaProperties["sasl.password"] == "s3cret")
        #expect(settings.lanes == 4 && settings.pipeline == 16 && settings.threads == 2)
        #expect(settings.metricsListen == EngineSettings.ListenAddress(host: "0.0.0.0", port: 9464))
        #expect(settings.orderingKey == .path(try HL7Path("PV1-19")))
        #expect(settings.producerProperties == ["linger.ms": "10"] && settings.consumerProperties == ["session.timeout.ms": "6000"])
        #expect(settings.routesDirectory.hasSuffix("/Routes") && settings.routesDirectory.hasPrefix("/"))
        #expect(settings.sinks == ["out": .kafka(topic: "out.dsp"), "archive": .file(directory: "/var/lib/passerelle")])
    }

    @Test func unsetVariableAndBadKeysAreNamed() throws {
        let path = try write("kafka:\n  bootstrap_servers: ${NOPE}\n")
        #expect { try EngineSettings.load(file: path, environment: [:]) } throws: { error in
            let problem = error as? FileProblem
            return problem?.line == 2 && problem?.key == "NOPE"
        }
        let noPort = try write("kafka: { bootstrap_servers: x, group: g }\ndead_letter_topic: d\nroutes: R\nsinks: {}\nmetrics: { listen: \"9464\" }\n")
        #expect { try EngineSettings.load(file: noPort, environment: [:]) } throws: { error in
            let problem = error as? FileProblem
            return problem?.line == 5 && problem?.description.contains("must be host:port") == true
        }
        let noThreads = try write("kafka: { bootstrap_servers: x, group: g }\ndead_letter_topic: d\nroutes: R\nsinks: {}\nthreads: 0\n")
        #expect { try EngineSettings.load(file: noThreads, environment: [:]) } throws: { error in
            let problem = error as? FileProblem
            return problem?.line == 5 && problem?.key == "threads" && problem?.description.contains("from 1 to 256") == true
        }
        let typo = try write("kafka: { bootstrap_servers: x, group: g }\ndead_letter_topic: d\nroutes: R\nsinks: {}\nlane: 3\n")
        #expect { try EngineSettings.load(file: typo, environment: [:]) } throws: { error in
            (error as? FileProblem)?.description.contains("did you mean 'lanes'?") == true
        }
    }

    @Test func aReplyTopicAndAnySinkWithoutConfiguration() throws {
        let text = RouteLoaderTests.biology.replacingOccurrences(of: "then: dead-letter", with: "then: dead-letter, reply: { topic: hl7.acks }")
        let route = try RouteLoader.parse(text.replacingOccurrences(of: "sink: dsp", with: "sink: anything"), file: "r.yaml",
                                          knownSinks: nil, knownMappings: [])
        #expect(route.onError.replyTopic == "hl7.acks")
        #expect(route.destinations.map(\.sink) == ["anything"])
        #expect(throws: FileProblem.self) {
            try RouteLoader.parse(RouteLoaderTests.biology.replacingOccurrences(of: "then: dead-letter", with: "reply: { topik: x }"),
                                  file: "r.yaml", knownSinks: nil, knownMappings: [])
        }
    }

    @Test func fixturesBesideTheRoutes() throws {
        let routes = FileManager.default.temporaryDirectory.appendingPathComponent("fixtures-\(UUID())")
        defer { try? FileManager.default.removeItem(at: routes) }
        let good = routes.appendingPathComponent("tests/good"), bad = routes.appendingPathComponent("tests/bad")
        for folder in [good, bad] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try "MSH|^~\\&|A\r".write(to: good.appendingPathComponent("input.hl7"), atomically: true, encoding: .utf8)
        try "<doc/>".write(to: good.appendingPathComponent("out.xml"), atomically: true, encoding: .utf8)
        try "route: r\nheaders: { origin: lab }\ndeliver: { dsp: out.xml }\nreply: AA\n"
            .write(to: good.appendingPathComponent("expected.yaml"), atomically: true, encoding: .utf8)
        let fixtures = try RouteFixture.loadAll(routesDirectory: routes.path)
        #expect(fixtures.map(\.name) == ["good"])  // bad has no expected.yaml
        #expect(fixtures.first?.expectation == .deliver(["dsp": Array("<doc/>".utf8)]))
        #expect(fixtures.first?.headers == ["origin": "lab"] && fixtures.first?.reply == "AA")

        try "route: r\ndead_letter: { step: validate }\ndeliver: { dsp: out.xml }\n"
            .write(to: bad.appendingPathComponent("expected.yaml"), atomically: true, encoding: .utf8)
        try "x".write(to: bad.appendingPathComponent("input.hl7"), atomically: true, encoding: .utf8)
        #expect { try RouteFixture.loadAll(routesDirectory: routes.path) } throws: { error in
            (error as? FileProblem)?.description.contains("exactly one of 'deliver' or 'dead_letter'") == true
        }
    }
}
