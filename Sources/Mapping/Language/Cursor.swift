import Findings
import HL7v2

/// Where evaluation stands in one message: the segment ranges of the groups being iterated,
/// innermost last. A path names the first segment of its kind in the innermost group that has
/// one, so inside `each: OBX` `OBX-5` is the current result and `OBR-4` its order.
struct Cursor {
    let message: HL7Message
    let mapping: String
    var scopes: [Range<Int>]
    /// Problems that did not stop the mapping (a malformed optional date…).
    var findings: [Finding] = []
    /// Values stored so far; an optional object is kept only if storing into it raised this.
    var assignments = 0

    init(message: HL7Message, mapping: String) {
        self.message = message
        self.mapping = mapping
        scopes = [0..<message.segmentCount]
    }

    /// `path` addressed absolutely (segment occurrence in the whole message), nil when its segment
    /// is in no enclosing group.
    func resolve(_ path: HL7Path) -> HL7Path? {
        for scope in scopes.reversed() {
            if let index = message.segmentIndex(named: path.segment, occurrence: path.occurrence, in: scope) {
                return message.path(path, atSegment: index)
            }
        }
        return nil
    }

    /// The unescaped value at `path`; nil when absent, empty or HL7's explicit null `""`.
    func value(_ path: HL7Path, formatting: FormattingEscapes = .keep) -> String? {
        guard let absolute = resolve(path) else { return nil }
        return present(message.value(at: absolute, formatting: formatting))
    }

    /// Each repetition of the CX field at `field` whose assigning authority (CX-4.1 or CX-4.2)
    /// passes `filter`: its id (CX-1) and the authority's OID.
    func identifiers(_ field: HL7Path, matching filter: AuthorityFilter) -> [(value: String, authority: String?)] {
        guard let absolute = resolve(field) else { return [] }
        var found: [(String, String?)] = []
        for repetition in stride(from: 1, through: message.repetitionCount(at: absolute), by: 1) {
            func component(_ component: Int, _ subcomponent: Int? = nil) -> String? {
                present(message.value(at: HL7Path(segment: absolute.segment, occurrence: absolute.occurrence, field: absolute.field,
                                                  repetition: repetition, component: component, subcomponent: subcomponent)))
            }
            guard let id = component(1) else { continue }
            let namespace = component(4, 1), universal = component(4, 2)
            guard filter.accepts([namespace, universal].compactMap { $0 }) else { continue }
            found.append((id, universal ?? namespace.flatMap { isOID($0) ? $0 : nil }))
        }
        return found
    }

    /// A failure of `rule`, located at the first path `expression` reads in the current group.
    func failure(_ rule: String, at path: HL7Path?, _ message: String) -> MappingRunError {
        MappingRunError(mapping: mapping, rule: rule, path: path.map { (resolve($0) ?? $0).description }, message: message)
    }
}

/// Which assigning authorities an identifier rule takes.
enum AuthorityFilter: Sendable {
    case any
    case anyOf(Set<String>)
    case noneOf(Set<String>)

    func accepts(_ authorities: [String]) -> Bool {
        switch self {
        case .any: true
        case .anyOf(let wanted): authorities.contains { wanted.contains($0) }
        case .noneOf(let excluded): !authorities.contains { excluded.contains($0) }
        }
    }
}

func present(_ value: String?) -> String? {
    guard let value, !value.isEmpty, value != "\"\"" else { return nil }
    return value
}

func isOID(_ text: String) -> Bool {
    text.first?.isNumber == true && text.allSatisfy { $0 == "." || ($0.isASCII && $0.isNumber) }
}
