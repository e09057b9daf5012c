import CoreMetrics
import Hummingbird
import Logging
import NIOCore
import Prometheus
import Routing

/// `GET /metrics`: the engine's swift-metrics in Prometheus' text format, for the operator's
/// scraper. Bootstraps the process's metrics system, so it is made before the engine.
struct MetricsEndpoint {
    let registry = PrometheusCollectorRegistry()
    let address: EngineSettings.ListenAddress
    let logger: Logger

    init(address: EngineSettings.ListenAddress, logger: Logger) {
        self.address = address
        self.logger = logger
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    /// Serves in a task of its own once listening (a port taken or refused throws here, before
    /// the engine starts); cancel the task to stop.
    func start() async throws -> Task<Void, any Error> {
        let router = Router()
        router.get("metrics") { [registry] _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        let (listening, listeningSink) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "passerelle"),
            onServerRunning: { channel in listeningSink.yield(channel.localAddress?.port ?? address.port) },
            logger: logger)
        let task = Task {
            defer { listeningSink.finish() }
            try await application.run()
        }
        var ports = listening.makeAsyncIterator()
        guard let port = await ports.next() else {
            try await task.value
            throw CommandFailure("metrics: cannot listen on \(address.host):\(address.port)")
        }
        logger.notice("metrics at http://\(address.host):\(port)/metrics")
        return task
    }
}
