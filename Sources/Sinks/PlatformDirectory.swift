import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// The platform's MPI and HPD as the enrichment step asks them: every identifier the directory
/// links to one it is given (a hospital's local patient id → the matricule; a CNS code → the
/// hpdID). Answers, "unknown" included, are kept for `timeToLive`, so a burst of messages about
/// one patient costs one request.
public final class PlatformDirectory: Sendable {
    public struct Identifier: Sendable, Hashable {
        /// An OID, without `urn:oid:`.
        public var system: String
        public var value: String

        public init(system: String, value: String) {
            self.system = system
            self.value = value
        }
    }

    public enum Registry: String, Sendable {
        case patients = "Patient"
        case practitioners = "Practitioner"
    }

    private struct Entry {
        var expires: ContinuousClock.Instant
        /// Nil: the directory does not know the identifier.
        var identifiers: [Identifier]?
    }

    private let name: String
    private let mpiURL: String
    private let hpdURL: String
    private let exchange: PlatformExchange
    private let timeToLive: Duration
    private let capacity: Int
    private let cache = Mutex<[String: Entry]>([:])
    private let requests = Atomic<Int>(0)

    /// - Parameters:
    ///   - mpiURL: the MPI's FHIR base, e.g. `http://127.0.0.1:8089/mpi`.
    ///   - hpdURL: the HPD's FHIR base.
    ///   - capacity: answers kept at most; past it the cache starts afresh.
    init(name: String = "directory", mpiURL: String, hpdURL: String, client: HTTPClient, timeout: TimeAmount,
         timeToLive: Duration = .seconds(300), capacity: Int = 100_000) {
        self.name = name
        self.mpiURL = mpiURL.hasSuffix("/") ? String(mpiURL.dropLast()) : mpiURL
        self.hpdURL = hpdURL.hasSuffix("/") ? String(hpdURL.dropLast()) : hpdURL
        exchange = PlatformExchange(sink: name, client: client, timeout: timeout)
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    /// Requests sent so far (the rest were answered from the cache).
    public var requestCount: Int { requests.load(ordering: .relaxed) }

    /// Every identifier of the one entry that has `identifier`; nil when none has it. Throws a
    /// transient error when the directory cannot answer, a permanent one when the answer is
    /// ambiguous (two entries) or unreadable.
    public func identifiers(linkedTo identifier: Identifier, in registry: Registry) async throws(SinkError) -> [Identifier]? {
        let key = "\(registry.rawValue)|\(identifier.system)|\(identifier.value)"
        let now = ContinuousClock.now
        if let entry = cache.withLock({ $0[key] }), entry.expires > now { return entry.identifiers }

        var components = URLComponents(string: (registry == .patients ? mpiURL : hpdURL) + "/" + registry.rawValue)
        components?.queryItems = [URLQueryItem(name: "identifier", value: "urn:oid:\(identifier.system)|\(identifier.value)")]
        guard let url = components?.string else {
            throw SinkError(sink: name, isTransient: false, reason: "cannot build the \(registry.rawValue) search address")
        }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/fhir+json")
        requests.add(1, ordering: .relaxed)
        let reply = try await exchange.send(request)
        guard reply.status == 200 else { throw exchange.failure(reply, detail: "") }
        let identifiers = try Self.identifiers(inSearchset: reply.body, sink: name, registry: registry)
        cache.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(expires: now + timeToLive, identifiers: identifiers)
        }
        return identifiers
    }

    /// The identifiers of the searchset's single resource; nil when it is empty.
    static func identifiers(inSearchset body: [UInt8], sink: String, registry: Registry) throws(SinkError) -> [Identifier]? {
        guard let bundle = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
              bundle["resourceType"] as? String == "Bundle" else {
            throw SinkError(sink: sink, isTransient: false, reason: "the \(registry.rawValue) search did not answer a Bundle")
        }
        let resources = (bundle["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
        guard resources.count <= 1 else {
            throw SinkError(sink: sink, isTransient: false, reason: "\(resources.count) \(registry.rawValue) entries share the identifier")
        }
        guard let resource = resources.first else { return nil }
        return (resource["identifier"] as? [[String: Any]] ?? []).compactMap { entry in
            guard let system = entry["system"] as? String, let value = entry["value"] as? String else { return nil }
            return Identifier(system: system.hasPrefix("urn:oid:") ? String(system.dropFirst(8)) : system, value: value)
        }
    }
}
