import Foundation
import Kafka

/// Writes each payload to a file in a folder, named from its idempotency key, atomically (a
/// temporary file renamed into place), so a reader never sees half a document and a replay
/// overwrites the same file instead of adding one.
public struct FileSink: Sink {
    public let name: String
    private let directory: URL
    /// File calls block: they run on a thread of their own, not on the engine's.
    private let files: BlockingExecutor

    public init(name: String, directory: URL) {
        self.name = name
        self.directory = directory
        files = BlockingExecutor(label: "passerelle.sink.file.\(name)")
    }

    public func deliver(_ payload: SinkPayload) async throws(SinkError) -> SinkReceipt {
        let fileName = Self.safeFileName(payload.idempotencyKey) + Self.fileExtension(payload.contentType)
        let target = directory.appendingPathComponent(fileName)
        do {
            return try await files.run {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let existed = FileManager.default.fileExists(atPath: target.path)
                try Data(payload.body).write(to: target, options: .atomic)
                return SinkReceipt(sink: name, reference: target.path, duplicate: existed)
            }
        } catch {
            // A full disk or a missing mount may come back; a sink never decides a payload is bad.
            throw SinkError(sink: name, isTransient: true, reason: "cannot write \(fileName): \((error as NSError).localizedDescription)")
        }
    }

    /// Keys come from messages: keep letters, digits, `-`, `_` and `.`, so no key can leave the folder.
    static func safeFileName(_ key: String) -> String {
        let cleaned = String(key.unicodeScalars.map { scalar in
            CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "-_.".unicodeScalars.contains(scalar) ? Character(scalar) : "_"
        })
        let trimmed = cleaned.drop { $0 == "." }
        return trimmed.isEmpty ? "_" : String(trimmed.prefix(200))
    }

    static func fileExtension(_ contentType: String) -> String {
        switch contentType {
        case let type where type.contains("xml"): ".xml"
        case let type where type.contains("json"): ".json"
        case let type where type.contains("hl7-v2"): ".hl7"
        default: ".bin"
        }
    }
}
