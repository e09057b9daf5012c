import Findings
import Foundation

extension TerminologyPack {
    /// The manifest, `pack.json`, of a pack folder: its name and version, and the files of each
    /// terminology, relative to the folder.
    struct Manifest: Decodable {
        struct LOINCFiles: Decodable {
            var table: String
            var mapTo: String?
        }

        struct MedicationFiles: Decodable {
            var products: String
            var positiveList: String?
        }

        struct CodeSystemFile: Decodable {
            var id: String
            var name: String
            var system: String?
            var version: String?
            var aliases: [String]?
            var file: String
        }

        var name: String
        var version: PackVersion
        var loinc: LOINCFiles?
        var medications: MedicationFiles?
        var codeSystems: [CodeSystemFile]?
    }

    public static let manifestName = "pack.json"

    /// Loads the pack in `directory`. Every file is read even when an earlier one fails, and all
    /// their problems are thrown together.
    public static func load(from directory: URL) throws -> TerminologyPack {
        let manifestURL = directory.appendingPathComponent(manifestName)
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifestURL))
        } catch let error as DecodingError {
            throw TerminologyLoadError(file: manifestURL.path, rule: "pack.manifest", "invalid manifest: \(describe(error))")
        } catch {
            throw TerminologyLoadError(file: manifestURL.path, rule: "pack.manifest", "cannot read the manifest: \(error.localizedDescription)")
        }
        func url(_ path: String) -> URL { directory.appendingPathComponent(path) }
        var problems: [Finding] = []
        func attempt<T>(_ load: () throws -> T) -> T? {
            do { return try load() } catch let error as TerminologyLoadError {
                problems += error.findings
            } catch {
                problems.append(Finding(severity: .error, rule: "pack.file", message: "\(error)"))
            }
            return nil
        }
        let loinc = manifest.loinc.flatMap { files in
            attempt { try LOINCTable.load(table: url(files.table), mapTo: files.mapTo.map(url)) }
        }
        let medications = manifest.medications.flatMap { files in
            attempt { try MedicationList.load(products: url(files.products), positiveList: files.positiveList.map(url)) }
        }
        var codeSystems: [CodeSystem] = []
        for file in manifest.codeSystems ?? [] {
            if codeSystems.contains(where: { $0.id == file.id }) {
                problems.append(Finding(severity: .error, rule: "pack.manifest", message: "code system \(file.id) is listed twice",
                                        location: Finding.Location(file: manifestURL.path)))
            }
            if let codeSystem = attempt({
                try CodeSystem.load(contentsOf: url(file.file), id: file.id, name: file.name, system: file.system,
                                    version: file.version, aliases: file.aliases ?? [])
            }) {
                codeSystems.append(codeSystem)
            }
        }
        if !problems.isEmpty { throw TerminologyLoadError(findings: problems) }
        return TerminologyPack(name: manifest.name, version: manifest.version, loinc: loinc, medications: medications,
                               codeSystems: codeSystems)
    }

    /// A decoding error as an operator reads it: what is wrong, and where in the manifest.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key \(path(context)).\(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context): return "\(path(context)) \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
