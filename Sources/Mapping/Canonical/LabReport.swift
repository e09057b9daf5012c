extension Canonical {
    /// A laboratory report: the results of one or more orders (batteries), grouped for display by
    /// laboratory specialty (XD-LAB sections).
    public struct LabReport: Sendable, Hashable, Codable {
        /// The document's unique id (a UUID, stable per input when the mapping asks for it).
        public var id: String?
        public var setID: String?
        public var version: Int?
        public var effectiveTime: DateTime?
        public var title: String?
        public var language: String?
        public var patient: Patient
        public var author: Professional?
        /// The laboratory: author organisation and custodian.
        public var laboratory: Organisation?
        public var orderer: Professional?
        public var batteries: [LabBattery]

        public init(id: String? = nil, setID: String? = nil, version: Int? = nil, effectiveTime: DateTime? = nil,
                    title: String? = nil, language: String? = nil, patient: Patient = Patient(),
                    author: Professional? = nil, laboratory: Organisation? = nil, orderer: Professional? = nil,
                    batteries: [LabBattery] = []) {
            self.id = id
            self.setID = setID
            self.version = version
            self.effectiveTime = effectiveTime
            self.title = title
            self.language = language
            self.patient = patient
            self.author = author
            self.laboratory = laboratory
            self.orderer = orderer
            self.batteries = batteries
        }

        /// Batteries grouped by specialty, in order of first appearance.
        public var sections: [LabSection] {
            var sections: [LabSection] = []
            for battery in batteries {
                if let index = sections.firstIndex(where: { $0.specialty.code == battery.specialty?.code }) {
                    sections[index].batteries.append(battery)
                } else {
                    sections.append(LabSection(specialty: battery.specialty ?? LabSection.generic, batteries: [battery]))
                }
            }
            return sections
        }
    }

    /// One order's results (HL7 OBR with its OBX), an XD-LAB item section.
    public struct LabBattery: Sendable, Hashable, Codable {
        public var id: Identifier?
        public var code: Coding?
        /// The laboratory specialty (LOINC, e.g. 18719-5 chemistry).
        public var specialty: Coding?
        public var status: String?
        public var effectiveTime: DateTime?
        public var observations: [Observation]

        public init(id: Identifier? = nil, code: Coding? = nil, specialty: Coding? = nil, status: String? = nil,
                    effectiveTime: DateTime? = nil, observations: [Observation] = []) {
            self.id = id
            self.code = code
            self.specialty = specialty
            self.status = status
            self.effectiveTime = effectiveTime
            self.observations = observations
        }
    }

    public struct LabSection: Sendable, Hashable, Codable {
        /// LOINC 26436-6 "Laboratory studies", for batteries whose specialty is unknown.
        public static let generic = Coding(code: "26436-6", system: loincOID, systemName: "LOINC", display: "Laboratory studies")

        public var specialty: Coding
        public var batteries: [LabBattery]
    }

    public static let loincOID = "2.16.840.1.113883.6.1"
}
