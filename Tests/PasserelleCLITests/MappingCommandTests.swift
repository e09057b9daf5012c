import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `passerelle map` and `passerelle check` as scripts run them (DESIGN.md §7).
@Suite struct MappingCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let mappings = repository.appendingPathComponent("Mappings").path
    static let mapping = mappings + "/oru-to-xdlab.yaml"
    static let fixture = mappings + "/fixtures/oru-r01-lab.hl7"

    @Test func mapPrintsValidCDAByDefault() throws {
        let result = try runPasserelle(["map", "--mapping", Self.mapping, Self.fixture])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3""#))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-map-\(UUID()).xml")
        try result.stdout.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let validation = try runPasserelle(["cda", "validate", file.path, "--schema", CDACommandTests.schema, "--rules", "lu-header"])
        #expect(validation.status == 0, "\(validation.stdout)")
    }

    @Test func mapToJSONPrintsTheCanonicalModelAndReadsStandardInput() throws {
        let input = try Data(contentsOf: URL(fileURLWithPath: Self.fixture))
        let result = try runPasserelle(["map", "--mapping", Self.mapping, "--to", "json", "-"], input: input)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let report = try #require(object["labReport"] as? [String: Any])
        #expect((report["batteries"] as? [Any])?.count == 3)
    }

    @Test func mapFailuresExitOneWithTheError() throws {
        let fhir = try runPasserelle(["map", "--mapping", Self.mapping, "--to", "fhir", Self.fixture])
        #expect(fhir.status == 1)
        #expect(fhir.stderr.contains("no fhir rendering of a lab report"))
        let notHL7 = try runPasserelle(["map", "--mapping", Self.mapping, Self.mapping])
        #expect(notHL7.status == 1)
        let missing = try runPasserelle(["map", "--mapping", "/nonexistent.yaml", Self.fixture])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent.yaml"))
    }

    @Test func checkPassesOnTheShippedMappings() throws {
        let result = try runPasserelle(["check", Self.mappings])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("0 with errors"))
    }

    @Test func checkReportsFileLineColumnAndExitsOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-check-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "from: hl7v2\nto: lab-report\nmap:\n  titel: OBR-4.2\n".write(to: folder.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let result = try runPasserelle(["check", folder.path])
        #expect(result.status == 1)
        #expect(result.stdout == "\(folder.path)/bad.yaml:4:3: map.titel: unknown key 'titel' (did you mean 'title'?)\n")
    }

    static let ordonnances = ["omp-o09", "rde-o11"].map { (mapping: "\(mappings)/\($0)-to-ordonnance.yaml", fixture: "\(mappings)/fixtures/\($0)-ordonnance") }

    @Test func mapToFHIRPrintsTheOrdonnanceBundle() throws {
        for (mapping, fixture) in Self.ordonnances {
            let result = try runPasserelle(["map", "--mapping", mapping, "--to", "fhir", fixture + ".hl7"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == (try String(contentsOfFile: fixture + ".expected.fhir.json", encoding: .utf8)))
        }
    }

    /// The ePrescription stand-in takes each Bundle `passerelle map --to fhir` prints (its patients,
    /// prescribers and products are in the seed), and a replay creates nothing.
    @Test func theStandInAcceptsTheOrdonnanceBundlesOnce() async throws {
        let sim = Process()
        sim.executableURL = try passerelleExecutable()
        sim.arguments = ["sim", "--port", "0", "--seed", Self.repository.appendingPathComponent("deploy/platform-sim/seed.json").path]
        let out = Pipe()
        sim.standardOutput = out
        sim.standardError = FileHandle.nullDevice
        try sim.run()
        defer { sim.terminate(); sim.waitUntilExit() }
        var banner = ""
        while !banner.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        let base = try #require(banner.firstMatch(of: /http:\/\/127\.0\.0\.1:\d+\//).map { String($0.output) }, "\(banner)")
        for (mapping, fixture) in Self.ordonnances {
            let bundle = try runPasserelle(["map", "--mapping", mapping, "--to", "fhir", fixture + ".hl7"])
            for expected in ["201 Created", "200 OK"] {
                var request = URLRequest(url: try #require(URL(string: base + "eprescription/Bundle")))
                request.httpMethod = "POST"
                request.setValue("application/fhir+json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(bundle.stdout.utf8)
                let (body, response) = try await URLSession.shared.data(for: request)
                #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: body, as: UTF8.self))")
                let answer = try #require(JSONSerialization.jsonObject(with: body) as? [String: Any])
                let statuses = (answer["entry"] as? [[String: Any]])?.compactMap { ($0["response"] as? [String: Any])?["status"] as? String }
                #expect(statuses?.isEmpty == false && statuses?.allSatisfy { $0 == expected } == true, "\(fixture): \(answer)")
            }
        }
    }
}
