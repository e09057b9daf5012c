import Foundation
import Journal
import Testing

@Suite struct JournalTests {
    static func event(_ kind: JournalEvent.Kind, offset: Int64, route: String = "hrs-biology") -> JournalEvent {
        JournalEvent(kind: kind, topic: "hrs.lab.results", partition: 1, offset: offset, route: route, sink: kind == .delivered ? "dsp" : nil,
                     reference: kind == .delivered ? "urn:uuid:\(offset)" : nil, duplicate: kind == .delivered ? false : nil,
                     idempotencyKey: "hrs-biology:HRS:C\(offset)", step: kind == .deadLettered ? "validate" : nil,
                     reason: kind == .deadLettered ? "loinc.check-digit at OBX-3.1 (2345-8)" : nil)
    }

    @Test func eventsAreKeptNewestFirstAndFilteredByKindAndRoute() async throws {
        let journal = try Journal(path: nil)
        try await journal.record(Self.event(.delivered, offset: 1))
        try await journal.record(Self.event(.retried, offset: 2))
        try await journal.record(Self.event(.deadLettered, offset: 2))
        try await journal.record(Self.event(.delivered, offset: 3, route: "chl-emergency"))
        #expect(try await journal.events().map(\.offset) == [3, 2, 2, 1])
        let letters = try await journal.events(kind: .deadLettered)
        #expect(letters.map(\.reason) == ["loinc.check-digit at OBX-3.1 (2345-8)"])
        #expect(try await journal.events(route: "chl-emergency").map(\.kind) == [.delivered])
        #expect(try await journal.counts() == [.delivered: 2, .retried: 1, .deadLettered: 1])
    }

    @Test func aFileJournalOutlivesItsProcessAndIsReadWhileWritten() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID()).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let writer = try Journal(path: path)
        try await writer.record(Self.event(.delivered, offset: 7))
        let reader = try Journal(path: path)
        let events = try await reader.events()
        #expect(events.count == 1)
        #expect(events.first?.reference == "urn:uuid:7")
        #expect(events.first?.duplicate == false)
        #expect(events.first?.id == 1, "the row id is read back")
    }
}
