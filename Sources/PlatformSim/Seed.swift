import Foundation

/// What the stand-in's directories know: patients (MPI), professionals (HPD) and the national
/// medication list, loaded from a JSON file (deploy/platform-sim/seed.json is the shipped one).
public struct SimSeed: Sendable, Codable, Hashable {
    public struct Identifier: Sendable, Codable, Hashable {
        /// An OID, e.g. 1.3.182.4.4 (matricule) or 1.3.182.3.1.1.7.3 (a hospital's local ids).
        public var system: String
        public var value: String

        public init(system: String, value: String) {
            self.system = system
            self.value = value
        }
    }

    public struct Patient: Sendable, Codable, Hashable {
        /// Every identifier the MPI links: matricule, DSP id, institutions' local ids.
        public var identifiers: [Identifier]
        public var family: String
        public var given: [String]
        public var gender: String?
        /// ISO 8601 date.
        public var birthDate: String?
    }

    public struct Practitioner: Sendable, Codable, Hashable {
        /// hpdID (1.3.182.4.1) and CNS provider code (1.3.182.4.6).
        public var identifiers: [Identifier]
        public var family: String
        public var given: [String]
        public var prefix: String?
    }

    public struct Medication: Sendable, Codable, Hashable {
        /// A product code of code system 1.3.182.5.47.
        public var code: String
        public var name: String
        /// The CNS reimbursement rate (40, 80, 100) when on the positive list.
        public var reimbursementRate: Int?
    }

    public var patients: [Patient]
    public var practitioners: [Practitioner]
    public var medications: [Medication]

    public init(patients: [Patient] = [], practitioners: [Practitioner] = [], medications: [Medication] = []) {
        self.patients = patients
        self.practitioners = practitioners
        self.medications = medications
    }

    public init(contentsOf url: URL) throws {
        self = try JSONDecoder().decode(SimSeed.self, from: Data(contentsOf: url))
    }

    func patient(system: String, value: String) -> Patient? {
        patients.first { $0.identifiers.contains(Identifier(system: system, value: value)) }
    }

    func practitioner(system: String, value: String) -> Practitioner? {
        practitioners.first { $0.identifiers.contains(Identifier(system: system, value: value)) }
    }

    func medication(code: String) -> Medication? {
        medications.first { $0.code == code }
    }
}

/// Code systems of the platform that the CDA module's `OID` does not name.
enum PlatformOID {
    /// Product codes of the national medication list.
    static let medicationProduct = "1.3.182.5.47"
    /// Document type codes, `DT-nnnnn`.
    static let documentType = "1.3.182.5.9"
}
