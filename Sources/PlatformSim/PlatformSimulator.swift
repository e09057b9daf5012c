import CDA
import Foundation
import Hummingbird
import Logging

/// The national platform's services on 127.0.0.1, for tests, demos and integrators: DSP and CRE
/// document submission (IHE XDS.b Provide-and-Register), ePrescription (FHIR R4), MPI and HPD
/// look-ups, an overview page, and faults on demand.
public struct PlatformSimulator: Sendable {
    public struct Configuration: Sendable {
        /// 0: an ephemeral port, handed to `onListening`.
        public var port: Int
        /// The SQLite file; nil keeps everything in memory.
        public var databasePath: String?
        public var seed: SimSeed
        /// An XSD (e.g. CDA.xsd) every submitted CDA document must be valid against.
        public var schemaPath: String?

        public init(port: Int = 8089, databasePath: String? = nil, seed: SimSeed, schemaPath: String? = nil) {
            self.port = port
            self.databasePath = databasePath
            self.seed = seed
            self.schemaPath = schemaPath
        }
    }

    /// Submissions larger than this are refused (413).
    static let maxBodySize = 64 << 20

    private let configuration: Configuration
    private let store: SimStore
    private let schema: XMLSchema?
    private let faults = FaultInjector()
    private let logger: Logger

    public init(_ configuration: Configuration, logger: Logger = Logger(label: "passerelle.sim")) throws {
        self.configuration = configuration
        self.logger = logger
        store = try SimStore(path: configuration.databasePath)
        schema = try configuration.schemaPath.map { try XMLSchema(path: $0) }
    }

    /// Serves until the surrounding task is cancelled; `onListening` gets the bound port.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onListening: onListening).run()
    }

    /// Faults for in-process callers, as `POST /admin/faults` and `DELETE /admin/faults` set them.
    public func inject(_ rule: FaultRule) async {
        await faults.set(rule)
    }

    public func clearFaults() async {
        await faults.clear()
    }

    /// What has been stored so far.
    public func tally() async throws -> PlatformTally {
        try await store.tally()
    }

    /// Serves in a task of its own and returns once listening: the port, and the task to cancel
    /// to stop it.
    public func start() async throws -> (port: Int, task: Task<Void, any Error>) {
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            defer { portSink.finish() }
            try await run { portSink.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw CancellationError()
        }
        return (port, task)
    }

    /// Serves until SIGINT or SIGTERM, then lets requests in flight finish (the CLI).
    public func runUntilSignalled(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onListening: onListening).runService()
    }

    private func application(onListening: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let port = configuration.port
        return Application(
            router: router(),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "passerelle-sim"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: FaultMiddleware(faults: faults))
        let directory = Directory(seed: configuration.seed)
        let prescriptions = EPrescriptionService(seed: configuration.seed, store: store, logger: logger)

        for service in XDSRegistry.services {
            let registry = XDSRegistry(service: service, seed: configuration.seed, store: store, schema: schema, logger: logger)
            router.post(RouterPath("/\(service)/ProvideAndRegisterDocumentSet-b")) { request, _ -> Response in
                let answer = await registry.submit(contentType: request.headers[.contentType] ?? "",
                                                   body: try await Self.body(of: request))
                return Response(status: .init(code: answer.status),
                                headers: [.contentType: "application/soap+xml; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
            }
        }
        // A FHIR transaction is posted to the server's base; `/Bundle` is accepted as well.
        for path in ["/eprescription", "/eprescription/Bundle"] {
            router.post(RouterPath(path)) { request, _ -> Response in
                await prescriptions.submit(contentType: request.headers[.contentType] ?? "", body: try await Self.body(of: request))
            }
        }
        router.get("/eprescription/MedicationRequest") { request, _ in try await prescriptions.search(request) }
        router.get("/eprescription/MedicationRequest/:id") { _, context in
            try await prescriptions.read(lineId: try context.parameters.require("id"))
        }
        router.get("/mpi/Patient") { request, _ in directory.patients(request) }
        router.get("/hpd/Practitioner") { request, _ in directory.practitioners(request) }

        router.get("/") { _, _ in try await overview() }
        router.get("/documents/:service/:uniqueId") { _, context in
            // uniqueIds carry `^`, which arrives percent-encoded.
            let uniqueId = try context.parameters.require("uniqueId")
            return try await document(service: try context.parameters.require("service"),
                                      uniqueId: uniqueId.removingPercentEncoding ?? uniqueId)
        }

        router.get("/admin/received") { _, _ in
            let data = try JSONEncoder().encode(try await store.tally())
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/admin/faults") { _, _ in try await faultList() }
        router.post("/admin/faults") { request, context in
            let rule = try await request.decode(as: FaultRule.self, context: context)
            guard FaultMiddleware<BasicRequestContext>.services.contains(rule.service) else {
                throw HTTPError(.badRequest, message: "unknown service \(rule.service)")
            }
            await faults.set(rule)
            return try await faultList()
        }
        router.delete("/admin/faults") { _, _ in
            await faults.clear()
            return try await faultList()
        }
        return router
    }

    private static func body(of request: Request) async throws -> [UInt8] {
        Array(try await request.body.collect(upTo: maxBodySize).readableBytesView)
    }

    private func overview() async throws -> Response {
        let (documents, ordonnances) = try await store.recent(limit: 100)
        let html = OverviewPage.render(documents: documents, ordonnances: ordonnances)
        return Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8", .contentSecurityPolicy: OverviewPage.contentSecurityPolicy,
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The stored document as text: shown, never interpreted by the browser.
    private func document(service: String, uniqueId: String) async throws -> Response {
        guard let document = try await store.document(service: service, uniqueId: uniqueId) else {
            throw HTTPError(.notFound)
        }
        return Response(status: .ok, headers: [
            .contentType: "text/plain; charset=utf-8", .init("X-Content-Type-Options")!: "nosniff",
            .contentSecurityPolicy: "default-src 'none'",
        ], body: .init(byteBuffer: ByteBuffer(bytes: document.content)))
    }

    private func faultList() async throws -> Response {
        let data = try JSONEncoder().encode(await faults.active)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
