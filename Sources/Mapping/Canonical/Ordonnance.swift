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
        /// As FHIR MedicationRequest codes it: active, on-hold, cancelled, completed, stopped, draft…
        public var status: String?
        /// Product code, in the national medication code system 1.3.182.5.47.
        public var product: Coding?
        /// Pharmaceutical form (code system 1.3.182.5.36), also the unit of a dose counted in units.
        public var form: Coding?
        public var route: Coding?
        /// Amount per administration, decimal text as sent.
        public var dose: String?
        public var doseUnit: String?
        /// How often, as the prescriber's repeat pattern (HL7 TQ1-3, e.g. BID, Q8H).
        public var timing: String?
        /// The treatment period.
        public var start: DateTime?
        public var end: DateTime?
        /// Amount to dispense, decimal text as sent.
        public var quantity: String?
        public var quantityUnit: String?
        /// Refills allowed after the first dispense.
        public var repeats: Int?
        public var substitutionAllowed: Bool?
        public var instructions: String?

        public init(id: String? = nil, status: String? = nil, product: Coding? = nil, form: Coding? = nil, route: Coding? = nil,
                    dose: String? = nil, doseUnit: String? = nil, timing: String? = nil, start: DateTime? = nil,
                    end: DateTime? = nil, quantity: String? = nil, quantityUnit: String? = nil, repeats: Int? = nil,
                    substitutionAllowed: Bool? = nil, instructions: String? = nil) {
            self.id = id
            self.status = status
            self.product = product
            self.form = form
            self.route = route
            self.dose = dose
            self.doseUnit = doseUnit
            self.timing = timing
            self.start = start
            self.end = end
            self.quantity = quantity
            self.quantityUnit = quantityUnit
            self.repeats = repeats
            self.substitutionAllowed = substitutionAllowed
            self.instructions = instructions
        }
    }
}
