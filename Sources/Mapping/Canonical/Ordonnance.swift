extension Canonical {
    /// A prescription (ordonnance) of one or more lines, each dispensed and tracked on its own.
    public struct Ordonnance: Sendable, Hashable, Codable {
        /// The ordonnance id (HL7 ORC-4 placer group), shared by its lines.
        public var id: Identifier?
        public var written: DateTime?
        public var patient: Patient
        public var prescriber: Professional?
        public var lines: [PrescriptionLine]

        public init(id: Identifier? = nil, written: DateTime? = nil, patient: Patient = Patient(),
                    prescriber: Professional? = nil, lines: [PrescriptionLine] = []) {
            self.id = id
            self.written = written
            self.patient = patient
            self.prescriber = prescriber
            self.lines = lines
        }
    }

    public struct PrescriptionLine: Sendable, Hashable, Codable {
        /// The line's own id (a UUID, stable per input when the mapping asks for it).
        public var id: String?
        /// active, cancelled, completed…
        public var status: String?
        /// Product code, in the national medication code system 1.3.182.5.47.
        public var product: Coding?
        public var form: Coding?
        public var dose: String?
        public var doseUnit: String?
        public var timing: String?
        public var quantity: String?
        public var repeats: Int?
        public var substitutionAllowed: Bool?
        public var instructions: String?

        public init(id: String? = nil, status: String? = nil, product: Coding? = nil, form: Coding? = nil,
                    dose: String? = nil, doseUnit: String? = nil, timing: String? = nil, quantity: String? = nil,
                    repeats: Int? = nil, substitutionAllowed: Bool? = nil, instructions: String? = nil) {
            self.id = id
            self.status = status
            self.product = product
            self.form = form
            self.dose = dose
            self.doseUnit = doseUnit
            self.timing = timing
            self.quantity = quantity
            self.repeats = repeats
            self.substitutionAllowed = substitutionAllowed
            self.instructions = instructions
        }
    }
}
