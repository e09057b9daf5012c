import AsyncHTTPClient
import NIOCore
import NIOSSL

/// How the sinks reach the national platform: TLS with a client certificate, timeouts and the
/// connection pool. Make one `HTTPClient` from it and hand it to every platform sink, so they
/// share the pool; shut it down when the engine stops.
public struct PlatformClientSettings: Sendable {
    /// TCP connect (and TLS handshake) limit.
    public var connectTimeout: TimeAmount
    /// The whole exchange, request sent to response read; past it the delivery is transient.
    public var requestTimeout: TimeAmount
    /// Connections kept per host; more requests wait for one.
    public var maxConnectionsPerHost: Int
    /// Nil: plain HTTP (the local stand-in). The platform needs `mutualTLS(…)`.
    public var tls: TLSConfiguration?

    public init(connectTimeout: TimeAmount = .seconds(5), requestTimeout: TimeAmount = .seconds(30),
                maxConnectionsPerHost: Int = 8, tls: TLSConfiguration? = nil) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.tls = tls
    }

    /// The client certificate chain and key (PEM files) the platform authenticates Passerelle by,
    /// and the CA bundle it trusts for the platform's certificate (the system's when nil).
    public static func mutualTLS(certificateChainPEM: String, privateKeyPEM: String,
                                 trustRootsPEM: String? = nil) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateChainPEM).map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKeyPEM, format: .pem))
        if let trustRootsPEM { tls.trustRoots = .file(trustRootsPEM) }
        tls.minimumTLSVersion = .tlsv12
        return tls
    }

    public func makeClient() -> HTTPClient {
        HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: connectTimeout, read: requestTimeout),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerHost)))
    }
}

extension PlatformClientSettings {
    /// From plain numbers and PEM paths, as a configuration file gives them; mutual TLS when a
    /// certificate chain and key are given.
    public init(connectTimeoutMilliseconds: Int, requestTimeoutMilliseconds: Int, maxConnectionsPerHost: Int,
                certificateChainPEM: String?, privateKeyPEM: String?, trustRootsPEM: String?) throws {
        var tls: TLSConfiguration?
        if let certificateChainPEM, let privateKeyPEM {
            tls = try Self.mutualTLS(certificateChainPEM: certificateChainPEM, privateKeyPEM: privateKeyPEM, trustRootsPEM: trustRootsPEM)
        }
        self.init(connectTimeout: .milliseconds(Int64(connectTimeoutMilliseconds)),
                  requestTimeout: .milliseconds(Int64(requestTimeoutMilliseconds)),
                  maxConnectionsPerHost: maxConnectionsPerHost, tls: tls)
    }
}

/// The one HTTP client every platform sink of an engine shares, and the sinks made on it.
public final class PlatformConnection: Sendable {
    private let client: HTTPClient
    private let requestTimeout: TimeAmount

    public init(_ settings: PlatformClientSettings) {
        client = settings.makeClient()
        requestTimeout = settings.requestTimeout
    }

    public func xdsSink(name: String, endpoint: String, settings: XDSSourceSettings) -> XDSSink {
        XDSSink(name: name, endpoint: endpoint, settings: settings, client: client, timeout: requestTimeout)
    }

    public func ePrescriptionSink(name: String, baseURL: String) -> EPrescriptionSink {
        EPrescriptionSink(name: name, baseURL: baseURL, client: client, timeout: requestTimeout)
    }

    /// The MPI and HPD at `mpiURL` and `hpdURL` (FHIR bases), for enrichment.
    public func directory(mpiURL: String, hpdURL: String, timeToLive: Duration = .seconds(300)) -> PlatformDirectory {
        PlatformDirectory(mpiURL: mpiURL, hpdURL: hpdURL, client: client, timeout: requestTimeout, timeToLive: timeToLive)
    }

    /// Call once every sink is done; the client refuses requests afterwards.
    public func shutdown() async {
        try? await client.shutdown()
    }
}

/// One request and its classified outcome, shared by the platform sinks.
struct PlatformExchange {
    let sink: String
    let client: HTTPClient
    let timeout: TimeAmount

    struct Reply {
        var status: Int
        var contentType: String
        var body: [UInt8]
    }

    /// Largest response read; the platform's answers are small.
    static let maxResponseSize = 4 << 20

    /// Sends and reads the whole reply. Anything that keeps the reply from arriving (refused
    /// connection, TLS failure, timeout, reset) is transient: retrying later may succeed.
    func send(_ request: HTTPClientRequest) async throws(SinkError) -> Reply {
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: Self.maxResponseSize)
            return Reply(status: Int(response.status.code), contentType: response.headers.first(name: "content-type") ?? "",
                         body: Array(body.readableBytesView))
        } catch {
            throw SinkError(sink: sink, isTransient: true, reason: "no answer from \(request.url): \(Self.describe(error))")
        }
    }

    /// 5xx, 408 and 429 say "later"; any other non-2xx says the request itself is refused.
    func failure(_ reply: Reply, detail: String) -> SinkError {
        let transient = reply.status >= 500 || reply.status == 408 || reply.status == 429
        return SinkError(sink: sink, isTransient: transient, reason: "HTTP \(reply.status)" + (detail.isEmpty ? "" : ": \(detail)"))
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return error.description }
        return String(describing: error)
    }
}
