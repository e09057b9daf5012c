extension Canonical {
    public struct Patient: Sendable, Hashable, Codable {
        /// Institution-local ids, each with its issuer's OID.
        public var localIDs: [Identifier]
        /// National identification number (OID 1.3.182.4.4).
        public var matricule: String?
        /// Patient id in the shared care record (OID 1.3.182.2.4.2).
        public var dspID: String?
        public var name: PersonName?
        public var birthDate: DateTime?
        /// Administrative gender as CDA codes it: M, F or UN.
        public var sex: String?
        public var address: Address?

        public init(localIDs: [Identifier] = [], matricule: String? = nil, dspID: String? = nil, name: PersonName? = nil,
                    birthDate: DateTime? = nil, sex: String? = nil, address: Address? = nil) {
            self.localIDs = localIDs
            self.matricule = matricule
            self.dspID = dspID
            self.name = name
            self.birthDate = birthDate
            self.sex = sex
            self.address = address
        }
    }

    public struct Organisation: Sendable, Hashable, Codable {
        public var ids: [Identifier]
        public var name: String?

        public init(ids: [Identifier] = [], name: String? = nil) {
            self.ids = ids
            self.name = name
        }
    }

    /// A health professional; the platform requires the hpdID (OID 1.3.182.4.1).
    public struct Professional: Sendable, Hashable, Codable {
        public var hpdID: String?
        /// CNS provider code (OID 1.3.182.4.6).
        public var cnsCode: String?
        public var name: PersonName?
        public var role: Coding?
        public var organisation: Organisation?

        public init(hpdID: String? = nil, cnsCode: String? = nil, name: PersonName? = nil, role: Coding? = nil,
                    organisation: Organisation? = nil) {
            self.hpdID = hpdID
            self.cnsCode = cnsCode
            self.name = name
            self.role = role
            self.organisation = organisation
        }
    }

    public struct Encounter: Sendable, Hashable, Codable {
        public var id: Identifier?
        /// e.g. inpatient, outpatient, emergency.
        public var kind: Coding?
        public var start: DateTime?
        public var end: DateTime?

        public init(id: Identifier? = nil, kind: Coding? = nil, start: DateTime? = nil, end: DateTime? = nil) {
            self.id = id
            self.kind = kind
            self.start = start
            self.end = end
        }
    }
}
