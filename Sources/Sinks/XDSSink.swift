import AsyncHTTPClient
import CDA
import NIOCore

/// Submits documents to an XDS.b repository of the platform (the DSP or the CRE) with ITI-41
/// Provide-and-Register over MTOM. The document's uniqueId is derived from the payload's
/// idempotency key, so a replay is recognised by the registry and stored once.
public struct XDSSink: Sink {
    public let name: String
    /// The Provide-and-Register endpoint, e.g. `http://127.0.0.1:8089/dsp/ProvideAndRegisterDocumentSet-b`.
    public let endpoint: String
    private let settings: XDSSourceSettings
    private let exchange: PlatformExchange

    /// `client` is shared by every platform sink (see `PlatformClientSettings.makeClient()`).
    public init(name: String, endpoint: String, settings: XDSSourceSettings, client: HTTPClient, timeout: TimeAmount = .seconds(30)) {
        self.name = name
        self.endpoint = endpoint
        self.settings = settings
        exchange = PlatformExchange(sink: name, client: client, timeout: timeout)
    }

    public func deliver(_ payload: SinkPayload) async throws(SinkError) -> SinkReceipt {
        let metadata: XDSDocumentMetadata
        do {
            metadata = try XDSDocumentMetadata(payload: payload, settings: settings)
        } catch {
            throw SinkError(sink: name, isTransient: false, reason: "metadata missing: " + error.problems.joined(separator: ", "))
        }
        return try await submit(metadata, document: payload.body)
    }

    /// Sends one document with the metadata given (tests give metadata that disagrees with the document).
    func submit(_ metadata: XDSDocumentMetadata, document: [UInt8]) async throws(SinkError) -> SinkReceipt {
        let envelope: XDSEnvelope
        do {
            envelope = try XDSEnvelope(metadata: metadata, document: document, settings: settings, endpoint: endpoint)
        } catch {
            throw SinkError(sink: name, isTransient: false, reason: "cannot build the submission: \(error)")
        }
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: envelope.contentType)
        request.body = .bytes(envelope.body)
        let reply = try await exchange.send(request)
        let response = RegistryReply(reply.body)
        guard reply.status == 200, let response else {
            throw exchange.failure(reply, detail: response?.faultReason ?? "")
        }
        guard response.isSuccess else {
            let codes = Set(response.errors.map(\.code))
            throw SinkError(sink: name, isTransient: !codes.isEmpty && codes.isSubset(of: XDS.transientErrorCodes),
                            reason: "registry failure: " + response.errors.map { "\($0.code) \($0.context)" }.joined(separator: "; "))
        }
        return SinkReceipt(sink: name, reference: response.entryUUIDs.first ?? metadata.uniqueId,
                           duplicate: response.duplicateUniqueIds.contains(metadata.uniqueId))
    }
}

/// The SOAP answer of a repository: a RegistryResponse, or a SOAP fault.
struct RegistryReply {
    struct Error: Hashable {
        var code: String
        var context: String
    }

    var isSuccess: Bool
    var errors: [Error]
    /// The stand-in's response slots; a real registry may send none.
    var entryUUIDs: [String]
    var duplicateUniqueIds: [String]
    var faultReason: String?

    private static let response = try! XPathExpression("/soap:Envelope/soap:Body/rs:RegistryResponse")
    private static let errorList = try! XPathExpression("rs:RegistryErrorList/rs:RegistryError")
    private static let entryUUIDSlot = try! XPathExpression("rs:ResponseSlotList/rim:Slot[@name='entryUUID']/rim:ValueList/rim:Value")
    private static let duplicateSlot = try! XPathExpression(
        "rs:ResponseSlotList/rim:Slot[@name='duplicateUniqueId']/rim:ValueList/rim:Value")
    private static let fault = try! XPathExpression("string(/soap:Envelope/soap:Body/soap:Fault/soap:Reason/soap:Text)")

    /// Nil when the body is not a SOAP envelope at all.
    init?(_ body: [UInt8]) {
        guard let document = try? XMLDocument(bytes: body) else { return nil }
        for (prefix, uri) in [("soap", XDS.Namespace.soap), ("rs", XDS.Namespace.rs), ("rim", XDS.Namespace.rim)] {
            document.bind(prefix: prefix, to: uri)
        }
        guard document.root?.is("Envelope", namespace: XDS.Namespace.soap) == true else { return nil }
        guard let response = try? document.nodes(Self.response).first else {
            isSuccess = false
            errors = []
            entryUUIDs = []
            duplicateUniqueIds = []
            faultReason = (try? document.string(Self.fault)).flatMap { $0.isEmpty ? nil : $0 } ?? "SOAP answer without RegistryResponse"
            return
        }
        isSuccess = response.attribute("status") == XDS.success
        errors = ((try? document.nodes(Self.errorList, at: response)) ?? []).map {
            Error(code: $0.attribute("errorCode") ?? "", context: $0.attribute("codeContext") ?? "")
        }
        entryUUIDs = (try? document.strings(Self.entryUUIDSlot, at: response)) ?? []
        duplicateUniqueIds = (try? document.strings(Self.duplicateSlot, at: response)) ?? []
        faultReason = nil
    }
}
