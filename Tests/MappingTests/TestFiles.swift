import Foundation
import HL7v2
import Mapping
import Testing

/// Files the tests read: the shipped mappings and fixtures, and the shared corpus.
enum TestFiles {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let mappings = repository.appendingPathComponent("Mappings")
    static let oruMapping = mappings.appendingPathComponent("oru-to-xdlab.yaml")
    static let oruFixture = mappings.appendingPathComponent("fixtures/oru-r01-lab.hl7")

    /// ../shared/corpus, or $PASSERELLE_SHARED_CORPUS; throws (failing the test) when absent.
    static func corpus() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PASSERELLE_SHARED_CORPUS"]
            ?? repository.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw CorpusMissing(path: path)
        }
        return URL(fileURLWithPath: path)
    }

    /// Whether the shared corpus (and its CDA schema) is there; tests that need it say so when not.
    static var hasCorpus: Bool { (try? corpus()) != nil }

    static func cdaSchemaPath() throws -> String {
        try corpus().appendingPathComponent("hl7-cda-core-2.0/schema/normative/infrastructure/cda/CDA.xsd").path
    }

    static func message(_ url: URL) throws -> HL7Message {
        try HL7Message(Array(Data(contentsOf: url)))
    }

    /// A mapping compiled from text, its tables looked up beside the shipped mappings.
    static func plan(_ yaml: String, file: String = "test.yaml") throws(MappingLoadError) -> MappingPlan {
        try MappingPlan(yaml: yaml, file: file, directory: mappings)
    }
}

struct CorpusMissing: Error, CustomStringConvertible {
    let path: String
    var description: String { "the shared corpus is missing at \(path) (set PASSERELLE_SHARED_CORPUS)" }
}
