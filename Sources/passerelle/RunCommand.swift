import ArgumentParser
import Dispatch
import Engine
import Foundation
import Kafka
import Logging
import Routing

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine: consume the routes' topics, deliver to their sinks, commit what is done.",
        discussion: """
            SIGTERM or SIGINT stops consuming, lets in-flight messages finish within the drain deadline, commits and exits. \
            SIGHUP reloads routes, mappings and terminology: checked first, then used for the messages that start after it; \
            an invalid new version is refused and logged, and the old one stays. Edited files reload the same way \
            (watch_interval_ms in the configuration; 0 leaves reloads to SIGHUP).
            """)

    @Option(help: "The engine configuration file (YAML).") var config: String

    func run() async throws {
        let logger = Logger(label: "passerelle.run")
        try Librdkafka.requireSupportedVersion()
        let settings: EngineSettings
        do { settings = try EngineSettings.load(file: config) } catch { throw CommandFailure(error.description) }

        // Before the engine's metrics are made, so that they report to the endpoint.
        var metricsTask: Task<Void, any Error>?
        if let address = settings.metricsListen {
            metricsTask = try await MetricsEndpoint(address: address, logger: logger).start()
        }
        defer { metricsTask?.cancel() }

        let assembly: EngineAssembly
        do { assembly = try EngineAssembly(settings: settings) } catch let error as EngineSetupError { throw CommandFailure(error.description) }
        let engine = try assembly.makeEngine()

        // On a dispatch queue (the signal's or the watcher's): loading reads files, which must not block the engine's tasks.
        @Sendable func reload(_ cause: String) {
            do {
                let catalog = try assembly.reload()
                logger.notice("reloaded routes and mappings", metadata: [
                    "cause": "\(cause)", "routes": "\(catalog.routes.map(\.name).sorted().joined(separator: ","))",
                ])
            } catch {
                logger.error("reload refused, the routes in force stay: \(error)", metadata: ["cause": "\(cause)"])
            }
        }
        let watcher = settings.watchIntervalMilliseconds == 0 ? nil : FileChangeWatcher(
            directories: [settings.routesDirectory, settings.mappingsDirectory] + (settings.terminologyDirectory.map { [$0] } ?? []),
            interval: .milliseconds(settings.watchIntervalMilliseconds)) { reload("files changed") }
        defer { watcher?.cancel() }

        let signals = [SIGTERM, SIGINT, SIGHUP].map { (number: Int32) -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler {
                guard number == SIGHUP else {
                    logger.notice("signal \(number): draining")
                    return engine.shutdown()
                }
                reload("SIGHUP")
            }
            source.resume()
            return source
        }
        logger.notice("started", metadata: [
            "routes": "\(assembly.catalog.routes.map(\.name).sorted().joined(separator: ","))",
            "topics": "\(assembly.handler.topics.joined(separator: ","))",
            "group": "\(settings.group)", "librdkafka": "\(Librdkafka.version)",
        ])
        try await engine.run()
        signals.forEach { $0.cancel() }
        await assembly.close()
        let statistics = engine.statistics
        logger.notice("stopped", metadata: [
            "processed": "\(statistics.processed)", "dead-lettered": "\(statistics.deadLettered)", "retries": "\(statistics.retries)",
        ])
    }
}
