import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import PlatformSim
import Sinks
import Testing

/// The stand-in running on an ephemeral port of 127.0.0.1 for one test, and a client to reach it.
struct RunningSimulator: Sendable {
    let baseURL: String
    let client: HTTPClient

    var dspEndpoint: String { baseURL + "/dsp/ProvideAndRegisterDocumentSet-b" }
    var creEndpoint: String { baseURL + "/cre/ProvideAndRegisterDocumentSet-b" }

    static let source = XDSSourceSettings(
        sourceId: "1.3.182.3.1.1.9.99",
        healthcareFacilityTypeCode: XDSCode(code: "LAB", scheme: "1.3.182.5.30"),
        practiceSettingCode: XDSCode(code: "BIO", scheme: "1.3.182.5.31"))

    func dspSink(timeout: TimeAmount = .seconds(5)) -> XDSSink {
        XDSSink(name: "dsp", endpoint: dspEndpoint, settings: Self.source, client: client, timeout: timeout)
    }

    /// A plain request; the body is read whole.
    func request(_ method: String, _ path: String, contentType: String? = nil, body: [UInt8]? = nil)
        async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(body) }
        let response = try await client.execute(request, timeout: .seconds(5))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }

    func json(_ path: String) async throws -> [String: Any] {
        let (status, body) = try await request("GET", path)
        #expect(status == 200, "GET \(path): \(body)")
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8))
        return try #require(object as? [String: Any])
    }

    func setFault(_ rule: FaultRule) async throws {
        let (status, body) = try await request("POST", "/admin/faults", contentType: "application/json",
                                               body: Array(try JSONEncoder().encode(rule)))
        #expect(status == 200, "POST /admin/faults: \(body)")
    }
}

/// Starts the stand-in with the shipped seed, runs `body` against it over real HTTP, then stops it.
func withSimulator<T: Sendable>(databasePath: String? = nil, _ body: (RunningSimulator) async throws -> T) async throws -> T {
    // Quiet: stopping by cancellation makes HummingbirdCore log an error each time.
    var logger = Logger(label: "passerelle.sim.test")
    logger.logLevel = .critical
    let simulator = try PlatformSimulator(.init(port: 0, databasePath: databasePath, seed: try Fixtures.seed()), logger: logger)
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { continuation.finish() }
            try await simulator.run { continuation.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.next()
            throw CancellationError()
        }
        let client = PlatformClientSettings(connectTimeout: .seconds(2), requestTimeout: .seconds(5)).makeClient()
        let result: Result<T, any Error>
        do {
            result = .success(try await body(RunningSimulator(baseURL: "http://127.0.0.1:\(port)", client: client)))
        } catch {
            result = .failure(error)
        }
        try await client.shutdown()
        group.cancelAll()
        return try result.get()
    }
}

enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The seed shipped in deploy/platform-sim, so the tests also check it loads.
    static func seed() throws -> SimSeed {
        try SimSeed(contentsOf: repository.appendingPathComponent("deploy/platform-sim/seed.json"))
    }

    /// This target's lab report: patient 1985031512345, author HPD-0043.
    static func labReport() throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "lab-potassium", withExtension: "xml", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    /// A lab report submission as a route would hand it to the DSP sink.
    static func labPayload(key: String = "1.3.182.3.1.1.9.1^SIM-\(UUID().uuidString.prefix(8))",
                           body: [UInt8]? = nil, metadata: [String: String] = [:]) throws -> SinkPayload {
        SinkPayload(body: try body ?? labReport(), contentType: "application/hl7-v3+xml", idempotencyKey: key,
                    metadata: ["typeCode": "DT-00002"].merging(metadata) { _, new in new })
    }
}
