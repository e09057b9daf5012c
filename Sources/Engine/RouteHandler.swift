import HL7v2
import Kafka
import Logging
import Mapping
import Routing
import Sinks
import Terminology

/// Runs routes: parses the message per its source format, picks the one route that matches,
/// runs its steps and delivers to its sinks. Every failure says which step and why, in terms
/// that name paths, rules and codes, never patient data.
public struct RouteHandler: MessageHandler {
    private let table: RouteTable
    private let sinks: [String: any Sink]
    private let mappings: [String: MappingPlan]
    private let terminology: TerminologyStore?
    private let logger: Logger

    /// - Parameter mappings: compiled mappings by file name without `.yaml`.
    public init(routes: [Route], sinks: [String: any Sink], mappings: [String: MappingPlan], terminology: TerminologyStore?,
                logger: Logger = Logger(label: "passerelle.routes")) {
        table = RouteTable(routes)
        self.sinks = sinks
        self.mappings = mappings
        self.terminology = terminology
        self.logger = logger
    }

    public var topics: [String] { table.topics }

    public func route(for message: KafkaMessage) -> String {
        let routes = table.routes(for: message.topic)
        return routes.count == 1 ? routes[0].name : "(\(message.topic))"
    }

    public func retryPolicy(for message: KafkaMessage) -> RetryPolicy? {
        let routes = table.routes(for: message.topic)
        guard routes.count == 1 else { return nil }
        let policy = routes[0].onError
        return RetryPolicy(attempts: policy.attempts, initialBackoff: .milliseconds(policy.initialBackoffMilliseconds),
                           maxBackoff: .milliseconds(policy.maxBackoffMilliseconds))
    }

    public func handle(_ message: KafkaMessage) async throws(ProcessingFailure) {
        let routes = table.routes(for: message.topic)
        guard let format = routes.first?.format else {
            throw .permanent(step: "route", "no route reads topic \(message.topic)")
        }
        let parsed: [HL7Message]
        do {
            parsed = format == .hl7v2Batch ? try HL7Stream.messages(in: message.value) : [try HL7Message(message.value)]
        } catch {
            throw .permanent(step: "parse", Self.describe(error))
        }
        let headers = Dictionary(message.headers.compactMap { header in header.stringValue.map { (header.key, $0) } }) { _, last in last }
        for (index, hl7) in parsed.enumerated() {
            let facts = MessageFacts(hl7, headers: headers)
            let position = parsed.count > 1 ? " (message \(index + 1) of the batch)" : ""
            guard let route = table.route(for: message.topic, facts: facts) else {
                throw .permanent(step: "route", "no route matches \(facts.summary)\(position)")
            }
            try await run(route, on: hl7, facts: facts, position: position)
        }
    }

    private func run(_ route: Route, on message: HL7Message, facts: MessageFacts, position: String) async throws(ProcessingFailure) {
        var body = message.serialize(terminateLastSegment: true)
        var contentType = "x-application/hl7-v2+er7"
        var canonical: CanonicalValue?
        for step in route.steps {
            switch step {
            case .validate(let loinc, let units):
                try judge(ObservationValidation(loinc: loinc, units: units).check(message, table: terminology?.current.loinc),
                          route: route, position: position)
            case .validatePrescriptions(let medications, let positiveList):
                try judge(PrescriptionValidation(medications: medications, positiveList: positiveList)
                    .check(message, list: terminology?.current.medications), route: route, position: position)
            case .map(let name):
                guard let plan = mappings[name] else { throw .permanent(step: "map:\(name)", "mapping is not loaded") }
                do {
                    let result = try plan.map(message)
                    for finding in result.findings {
                        logger.warning("mapping finding", metadata: ["route": "\(route.name)", "mapping": "\(name)", "rule": "\(finding.rule)"])
                    }
                    canonical = result.value
                    body = try result.value.json()
                    contentType = "application/json"
                } catch {
                    // Mapping errors name the mapping, the rule and the message path, never values.
                    throw .permanent(step: "map:\(name)", "\(error)\(position)")
                }
            case .render(let format):
                guard let canonical, let output = OutputFormat(rawValue: format) else {
                    throw .permanent(step: "render", "nothing to render: no map step ran")
                }
                do {
                    body = try canonical.rendered(as: output)
                } catch {
                    throw .permanent(step: "render:\(format)", "\(error)\(position)")
                }
                contentType = switch output {
                case .cda: "application/hl7-v3+xml"
                case .fhir: "application/fhir+json"
                case .json: "application/json"
                }
            }
        }
        let payload = SinkPayload(
            body: body, contentType: contentType,
            idempotencyKey: "\(route.name):\(facts.sendingFacility):\(message.controlID)")
        for destination in route.destinations {
            guard let sink = sinks[destination.sink] else {
                throw .permanent(step: "sink:\(destination.sink)", "sink is not configured")
            }
            var delivered = payload
            delivered.metadata.merge(destination.parameters) { _, parameter in parameter }
            for (key, path) in destination.messageParameters {
                guard let value = message.value(at: path), !value.isEmpty else {
                    throw .permanent(step: "sink:\(destination.sink)", "parameter \(key): \(path) is empty\(position)")
                }
                delivered.metadata[key] = value
            }
            do {
                _ = try await sink.deliver(delivered)
            } catch {
                throw ProcessingFailure(error.isTransient ? .transient : .permanent, step: "sink:\(destination.sink)", reason: error.reason)
            }
        }
    }

    /// Logs what is only reported (rule and path, never values) and rejects on the rest.
    private func judge(_ outcome: ObservationValidation.Outcome, route: Route, position: String) throws(ProcessingFailure) {
        for finding in outcome.reported {
            logger.warning("validation finding", metadata: ["route": "\(route.name)", "rule": "\(finding.rule)",
                                                            "path": "\(finding.location?.path ?? "")"])
        }
        if !outcome.rejecting.isEmpty {
            let reasons = outcome.rejecting.map { "\($0.rule) at \($0.location?.path ?? "?")" + ($0.code.map { " (\($0))" } ?? "") }
            throw .permanent(step: "validate", reasons.joined(separator: "; ") + position)
        }
    }

    /// The parse error without the bytes it quotes: kind and position only.
    static func describe(_ error: HL7Error) -> String {
        var text = "\(error.kind.rawValue)"
        if let offset = error.offset { text += " at byte \(offset)" }
        if let segment = error.segment { text += ", segment \(segment)" + (error.segmentName.map { " (\($0))" } ?? "") }
        if let field = error.field { text += ", field \(field)" }
        return text
    }
}
