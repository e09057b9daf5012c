/// What a lookup in a pack found, encodable as one flat JSON object whose `terminology` names
/// where it comes from (`loinc`, `medication` or a code system's id); `system` is LOINC's
/// SYSTEM axis for a LOINC entry, and the OID or URI of a code system for a concept.
public enum TerminologyEntry: Sendable, Hashable, Encodable {
    case loinc(LOINCEntry, replacements: [LOINCReplacement])
    case medication(MedicationProduct, positiveList: [PositiveListEntry])
    case concept(CodeSystem.Concept, in: String, system: String?)

    private enum Key: String, CodingKey { case terminology, system, replacedBy, positiveList }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .loinc(let entry, let replacements):
            try container.encode("loinc", forKey: .terminology)
            try entry.encode(to: encoder)
            if !replacements.isEmpty { try container.encode(replacements, forKey: .replacedBy) }
        case .medication(let product, let positiveList):
            try container.encode("medication", forKey: .terminology)
            try product.encode(to: encoder)
            try container.encode(positiveList, forKey: .positiveList)
        case .concept(let concept, let id, let system):
            try container.encode(id, forKey: .terminology)
            try container.encodeIfPresent(system, forKey: .system)
            try concept.encode(to: encoder)
        }
    }
}
