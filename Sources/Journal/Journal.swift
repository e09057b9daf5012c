import Foundation
import GRDB

/// One thing that happened to a message, as the audit trail keeps it: where the message came
/// from (topic, partition, offset), which route took it, and what came of it. Never the
/// message's content: references, codes and reasons only, as the dead-letter headers.
public struct JournalEvent: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A sink acknowledged the payload (`reference` is its receipt).
        case delivered
        /// A transient failure, to be retried.
        case retried
        /// The message went to the dead-letter topic.
        case deadLettered = "dead-lettered"
    }

    public static let databaseTableName = "event"

    public var id: Int64?
    public var at: Date
    public var kind: Kind
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var route: String
    public var sink: String?
    /// The destination's reference for what it stored (registry entry, topic/partition/offset, file).
    public var reference: String?
    /// True when the destination already had the payload (a replay).
    public var duplicate: Bool?
    public var idempotencyKey: String?
    public var step: String?
    public var reason: String?

    public init(at: Date = Date(), kind: Kind, topic: String, partition: Int32, offset: Int64, route: String,
                sink: String? = nil, reference: String? = nil, duplicate: Bool? = nil, idempotencyKey: String? = nil,
                step: String? = nil, reason: String? = nil) {
        self.at = at
        self.kind = kind
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.route = route
        self.sink = sink
        self.reference = reference
        self.duplicate = duplicate
        self.idempotencyKey = idempotencyKey
        self.step = step
        self.reason = reason
    }
}

/// The message journal: an SQLite file (WAL, so readers never wait for the engine) the engine
/// appends an event to for every delivery receipt, retry and dead letter. GRDB runs the
/// statements on its own queue, so recording never blocks Swift's cooperative threads.
public final class Journal: Sendable {
    private let writer: any DatabaseWriter

    /// `path` nil: in memory, for tests and the demo.
    public init(path: String?) throws {
        if let path { writer = try DatabasePool(path: path) } else { writer = try DatabaseQueue() }
        try Self.migrator.migrate(writer)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: JournalEvent.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .datetime).notNull().indexed()
                table.column("kind", .text).notNull().indexed()
                table.column("topic", .text).notNull()
                table.column("partition", .integer).notNull()
                table.column("offset", .integer).notNull()
                table.column("route", .text).notNull().indexed()
                table.column("sink", .text)
                table.column("reference", .text)
                table.column("duplicate", .boolean)
                table.column("idempotencyKey", .text)
                table.column("step", .text)
                table.column("reason", .text)
            }
        }
        return migrator
    }

    public func record(_ event: JournalEvent) async throws {
        try await writer.write { db in try event.insert(db) }
    }

    /// The newest events first, optionally of one kind or one route.
    public func events(kind: JournalEvent.Kind? = nil, route: String? = nil, limit: Int = 100) async throws -> [JournalEvent] {
        try await writer.read { db in
            var request = JournalEvent.order(Column("id").desc).limit(limit)
            if let kind { request = request.filter(Column("kind") == kind.rawValue) }
            if let route { request = request.filter(Column("route") == route) }
            return try request.fetchAll(db)
        }
    }

    /// Events per kind, for reports.
    public func counts() async throws -> [JournalEvent.Kind: Int] {
        try await writer.read { db in
            var counts: [JournalEvent.Kind: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM event GROUP BY kind") {
                if let kind = JournalEvent.Kind(rawValue: row["kind"]) { counts[kind] = row["n"] }
            }
            return counts
        }
    }
}
