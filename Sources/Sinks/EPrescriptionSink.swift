import AsyncHTTPClient
import Foundation
import NIOCore

/// Posts an ordonnance, rendered as a FHIR R4 transaction Bundle of MedicationRequests (one per
/// line, sharing `groupIdentifier`), to the ePrescription server, which stores it once per
/// ordonnance id; reads the lines' statuses back.
public struct EPrescriptionSink: Sink {
    public let name: String
    /// The FHIR base, e.g. `http://127.0.0.1:8089/eprescription`.
    public let baseURL: String
    private let exchange: PlatformExchange

    public init(name: String, baseURL: String, client: HTTPClient, timeout: TimeAmount = .seconds(30)) {
        self.name = name
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        exchange = PlatformExchange(sink: name, client: client, timeout: timeout)
    }

    public func deliver(_ payload: SinkPayload) async throws(SinkError) -> SinkReceipt {
        var request = HTTPClientRequest(url: baseURL + "/Bundle")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/fhir+json")
        request.headers.add(name: "Accept", value: "application/fhir+json")
        request.body = .bytes(payload.body)
        let reply = try await exchange.send(request)
        guard (200..<300).contains(reply.status) else { throw exchange.failure(reply, detail: Self.diagnostics(reply.body)) }
        guard let bundle = Self.json(reply.body), bundle["resourceType"] as? String == "Bundle",
              let entries = bundle["entry"] as? [[String: Any]] else {
            throw SinkError(sink: name, isTransient: false, reason: "the answer is not a transaction-response Bundle")
        }
        let statuses = entries.compactMap { ($0["response"] as? [String: Any])?["status"] as? String }
        let ordonnance = (bundle["identifier"] as? [String: Any])?["value"] as? String ?? payload.idempotencyKey
        return SinkReceipt(sink: name, reference: ordonnance,
                           duplicate: !statuses.isEmpty && statuses.allSatisfy { $0.hasPrefix("200") })
    }

    /// Each line of the ordonnance (its MedicationRequest id) with its status on the server.
    public func lineStatuses(ordonnanceId: String) async throws(SinkError) -> [String: String] {
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "group-identifier", value: ordonnanceId)]
        var request = HTTPClientRequest(url: baseURL + "/MedicationRequest?" + (components.percentEncodedQuery ?? ""))
        request.headers.add(name: "Accept", value: "application/fhir+json")
        let reply = try await exchange.send(request)
        guard reply.status == 200 else { throw exchange.failure(reply, detail: Self.diagnostics(reply.body)) }
        let entries = Self.json(reply.body)?["entry"] as? [[String: Any]] ?? []
        var statuses: [String: String] = [:]
        for case let resource as [String: Any] in entries.map({ $0["resource"] }) {
            if let id = resource["id"] as? String, let status = resource["status"] as? String { statuses[id] = status }
        }
        return statuses
    }

    private static func json(_ body: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// The first issues of an OperationOutcome: they name rules, not the prescription's content.
    private static func diagnostics(_ body: [UInt8]) -> String {
        let issues = json(body)?["issue"] as? [[String: Any]] ?? []
        return issues.prefix(3).compactMap { $0["diagnostics"] as? String }.joined(separator: "; ")
    }
}
