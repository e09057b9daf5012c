import Foundation
@testable import Sinks
import Testing

@Suite struct FileSinkTests {
    private func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("file-sink-\(UUID())")
    }

    @Test func writesOneFilePerKeyAndReportsReplays() async throws {
        let directory = folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = FileSink(name: "files", directory: directory)
        let payload = SinkPayload(body: Array("<ClinicalDocument/>".utf8), contentType: "application/hl7-v3+xml", idempotencyKey: "doc-1")
        let first = try await sink.deliver(payload)
        #expect(!first.duplicate)
        #expect(first.reference.hasSuffix("/doc-1.xml"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: first.reference)) == Data(payload.body))
        let again = try await sink.deliver(payload)
        #expect(again.duplicate)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["doc-1.xml"])
    }

    @Test func keysCannotEscapeTheFolder() {
        #expect(FileSink.safeFileName("../../etc/passwd") == "_.._etc_passwd")
        #expect(FileSink.safeFileName("..") == "_")
        #expect(FileSink.safeFileName("1.3.182/ü") == "1.3.182__")
    }

    @Test func unwritableFolderIsATransientError() async {
        let sink = FileSink(name: "files", directory: URL(fileURLWithPath: "/proc/passerelle-cannot-write-here"))
        do {
            _ = try await sink.deliver(SinkPayload(body: [1], contentType: "application/json", idempotencyKey: "k"))
            Issue.record("wrote into /proc")
        } catch {
            #expect(error.isTransient)
            #expect(error.reason.contains("k.json"))
        }
    }
}
