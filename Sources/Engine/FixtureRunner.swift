import HL7v2
import Kafka
import Routing
import Sinks
import Synchronization

/// Runs route fixtures in-process: the catalog's routes with a capturing sink in place of each
/// destination, no broker and no platform.
public struct FixtureRunner: Sendable {
    private let catalog: RouteCatalog

    public init(catalog: RouteCatalog) {
        self.catalog = catalog
    }

    /// Nil when the fixture passes, else what differs (sink names, steps, sizes; never content).
    public func run(_ fixture: RouteFixture) async -> String? {
        let names = Set(catalog.routes.flatMap { $0.destinations.map(\.sink) })
        let sinks = Dictionary(uniqueKeysWithValues: names.map { ($0, CapturingSink(name: $0)) })
        let handler = RouteHandler(routes: catalog.routes, sinks: sinks.mapValues { $0 as any Sink }, mappings: catalog.mappings,
                                   terminology: catalog.terminology)
        guard let topic = fixture.topic ?? catalog.routes.first(where: { $0.name == fixture.route })?.topic else {
            return "no route named '\(fixture.route)'"
        }
        let message = KafkaMessage(topic: topic, partition: 0, offset: 0, key: fixture.key.map { Array($0.utf8) }, value: fixture.input,
                                   headers: fixture.headers.sorted { $0.key < $1.key }.map { KafkaHeader(key: $0.key, value: $0.value) },
                                   timestampMilliseconds: nil)
        let route = handler.admit(message).route
        if route != fixture.route { return "taken by route '\(route)', expected '\(fixture.route)'" }
        var failure: ProcessingFailure?
        do { try await handler.handle(message) } catch { failure = error }
        switch (fixture.expectation, failure) {
        case (.deliver(let expected), nil):
            for name in names.sorted() {
                let got = sinks[name]!.payloads
                switch (expected[name], got.count) {
                case (nil, 0): continue
                case (nil, let count): return "sink '\(name)' got \(count) payload(s), expected none"
                case (.some, let count) where count != 1: return "sink '\(name)' got \(count) payload(s), expected one"
                case (let bytes?, _) where bytes != got[0].body:
                    return "sink '\(name)' payload differs from the expected file (\(got[0].body.count) bytes, expected \(bytes.count))"
                default: continue
                }
            }
            if let unknown = Set(expected.keys).subtracting(names).sorted().first { return "no route delivers to sink '\(unknown)'" }
        case (.deliver, let failure?):
            return "dead-lettered at \(failure.step): \(failure.reason)"
        case (.deadLetter(let step, let reason), nil):
            return "delivered, expected a dead letter at \(step)\(reason.isEmpty ? "" : " (\(reason))")"
        case (.deadLetter(let step, let reason), let failure?):
            if failure.step != step || !failure.reason.contains(reason) {
                return "dead-lettered at \(failure.step): \(failure.reason); expected \(step)\(reason.isEmpty ? "" : " with '\(reason)'")"
            }
        }
        if let code = fixture.reply {
            let replies = handler.replies(to: message, failure: failure)
            let got = replies.first.flatMap { try? HL7Message($0.value).value(at: HL7Path(segment: "MSA", field: 1)) }
            if got != code { return "reply \(got ?? "none"), expected \(code)" }
        }
        return nil
    }
}

/// Keeps what it is given.
final class CapturingSink: Sink {
    let name: String
    private let captured = Mutex<[SinkPayload]>([])

    init(name: String) { self.name = name }

    var payloads: [SinkPayload] { captured.withLock { $0 } }

    func deliver(_ payload: SinkPayload) async throws(SinkError) -> SinkReceipt {
        captured.withLock { $0.append(payload) }
        return SinkReceipt(sink: name, reference: "captured")
    }
}
