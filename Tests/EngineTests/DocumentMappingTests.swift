import Engine
import Foundation
import Kafka
import Testing

/// A route whose source is CDA documents maps them with a `from: cda` mapping and renders the
/// result; a mapping that reads the other kind of source is refused when the routes load.
@Suite struct DocumentMappingTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let mappings = repository.appendingPathComponent("Mappings")

    static func catalog(mapping: String) throws -> RouteCatalog {
        let routes = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-cda-routes-\(UUID())")
        try FileManager.default.createDirectory(at: routes, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: routes) }
        try """
            route: cda-lab-to-json
            source: { topic: hospital.cda, format: cda }
            match: { document_code: 11502-2 }
            steps:
              - map: \(mapping)
              - render: json
            to: [{ sink: out }]
            """.write(to: routes.appendingPathComponent("cda-lab-to-json.yaml"), atomically: true, encoding: .utf8)
        return try RouteCatalog.load(routesDirectory: routes.path, mappingsDirectory: mappings.path, terminologyDirectory: nil, knownSinks: ["out"])
    }

    @Test func aCDARouteMapsTheDocumentAndRendersTheCanonicalValue() async throws {
        let catalog = try Self.catalog(mapping: "cda-xdlab-to-lab-report")
        let sink = RecordingSink(name: "out")
        let handler = RouteHandler(routes: catalog.routes, sinks: ["out": sink], mappings: catalog.mappings, terminology: nil)
        let document = try Data(contentsOf: Self.mappings.appendingPathComponent("fixtures/cda-xdlab-lab-report.xml"))
        try await handler.handle(KafkaMessage(topic: "hospital.cda", partition: 0, offset: 0, key: nil, value: Array(document), headers: [],
                                              timestampMilliseconds: nil))
        let expected = try String(contentsOf: Self.mappings.appendingPathComponent("fixtures/cda-xdlab-lab-report.expected.json"), encoding: .utf8)
        #expect(sink.bodies.map { $0 + "\n" } == [expected])
    }

    @Test func aMappingOfHL7IsRefusedOnACDARoute() throws {
        let error = #expect(throws: EngineSetupError.self) { try Self.catalog(mapping: "oru-to-xdlab") }
        #expect(error?.description.contains("route cda-lab-to-json: mapping 'oru-to-xdlab' reads hl7v2, but the route's source is cda") == true,
                "\(String(describing: error))")
    }
}
