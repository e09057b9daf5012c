import Findings
import HL7v2

/// Where evaluation stands in one message: the groups being iterated, innermost last. A path names
/// the first segment of its kind in the innermost group that has one, so inside `each: OBX` `OBX-5`
/// is the current result and `OBR-4` its order.
struct Cursor {
    /// A group being iterated (the whole message at the bottom).
    struct Scope {
        /// The group's segments: it up to the next segment of its name.
        var range: Range<Int>
        /// Where paths look: the whole group, except while one of its child groups is iterated,
        /// when only its segments before the first child remain, so that one order line never
        /// reads the TQ1 or RXR of another line that lacks its own.
        var visible: Range<Int>
        /// The segment iterated (`each`) and the item's 1-based number among its siblings.
        var segment: String?
        var number: Int
    }

    let message: HL7Message
    let mapping: String
    var scopes: [Scope]
    /// Problems that did not stop the mapping (a malformed optional date…).
    var findings: [Finding] = []
    /// Values stored so far; an optional object is kept only if storing into it raised this.
    var assignments = 0
    /// The document and context node, in a cda mapping (`from: cda`); nil for HL7.
    var xml: XMLContext?

    init(message: HL7Message, mapping: String) {
        self.message = message
        self.mapping = mapping
        let all = 0..<message.segmentCount
        // Room for nested groups (OBR, then its OBX): entering each regrew the array otherwise.
        scopes = []
        scopes.reserveCapacity(4)
        scopes.append(Scope(range: all, visible: all, segment: nil, number: 1))
    }

    /// Runs `body` once per `segment` of the innermost group, with that segment's group as the
    /// innermost scope.
    mutating func forEachGroup<E: Error>(of segment: String, _ body: (inout Cursor) throws(E) -> Void) throws(E) {
        let parent = scopes.count - 1
        let range = scopes[parent].range
        let starts = message.segmentIndices(named: segment, in: range)
        guard let first = starts.first else { return }
        scopes[parent].visible = range.lowerBound..<first
        defer { scopes[parent].visible = range }
        for (number, start) in starts.enumerated() {
            let group = start..<(number + 1 < starts.count ? starts[number + 1] : range.upperBound)
            scopes.append(Scope(range: group, visible: group, segment: segment, number: number + 1))
            defer { scopes.removeLast() }
            try body(&self)
        }
    }

    /// The number of groups of `segment` in the innermost group, as `forEachGroup` iterates them.
    func groupCount(of segment: String) -> Int {
        message.count(of: segment, in: scopes[scopes.count - 1].range)
    }

    /// The index of the segment `path` names: its first of the kind in the innermost enclosing
    /// group that has one; nil when none has.
    func segment(of path: HL7Path) -> Int? {
        // By index: iterating the scopes would copy each (and retain its segment name) per lookup.
        for scope in scopes.indices.reversed() {
            if let index = message.segmentIndex(of: path, in: scopes[scope].visible) { return index }
        }
        return nil
    }

    /// The unescaped value at `path`; nil when absent, empty or HL7's explicit null `""`.
    func value(_ path: HL7Path, formatting: FormattingEscapes = .keep) -> String? {
        guard let segment = segment(of: path) else { return nil }
        return message.presentValue(inSegment: segment, field: path.field, repetition: path.repetition, component: path.component,
                                    subcomponent: path.subcomponent, formatting: formatting)
    }

    /// Runs `body` on the UTF-8 of `value(path)` (nil when it is nil), in place in the message
    /// when it can be: for tests and lookups, which need no String.
    func withValue<Result>(_ path: HL7Path, _ body: (UnsafeBufferPointer<UInt8>?) -> Result) -> Result {
        // No closure here captures `self`: that copied the cursor, a retain of each of its arrays.
        guard let segment = segment(of: path) else { return body(nil) }
        return message.presentUTF8(inSegment: segment, field: path.field, repetition: path.repetition, component: path.component,
                                   subcomponent: path.subcomponent).withUTF8(in: message.storage, body)
    }

    /// Every repetition of the field (or component) at `path` that has a value, formatting
    /// escapes rendered (`\.br\` a line break): text fields (TX, FT) sent one line per repetition.
    func texts(_ path: HL7Path) -> [String] {
        guard let segment = segment(of: path) else { return [] }
        return (0..<message.repetitionCount(inSegment: segment, field: path.field)).compactMap { index in
            message.presentValue(inSegment: segment, field: path.field, repetition: index + 1, component: path.component,
                                 subcomponent: path.subcomponent, formatting: .render)
        }
    }

    /// The number of the innermost `each: segment` item being evaluated, nil outside one.
    func itemNumber(of segment: String) -> Int? {
        scopes.last { $0.segment == segment }?.number
    }

    /// Each repetition of the CX field at `field` whose assigning authority (CX-4.1 or CX-4.2)
    /// passes `filter`: its id (CX-1) and the authority's OID.
    func identifiers(_ field: HL7Path, matching filter: AuthorityFilter) -> [(value: String, authority: String?)] {
        var found: [(value: String, authority: String?)] = []
        // The storage, not `self`, in the closures: capturing the cursor copied it.
        let storage = message.storage
        forEachIdentifier(field, matching: filter) { id, namespace, universal in
            found.append((id.text(in: storage),
                          universal?.text(in: storage) ?? namespace.map { $0.text(in: storage) }.flatMap { isOID($0) ? $0 : nil }))
            return true
        }
        return found
    }

    /// CX-1 of the first repetition `identifiers` would give, without reading the others or
    /// making text of its authority.
    func firstIdentifier(_ field: HL7Path, matching filter: AuthorityFilter) -> String? {
        var found: String?
        let storage = message.storage
        forEachIdentifier(field, matching: filter) { id, _, _ in
            found = id.text(in: storage)
            return false
        }
        return found
    }

    /// Calls `body` with CX-1, CX-4.1 and CX-4.2 of each repetition of `field` that has an id and
    /// whose authority passes `filter`, until it returns false. The authorities are tested on
    /// their bytes: only an identifier taken is made text.
    private func forEachIdentifier(_ field: HL7Path, matching filter: AuthorityFilter,
                                   _ body: (PresentUTF8, PresentUTF8?, PresentUTF8?) -> Bool) {
        guard let segment = segment(of: field) else { return }
        let storage = message.storage
        for repetition in stride(from: 1, through: message.repetitionCount(inSegment: segment, field: field.field), by: 1) {
            guard let id = message.presentUTF8(inSegment: segment, field: field.field, repetition: repetition, component: 1) else { continue }
            let namespace = message.presentUTF8(inSegment: segment, field: field.field, repetition: repetition, component: 4, subcomponent: 1)
            let universal = message.presentUTF8(inSegment: segment, field: field.field, repetition: repetition, component: 4, subcomponent: 2)
            guard filter.accepts({ authorities in
                namespace.withUTF8(in: storage) { authorities.contains($0) } || universal.withUTF8(in: storage) { authorities.contains($0) }
            }) else { continue }
            guard body(id, namespace, universal) else { return }
        }
    }

    /// A failure of `rule`, located at the first path `expression` reads in the current group.
    func failure(_ rule: String, at path: HL7Path?, _ message: String) -> MappingRunError {
        MappingRunError(mapping: mapping, rule: rule, path: path.map { path in
            // Addressed in the whole message, as the user would look it up.
            (segment(of: path).flatMap { self.message.path(path, atSegment: $0) } ?? path).description
        } ?? xml?.location, message: message)
    }
}

/// Which assigning authorities an identifier rule takes.
enum AuthorityFilter: Sendable {
    case any
    case anyOf(TextKeyed<Void>)
    case noneOf(TextKeyed<Void>)

    /// Whether an identifier is taken, given whether one of its authorities is among a set.
    func accepts(_ listed: (TextKeyed<Void>) -> Bool) -> Bool {
        switch self {
        case .any: true
        case .anyOf(let wanted): listed(wanted)
        case .noneOf(let excluded): !listed(excluded)
        }
    }
}

extension PresentUTF8? {
    /// Runs `body` on the value's UTF-8 (nil when there is none); `storage` is its message's.
    func withUTF8<Result>(in storage: [UInt8], _ body: (UnsafeBufferPointer<UInt8>?) -> Result) -> Result {
        switch self {
        case nil: body(nil)
        case .bytes(let range): storage.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
        case .text(var text): text.withUTF8 { body($0) }
        }
    }
}

extension PresentUTF8 {
    /// The value's text; `storage` is its message's.
    func text(in storage: [UInt8]) -> String {
        switch self {
        case .bytes(let range): storage.withUnsafeBufferPointer { String(decoding: $0[range], as: UTF8.self) }
        case .text(let text): text
        }
    }
}

func isOID(_ text: String) -> Bool {
    // On bytes: an OID is ASCII, and classifying Characters cost more than the rest of an identifier.
    guard let first = text.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { return false }
    return text.allUTF8 { $0 == UInt8(ascii: ".") || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
}
