import Findings

/// One versioned set of terminologies, loaded together from a pack folder and replaced together:
/// the LOINC table, the medication list and the code systems. Immutable once loaded, so the
/// engine's workers share it without locks.
public struct TerminologyPack: Sendable {
    public var name: String
    public var version: PackVersion
    public var loinc: LOINCTable?
    public var medications: MedicationList?
    public var codeSystems: [CodeSystem]

    public init(name: String, version: PackVersion, loinc: LOINCTable? = nil, medications: MedicationList? = nil,
                codeSystems: [CodeSystem] = []) {
        self.name = name
        self.version = version
        self.loinc = loinc
        self.medications = medications
        self.codeSystems = codeSystems
    }

    /// Names that designate LOINC in messages and on the command line (HL7 v2 `LN`, CDA OID, FHIR URI).
    public static let loincNames: Set<String> = ["loinc", "ln", "http://loinc.org", "2.16.840.1.113883.6.1"]
    public static let medicationNames: Set<String> = ["medication", "medications", MedicationList.codeSystem]

    /// The code system `name` designates (id, OID, URI or alias, in any case).
    public func codeSystem(named name: String) -> CodeSystem? {
        codeSystems.first { $0.isNamed(name) }
    }

    /// The entry for `code` in the terminology `system` designates, nil when either is unknown.
    public func lookup(system: String, code: String) -> TerminologyEntry? {
        let name = system.lowercased()
        if Self.loincNames.contains(name) {
            guard let loinc, let entry = loinc[code] else { return nil }
            return .loinc(entry, replacements: loinc.replacements(for: entry.code))
        }
        if Self.medicationNames.contains(name) {
            guard let medications, let product = medications[code] else { return nil }
            return .medication(product, positiveList: medications.positiveList(for: code))
        }
        guard let codeSystem = codeSystem(named: system), let concept = codeSystem[code] else { return nil }
        return .concept(concept, in: codeSystem.id, system: codeSystem.system)
    }
}
