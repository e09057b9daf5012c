import ArgumentParser
import Foundation
import Journal

/// `passerelle journal`: what the engine recorded, for operators and audits.
struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Print the journal's events (delivery receipts, retries, dead letters) as JSON lines, newest first.",
        discussion: "The journal is the SQLite file named by `journal:` in the engine configuration. It holds sources, routes, sinks, receipts, steps and reasons, never message content.")

    @Option(help: "The journal's SQLite file.") var db: String
    @Option(help: "Only events of this kind: \(JournalEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: JournalEvent.Kind?
    @Option(help: "Only events of this route.") var route: String?
    @Option(help: "At most this many events.") var limit: Int = 100

    func run() async throws {
        guard FileManager.default.fileExists(atPath: db) else { throw CommandFailure("no journal at \(db)") }
        let events: [JournalEvent]
        do { events = try await Journal(path: db).events(kind: kind, route: route, limit: limit) } catch {
            throw CommandFailure("\(db): \(error)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var output: [UInt8] = []
        for event in events { output += Array(try encoder.encode(event)) + [UInt8(ascii: "\n")] }
        writeStandardOutput(output)
    }
}

extension JournalEvent.Kind: ExpressibleByArgument {}
