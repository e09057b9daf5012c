import Foundation
import Testing

/// Test inputs: the project's own fixtures, and the shared third-party corpus (never copied here).
enum TestFiles {
    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.resourceURL?.appendingPathComponent("Fixtures/\(name)"))
        return try Data(contentsOf: url)
    }

    static func fixtureText(_ name: String) throws -> String {
        String(decoding: try fixture(name), as: UTF8.self)
    }

    /// `PASSERELLE_SHARED_CORPUS`, else `../shared/corpus` beside the repository.
    static func corpus(_ relative: String) throws -> URL {
        let base = ProcessInfo.processInfo.environment["PASSERELLE_SHARED_CORPUS"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus")
        let url = base.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CorpusMissing(path: url.path)
        }
        return url
    }

    static var cdaSchema: URL {
        get throws { try corpus("hl7-cda-core-2.0/schema/normative/infrastructure/cda/CDA.xsd") }
    }

    static var sdtcSchema: URL {
        get throws { try corpus("hl7-cda-core-2.0/schema/extensions/SDTC/infrastructure/cda/CDA_SDTC.xsd") }
    }

    struct CorpusMissing: Error, CustomStringConvertible {
        var path: String
        var description: String {
            "the shared test corpus is missing at \(path): set PASSERELLE_SHARED_CORPUS or lay ../shared/corpus beside the repository"
        }
    }
}
