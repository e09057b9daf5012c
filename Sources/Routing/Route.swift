import HL7v2

/// A route: where messages come from, which it takes, what is done to them, where they go,
/// and what happens when that fails. Loaded from `Routes/*.yaml`.
public struct Route: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// One HL7 v2 message per Kafka message.
        case hl7v2
        /// FHS/BHS batch files or several messages in one payload, split into messages.
        case hl7v2Batch = "hl7v2-batch"
        /// One CDA document per Kafka message (a hospital's own CDA): passed on unchanged, or mapped by a `from: cda` mapping.
        case cda
    }

    /// Conditions on a message; every given one must hold.
    public struct Match: Sendable, Hashable {
        /// MSH-9.1^MSH-9.2, e.g. `ORU^R01`; `ORU` alone matches every trigger.
        public var messageType: String?
        public var sendingApplication: String?
        public var sendingFacility: String?
        /// Kafka header values.
        public var headers: [String: String] = [:]
        /// CDA sources: a templateId root the document declares.
        public var template: String?
        /// CDA sources: the document's `code` (a LOINC code).
        public var documentCode: String?

        public init(messageType: String? = nil, sendingApplication: String? = nil, sendingFacility: String? = nil,
                    headers: [String: String] = [:]) {
            self.messageType = messageType
            self.sendingApplication = sendingApplication
            self.sendingFacility = sendingFacility
            self.headers = headers
        }
    }

    public enum Severity: String, Sendable, Hashable, CaseIterable {
        /// A finding dead-letters the message.
        case required
        /// A finding is logged (without values) and the message goes on.
        case warn
        case off
    }

    public enum Step: Sendable, Hashable {
        case validate(loinc: Severity, units: Severity)
        /// The prescribed products of an OMP^O09 or RDE^O11 (see `PrescriptionValidation`).
        case validatePrescriptions(medications: Severity, positiveList: Severity)
        /// A CDA source's Luxembourg header rules and its schema (the configuration's `schema`).
        case validateDocument(header: Severity, schema: Severity)
        /// What the platform's directories add to the message (`enrich: patient`).
        case enrich(Enrichment)
        /// A mapping of `Mappings/` (by file name without `.yaml`) to the canonical model.
        case map(mapping: String)
        /// The canonical model written as `cda` or `json`; needs a `map` before it.
        case render(format: String)
    }

    /// What an `enrich` step asks: the MPI for the matricule, the HPD for professionals' hpdIDs.
    public enum Enrichment: String, Sendable, Hashable, CaseIterable {
        case patient, professionals
    }

    /// Output formats a `render` step can write.
    public static let renderFormats = ["cda", "fhir", "json"]

    public struct Destination: Sendable, Hashable {
        public var sink: String
        /// Sink parameters passed with the payload's metadata (e.g. `typeCode: DT-00002`).
        public var parameters: [String: String]
        /// Parameters read from each message (`caseId: { path: TXA-12.1 }`); an empty value is a
        /// permanent failure naming the parameter and the path.
        public var messageParameters: [String: HL7Path]

        public init(sink: String, parameters: [String: String] = [:], messageParameters: [String: HL7Path] = [:]) {
            self.sink = sink
            self.parameters = parameters
            self.messageParameters = messageParameters
        }
    }

    public struct ErrorPolicy: Sendable, Hashable {
        public var attempts: Int
        public var initialBackoffMilliseconds: Int
        public var maxBackoffMilliseconds: Int
        /// Where an HL7 acknowledgment of each message goes once it is done: AA when delivered,
        /// AE or AR naming the failed step and reason when dead-lettered. Nil: no reply.
        public var replyTopic: String?

        public init(attempts: Int, initialBackoffMilliseconds: Int, maxBackoffMilliseconds: Int, replyTopic: String? = nil) {
            self.attempts = attempts
            self.initialBackoffMilliseconds = initialBackoffMilliseconds
            self.maxBackoffMilliseconds = maxBackoffMilliseconds
            self.replyTopic = replyTopic
        }

        public static let standard = ErrorPolicy(attempts: 5, initialBackoffMilliseconds: 200, maxBackoffMilliseconds: 30_000)
    }

    public var name: String
    public var file: String
    public var line: Int
    public var topic: String
    public var format: Format
    public var match: Match
    public var steps: [Step]
    public var destinations: [Destination]
    public var onError: ErrorPolicy
}
