/// A rendered document or message on its way to a destination.
public struct SinkPayload: Sendable, Hashable {
    public var body: [UInt8]
    /// `application/hl7-v3+xml` (CDA), `application/fhir+json`, `application/json`, `x-application/hl7-v2+er7`.
    public var contentType: String
    /// Stable for a given input (document uniqueId, ordonnance id…): a replay after a crash sends
    /// the same key, and the destination stores the payload once.
    public var idempotencyKey: String
    /// Metadata the destination needs beside the body (document type, patient id authority…);
    /// never logged.
    public var metadata: [String: String]

    public init(body: [UInt8], contentType: String, idempotencyKey: String, metadata: [String: String] = [:]) {
        self.body = body
        self.contentType = contentType
        self.idempotencyKey = idempotencyKey
        self.metadata = metadata
    }
}

/// The destination's acknowledgement, recorded in the journal.
public struct SinkReceipt: Sendable, Hashable, Codable {
    public var sink: String
    /// The destination's reference for what it stored (topic/partition/offset, file path, registry id).
    public var reference: String
    /// True when the destination already had this idempotency key and stored nothing new.
    public var duplicate: Bool

    public init(sink: String, reference: String, duplicate: Bool = false) {
        self.sink = sink
        self.reference = reference
        self.duplicate = duplicate
    }
}

/// Why a delivery failed, classified so the engine knows whether retrying can help.
public struct SinkError: Error, Sendable, Hashable, CustomStringConvertible {
    public var sink: String
    /// Timeouts, refused connections, 5xx, broker unavailable: retry later.
    public var isTransient: Bool
    /// Names the problem, never the payload's content.
    public var reason: String

    public init(sink: String, isTransient: Bool, reason: String) {
        self.sink = sink
        self.isTransient = isTransient
        self.reason = reason
    }

    public var description: String { "\(sink): \(reason)" }
}

/// One destination: a Kafka topic, a folder, a platform service.
public protocol Sink: Sendable {
    var name: String { get }
    /// Returns once the destination has acknowledged the payload, or throws.
    func deliver(_ payload: SinkPayload) async throws(SinkError) -> SinkReceipt
}
