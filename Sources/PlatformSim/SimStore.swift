import Foundation
import GRDB

/// A document the DSP or the CRE registered.
struct StoredDocument: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "document"
    /// `dsp`, `cre` or `rcp`: each service is its own registry.
    var service: String
    var uniqueId: String
    /// The registry's reference, returned on every submission of the same uniqueId.
    var entryUUID: String
    var patientId: String
    var typeCode: String
    var classCode: String
    var title: String?
    var mimeType: String
    var hash: String
    var size: Int
    var receivedAt: Date
    var content: Data
}

/// An ordonnance and its lines as the ePrescription service stored them.
struct StoredOrdonnance: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "ordonnance"
    var id: String
    var patientId: String
    var prescriberId: String
    /// Of the submitted lines, to tell a replay from a different ordonnance reusing the id.
    var digest: String
    var receivedAt: Date
}

struct StoredPrescriptionLine: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "prescriptionLine"
    var id: String
    var ordonnanceId: String
    var position: Int
    var productCode: String
    var status: String
    /// The MedicationRequest as stored, with the server's status.
    var resource: Data
}

/// What storing a submission did.
enum StoreOutcome<Stored: Sendable>: Sendable {
    case stored(Stored)
    /// Already there with the same content: nothing written.
    case duplicate(Stored)
    /// Already there with other content: nothing written.
    case conflict(String)
}

/// The stand-in's SQLite database. GRDB's async accessors run the statements on its own serial
/// queue, so request handlers never block the cooperative pool.
struct SimStore: Sendable {
    private let database: DatabaseQueue

    /// `path` nil: an in-memory database, gone when the process ends.
    init(path: String?) throws {
        database = try path.map { try DatabaseQueue(path: $0) } ?? DatabaseQueue()
        try Self.migrator.migrate(database)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: StoredDocument.databaseTableName) { table in
                table.column("service", .text).notNull()
                table.column("uniqueId", .text).notNull()
                table.column("entryUUID", .text).notNull()
                table.column("patientId", .text).notNull()
                table.column("typeCode", .text).notNull()
                table.column("classCode", .text).notNull()
                table.column("title", .text)
                table.column("mimeType", .text).notNull()
                table.column("hash", .text).notNull()
                table.column("size", .integer).notNull()
                table.column("receivedAt", .datetime).notNull()
                table.column("content", .blob).notNull()
                table.primaryKey(["service", "uniqueId"])
            }
            try db.create(table: StoredOrdonnance.databaseTableName) { table in
                table.primaryKey("id", .text)
                table.column("patientId", .text).notNull()
                table.column("prescriberId", .text).notNull()
                table.column("digest", .text).notNull()
                table.column("receivedAt", .datetime).notNull()
            }
            try db.create(table: StoredPrescriptionLine.databaseTableName) { table in
                table.primaryKey("id", .text)
                table.column("ordonnanceId", .text).notNull().indexed()
                    .references(StoredOrdonnance.databaseTableName, onDelete: .cascade)
                table.column("position", .integer).notNull()
                table.column("productCode", .text).notNull()
                table.column("status", .text).notNull()
                table.column("resource", .blob).notNull()
            }
        }
        return migrator
    }

    /// Registers all of `documents` or none: a submission is atomic, and a uniqueId already
    /// registered with another hash fails the whole submission.
    func register(_ documents: [StoredDocument]) async throws -> [StoreOutcome<StoredDocument>] {
        try await database.write { db in
            let existing = try documents.map { document in
                try StoredDocument.fetchOne(db, key: ["service": document.service, "uniqueId": document.uniqueId])
            }
            let outcomes: [StoreOutcome<StoredDocument>] = zip(documents, existing).map { document, existing in
                guard let existing else { return .stored(document) }
                return existing.hash == document.hash ? .duplicate(existing) : .conflict(existing.hash)
            }
            guard !outcomes.contains(where: { if case .conflict = $0 { true } else { false } }) else { return outcomes }
            for case .stored(let document) in outcomes { try document.insert(db) }
            return outcomes
        }
    }

    func document(service: String, uniqueId: String) async throws -> StoredDocument? {
        try await database.read { db in try StoredDocument.fetchOne(db, key: ["service": service, "uniqueId": uniqueId]) }
    }

    /// Stores the ordonnance and its lines unless its id is taken: by the same lines (a replay)
    /// or by others (a conflict).
    func store(_ ordonnance: StoredOrdonnance, lines: [StoredPrescriptionLine]) async throws -> StoreOutcome<StoredOrdonnance> {
        try await database.write { db in
            if let existing = try StoredOrdonnance.fetchOne(db, key: ordonnance.id) {
                return existing.digest == ordonnance.digest ? .duplicate(existing) : .conflict(existing.digest)
            }
            if let taken = try StoredPrescriptionLine.filter(keys: lines.map(\.id)).fetchOne(db) {
                return .conflict("line \(taken.id) belongs to another ordonnance")
            }
            try ordonnance.insert(db)
            for line in lines { try line.insert(db) }
            return .stored(ordonnance)
        }
    }

    func lines(ordonnanceId: String) async throws -> [StoredPrescriptionLine] {
        try await database.read { db in
            try StoredPrescriptionLine.filter(Column("ordonnanceId") == ordonnanceId).order(Column("position")).fetchAll(db)
        }
    }

    func line(id: String) async throws -> StoredPrescriptionLine? {
        try await database.read { db in try StoredPrescriptionLine.fetchOne(db, key: id) }
    }

    /// The newest documents and ordonnances, for the overview page.
    func recent(limit: Int) async throws -> (documents: [StoredDocument], ordonnances: [StoredOrdonnance]) {
        try await database.read { db in
            let documents = try StoredDocument.select(literal: Self.documentSummary).order(Column("receivedAt").desc)
                .limit(limit).fetchAll(db)
            let ordonnances = try StoredOrdonnance.order(Column("receivedAt").desc).limit(limit).fetchAll(db)
            return (documents, ordonnances)
        }
    }

    /// How many documents each registry holds and how many ordonnances and lines the
    /// ePrescription server holds.
    func tally() async throws -> PlatformTally {
        try await database.read { db in
            var documents: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT service, COUNT(*) AS n FROM document GROUP BY service") {
                documents[row["service"]] = row["n"]
            }
            return PlatformTally(documents: documents, ordonnances: try StoredOrdonnance.fetchCount(db),
                                 prescriptionLines: try StoredPrescriptionLine.fetchCount(db))
        }
    }

    /// Every column but the content, which the overview does not show (read as an empty blob).
    private static let documentSummary: SQL = """
        service, uniqueId, entryUUID, patientId, typeCode, classCode, title, mimeType, hash, size, receivedAt,
        x'' AS content
        """
}

/// What the stand-in has stored, for the demo's report and for tests.
public struct PlatformTally: Sendable, Hashable, Codable {
    /// Documents by service (`dsp`, `cre`, `rcp`).
    public var documents: [String: Int]
    public var ordonnances: Int
    public var prescriptionLines: Int
}
