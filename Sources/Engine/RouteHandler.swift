import CDA
import Foundation
import HL7v2
import Journal
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
    private let metrics: EngineMetrics
    private let directory: PlatformDirectory?
    private let schema: XMLSchema?
    private let journal: Journal?
    private let orderingKey: EngineSettings.OrderingKey
    /// Per route name, what an admission says of it, worked out once rather than per message.
    private let admissions: [String: (retry: RetryPolicy, pipelines: Bool)]
    private let logger: Logger

    /// - Parameters:
    ///   - mappings: compiled mappings by file name without `.yaml`.
    ///   - directory: the MPI and HPD, for `enrich` steps.
    ///   - schema: the XSD of `validate: { schema: … }` on CDA sources.
    ///   - journal: where each delivery receipt is recorded.
    ///   - orderingKey: what keeps messages in order (the patient by default).
    public init(routes: [Route], sinks: [String: any Sink], mappings: [String: MappingPlan], terminology: TerminologyStore?,
                metrics: EngineMetrics = EngineMetrics(), directory: PlatformDirectory? = nil, schema: XMLSchema? = nil,
                journal: Journal? = nil, orderingKey: EngineSettings.OrderingKey = .patient,
                logger: Logger = Logger(label: "passerelle.routes")) {
        table = RouteTable(routes)
        self.sinks = sinks
        self.mappings = mappings
        self.terminology = terminology
        self.metrics = metrics
        self.directory = directory
        self.schema = schema
        self.journal = journal
        self.orderingKey = orderingKey
        self.logger = logger
        admissions = Dictionary(routes.map { route in
            let retry = RetryPolicy(attempts: route.onError.attempts, initialBackoff: .milliseconds(route.onError.initialBackoffMilliseconds),
                                    maxBackoff: .milliseconds(route.onError.maxBackoffMilliseconds))
            let pipelines = !route.steps.contains(where: { if case .enrich = $0 { true } else { false } })
                && route.destinations.allSatisfy { sinks[$0.sink] is KafkaSink || sinks[$0.sink] is FileSink }
            return (route.name, (retry, pipelines))
        }) { first, _ in first }
    }

    public var topics: [String] { table.topics }

    /// The message's route (the topic's only one, or the one its first message matches), with
    /// one parse at most for choosing it and the ordering key. Routes whose steps never wait and
    /// whose sinks take a payload before they wait (a Kafka send enqueued, a file written)
    /// pipeline; an HTTP request or an MPI lookup may wait first, so the messages of routes with
    /// platform sinks or `enrich` are finished one at a time per lane.
    public func admit(_ message: KafkaMessage) -> Admission {
        let routes = table.routes(for: message.topic)
        let format = routes.first?.format
        let single = format == .hl7v2 && (routes.count > 1 || orderingKey != .kafkaKey) ? try? HL7Message(message.value) : nil
        let route: Route?
        if routes.count <= 1 {
            route = routes.first
        } else {
            let headers = Self.headers(of: message)
            let facts: MessageFacts? = switch format {
            case .cda: (try? DocumentIntake(message.value))?.facts(headers: headers)
            case .hl7v2Batch: (try? HL7Stream.messages(in: message.value).first).map { MessageFacts($0, headers: headers) }
            default: single.map { MessageFacts($0, headers: headers) }
            }
            route = facts.flatMap { table.route(for: message.topic, facts: $0) }
        }
        let known = route.flatMap { admissions[$0.name] }
        return Admission(route: route?.name ?? "(\(message.topic))", orderingKey: single.flatMap(orderingKey(of:)) ?? message.key,
                         retryPolicy: known?.retry, pipelines: known?.pipelines ?? true,  // unrouted: fails before any wait
                         parsed: single, handler: self)
    }

    /// The patient (PID-3's first repetition) or the configured path; nil when empty.
    private func orderingKey(of message: HL7Message) -> [UInt8]? {
        let path: HL7Path
        switch orderingKey {
        case .kafkaKey: return nil
        case .patient: path = Self.patientIdentifier
        case .path(let configured): path = configured
        }
        guard let value = message.rawText(at: path), !value.isEmpty else { return nil }
        return Array(value.utf8)
    }

    private static let patientIdentifier = try! HL7Path("PID-3")

    /// The HL7 v2 messages of a Kafka message; none for a CDA source.
    private func parse(_ message: KafkaMessage, as format: Route.Format) throws(HL7Error) -> [HL7Message] {
        switch format {
        case .hl7v2: [try HL7Message(message.value)]
        case .hl7v2Batch: try HL7Stream.messages(in: message.value)
        case .cda: []
        }
    }

    private static func headers(of message: KafkaMessage) -> [String: String] {
        Dictionary(message.headers.compactMap { header in header.stringValue.map { (header.key, $0) } }) { _, last in last }
    }

    public func handle(_ message: KafkaMessage, parsed admitted: HL7Message?) async throws(ProcessingFailure) {
        let routes = table.routes(for: message.topic)
        guard let format = routes.first?.format else {
            throw .permanent(step: "route", "no route reads topic \(message.topic)")
        }
        if format == .cda { return try await handleDocument(message) }
        let parsed: [HL7Message]
        if let admitted {
            parsed = [admitted]
        } else {
            do {
                parsed = try parse(message, as: format)
            } catch {
                throw .permanent(step: "parse", Self.describe(error))
            }
        }
        let headers = Self.headers(of: message)
        for (index, hl7) in parsed.enumerated() {
            let facts = MessageFacts(hl7, headers: headers)
            let position = parsed.count > 1 ? " (message \(index + 1) of the batch)" : ""
            guard let route = table.route(for: message.topic, facts: facts) else {
                throw .permanent(step: "route", "no route matches \(facts.summary)\(position)")
            }
            try await run(route, on: hl7, facts: facts, position: position, source: message)
        }
    }

    /// A CDA source: checked as the route says, mapped (a `from: cda` mapping) and rendered if it
    /// says so, else delivered as received; keyed by the document's id either way.
    private func handleDocument(_ message: KafkaMessage) async throws(ProcessingFailure) {
        let intake = try DocumentIntake(message.value)
        let facts = intake.facts(headers: Self.headers(of: message))
        guard let route = table.route(for: message.topic, facts: facts) else {
            throw .permanent(step: "route", "no route matches \(facts.summary)")
        }
        var output = Output.source(nil)
        for step in route.steps {
            switch step {
            case .validateDocument(let header, let schemaSeverity):
                try judge(intake.check(header: header, schema: schemaSeverity, against: schema), route: route, position: "")
            case .map(let name):
                output = .canonical(try map(name, route: route, position: "") { plan throws(MappingRunError) in try plan.map(intake.document) })
            case .render(let format):
                output = try render(output, as: format, position: "")
            case .validate, .validatePrescriptions, .enrich:
                throw .permanent(step: "route", "HL7 v2 steps need an HL7 v2 source")
            }
        }
        let (body, contentType) = try payload(of: output, position: "") { (message.value, "application/hl7-v3+xml") }
        guard let key = intake.documentKey else { throw .permanent(step: "parse", "the ClinicalDocument has no id") }
        // The loader gives CDA routes constant parameters only.
        try await deliver(SinkPayload(body: body, contentType: contentType, idempotencyKey: "\(route.name):\(key)"),
                          along: route, source: message) { _ in nil }
    }

    /// Runs mapping `name` (`apply` hands it the message) and logs its findings. The canonical
    /// JSON is left to the end of the route: encoding it after every map step, to be replaced by
    /// a render, took more time than the mapping itself.
    private func map(_ name: String, route: Route, position: String,
                     _ apply: (MappingPlan) throws(MappingRunError) -> MappingResult) throws(ProcessingFailure) -> CanonicalValue {
        guard let plan = mappings[name] else { throw .permanent(step: "map:\(name)", "mapping is not loaded") }
        do {
            let result = try apply(plan)
            for finding in result.findings {
                logger.warning("mapping finding", metadata: ["route": "\(route.name)", "mapping": "\(name)", "rule": "\(finding.rule)"])
            }
            return result.value
        } catch {
            // Mapping errors name the mapping, the rule and the message path, never values.
            throw .permanent(step: "map:\(name)", "\(error)\(position)")
        }
    }

    /// What a route delivers, as its steps so far leave it; encoded once, at the end.
    private enum Output {
        /// The message received (HL7 v2: as enriched), and the value of a map step before, if any.
        case source(CanonicalValue?)
        /// The last map step's value, delivered as canonical JSON unless rendered.
        case canonical(CanonicalValue)
        case rendered(CanonicalValue, body: [UInt8], contentType: String)

        var canonical: CanonicalValue? {
            switch self {
            case .source(let value): value
            case .canonical(let value), .rendered(let value, _, _): value
            }
        }
    }

    /// `output` after a `render: format` step: the last map step's value rendered.
    private func render(_ output: Output, as format: String, position: String) throws(ProcessingFailure) -> Output {
        guard let canonical = output.canonical else { throw .permanent(step: "render", "nothing to render: no map step ran") }
        let (body, contentType) = try render(canonical, as: format, position: position)
        return .rendered(canonical, body: body, contentType: contentType)
    }

    /// The body and content type `output` delivers; `source` encodes the message received.
    private func payload(of output: Output, position: String, source: () -> ([UInt8], String)) throws(ProcessingFailure) -> ([UInt8], String) {
        switch output {
        case .source: source()
        case .canonical(let canonical): try render(canonical, as: OutputFormat.json.rawValue, position: position)
        case .rendered(_, let body, let contentType): (body, contentType)
        }
    }

    /// `canonical` as `format`, with its content type.
    private func render(_ canonical: CanonicalValue, as format: String, position: String) throws(ProcessingFailure) -> ([UInt8], String) {
        guard let output = OutputFormat(rawValue: format) else {
            throw .permanent(step: "render", "unknown format \(format)")
        }
        do {
            let contentType = switch output {
            case .cda: "application/hl7-v3+xml"
            case .fhir: "application/fhir+json"
            case .json: "application/json"
            }
            return (try canonical.rendered(as: output), contentType)
        } catch {
            throw .permanent(step: "render:\(format)", "\(error)\(position)")
        }
    }

    private func run(_ route: Route, on received: HL7Message, facts: MessageFacts, position: String,
                     source: KafkaMessage) async throws(ProcessingFailure) {
        var message = received
        var output = Output.source(nil)
        for step in route.steps {
            switch step {
            case .validate(let loinc, let units):
                try judge(ObservationValidation(loinc: loinc, units: units).check(message, table: terminology?.current.loinc),
                          route: route, position: position)
            case .enrich(let enrichment):
                let enrich = Enrichment(directory: directory)
                message = switch enrichment {
                case .patient: try await enrich.patient(message)
                case .professionals: try await enrich.professionals(message)
                }
                output = .source(output.canonical)
            case .validateDocument:
                throw .permanent(step: "validate", "document checks need a CDA source")
            case .validatePrescriptions(let medications, let positiveList):
                try judge(PrescriptionValidation(medications: medications, positiveList: positiveList)
                    .check(message, list: terminology?.current.medications), route: route, position: position)
            case .map(let name):
                output = .canonical(try map(name, route: route, position: position) { plan throws(MappingRunError) in try plan.map(message) })
            case .render(let format):
                output = try render(output, as: format, position: position)
            }
        }
        let (body, contentType) = try payload(of: output, position: position) {
            (message.serialize(terminateLastSegment: true), "x-application/hl7-v2+er7")
        }
        let payload = SinkPayload(
            body: body, contentType: contentType,
            idempotencyKey: "\(route.name):\(facts.sendingFacility):\(message.controlID)")
        try await deliver(payload, along: route, source: source, position: position) { path in
            message.value(at: path).flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// Hands `payload` to every destination of `route` with its parameters; `valueAt` reads those
    /// taken from the message (nil: empty or absent, a permanent failure).
    private func deliver(_ payload: SinkPayload, along route: Route, source: KafkaMessage, position: String = "",
                         valueAt: (HL7Path) -> String?) async throws(ProcessingFailure) {
        var deliveries: [(sink: any Sink, payload: SinkPayload)] = []
        for destination in route.destinations {
            guard let sink = sinks[destination.sink] else {
                throw .permanent(step: "sink:\(destination.sink)", "sink is not configured")
            }
            var delivered = payload
            delivered.metadata.merge(destination.parameters) { _, parameter in parameter }
            for (key, path) in destination.messageParameters {
                guard let value = valueAt(path) else {
                    throw .permanent(step: "sink:\(destination.sink)", "parameter \(key): \(path) is empty\(position)")
                }
                delivered.metadata[key] = value
            }
            deliveries.append((sink, delivered))
        }
        // One destination, the usual case, needs no child task.
        if deliveries.count == 1, let only = deliveries.first {
            if let failure = await deliver(only.payload, to: only.sink, route: route.name, source: source) { throw failure }
            return
        }
        // Every sink gets the payload at once, each handed off (synchronously, in order) before
        // the first wait: see MessageHandler. The first failing destination's error is reported;
        // a retry delivers to all again, which idempotent sinks absorb.
        let failure = await withTaskGroup(of: (Int, ProcessingFailure?).self) { group in
            for (index, delivery) in deliveries.enumerated() {
                group.addImmediateTask {
                    (index, await self.deliver(delivery.payload, to: delivery.sink, route: route.name, source: source))
                }
            }
            var first: (index: Int, failure: ProcessingFailure)?
            for await case (let index, let failure?) in group where index < first?.index ?? .max {
                first = (index, failure)
            }
            return first?.failure
        }
        if let failure { throw failure }
    }

    private func deliver(_ payload: SinkPayload, to sink: any Sink, route: String, source: KafkaMessage) async -> ProcessingFailure? {
        let metrics = self.metrics.sink(sink.name)
        let start = ContinuousClock.now
        do {
            let receipt = try await sink.deliver(payload)
            metrics.delivered.increment()
            metrics.latency.record(duration: ContinuousClock.now - start)
            await journal?.record(JournalEvent(
                kind: .delivered, topic: source.topic, partition: source.partition, offset: source.offset, route: route,
                sink: receipt.sink, reference: receipt.reference, duplicate: receipt.duplicate, idempotencyKey: payload.idempotencyKey),
                logger: logger)
            return nil
        } catch {
            metrics.failed.increment()
            return ProcessingFailure(error.isTransient ? .transient : .permanent, step: "sink:\(sink.name)", reason: error.reason)
        }
    }

    /// The HL7 acknowledgment of each message of a route with a reply topic, keyed like the
    /// input: AA when delivered; when dead-lettered AR if no route takes it, else AE, with an
    /// ERR naming the step and reason (which never carry patient data). A message that does
    /// not parse has no header to answer, and a sender that asked for none (MSH-16) gets none.
    public func replies(to message: KafkaMessage, failure: ProcessingFailure?) -> [KafkaRecord] {
        let routes = table.routes(for: message.topic)
        let replyTopics = Set(routes.compactMap(\.onError.replyTopic))
        guard !replyTopics.isEmpty, let format = routes.first?.format,
              let parsed = try? parse(message, as: format) else { return [] }
        let headers = Self.headers(of: message)
        // An unrouted message is answered on the reply topic of the topic's routes, if they all name the same one.
        let unrouted = replyTopics.count == 1 && routes.allSatisfy { $0.onError.replyTopic != nil } ? replyTopics.first : nil
        return parsed.compactMap { hl7 -> KafkaRecord? in
            let route = table.route(for: message.topic, facts: MessageFacts(hl7, headers: headers))
            guard let topic = route == nil ? unrouted : route?.onError.replyTopic else { return nil }
            let code: AcknowledgmentCode = failure == nil ? .applicationAccept : failure?.step == "route" ? .applicationReject : .applicationError
            guard hl7.wantsAcknowledgment(code),
                  let ack = try? hl7.acknowledgment(code, text: failure.map { "\($0.step): \($0.reason)" },
                                                    errorCode: failure?.step == "route" ? "200" : "207",
                                                    controlID: Self.newControlID(), timestamp: Self.timestamp(Date()))
            else { return nil }
            return KafkaRecord(topic: topic, key: message.key, value: ack.serialize(terminateLastSegment: true), headers: [
                KafkaHeader(key: "content-type", value: "x-application/hl7-v2+er7"),
                KafkaHeader(key: DeadLetterHeader.route, value: route?.name ?? "(\(message.topic))"),
                KafkaHeader(key: DeadLetterHeader.sourceTopic, value: message.topic),
                KafkaHeader(key: DeadLetterHeader.sourcePartition, value: String(message.partition)),
                KafkaHeader(key: DeadLetterHeader.sourceOffset, value: String(message.offset)),
            ])
        }
    }

    /// 20 characters, MSH-10's limit, unique enough to never repeat.
    static func newControlID() -> String {
        "PA" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(18)
    }

    /// HL7 DTM in UTC: `YYYYMMDDHHMMSS+0000`.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let fields = [c.month, c.day, c.hour, c.minute, c.second].map { String(format: "%02d", $0 ?? 0) }
        return String(format: "%04d", c.year ?? 0) + fields.joined() + "+0000"
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
