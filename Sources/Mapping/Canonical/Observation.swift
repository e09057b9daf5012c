extension Canonical {
    /// One result: what was observed (code), what was found (value), and how to read it.
    public struct Observation: Sendable, Hashable, Codable {
        public var id: Identifier?
        public var code: Coding?
        public var value: ObservationValue?
        public var referenceRange: ReferenceRange?
        /// Abnormality, as HL7 v3 ObservationInterpretation codes it (N, H, L, HH, LL, A…).
        public var interpretation: Coding?
        /// completed, aborted… (CDA ActStatus).
        public var status: String?
        public var effectiveTime: DateTime?
        public var performer: Professional?
        public var comment: String?

        public init(id: Identifier? = nil, code: Coding? = nil, value: ObservationValue? = nil,
                    referenceRange: ReferenceRange? = nil, interpretation: Coding? = nil, status: String? = nil,
                    effectiveTime: DateTime? = nil, performer: Professional? = nil, comment: String? = nil) {
            self.id = id
            self.code = code
            self.value = value
            self.referenceRange = referenceRange
            self.interpretation = interpretation
            self.status = status
            self.effectiveTime = effectiveTime
            self.performer = performer
            self.comment = comment
        }
    }

    /// A typed result value. Numbers stay decimal text, exactly as sent, so that no precision is
    /// lost or invented on the way to CDA.
    public enum ObservationValue: Sendable, Hashable, Codable {
        /// A number with its UCUM unit; `comparator` (<, <=, >, >=) when the sender gave a bound only.
        case quantity(value: String, unit: String?, comparator: String?)
        /// An interval, e.g. an HL7 SN `^10^-^20`.
        case range(low: String?, high: String?, unit: String?)
        case coded(Coding)
        case text(String)
        case dateTime(DateTime)
    }

    public struct ReferenceRange: Sendable, Hashable, Codable {
        public var low: String?
        public var high: String?
        public var unit: String?
        /// The range as sent when it is not a plain interval (e.g. `negative`).
        public var text: String?

        public init(low: String? = nil, high: String? = nil, unit: String? = nil, text: String? = nil) {
            self.low = low
            self.high = high
            self.unit = unit
            self.text = text
        }
    }
}
