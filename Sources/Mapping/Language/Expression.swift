import CDA
import Foundation
import HL7v2
import Terminology

/// A compiled value expression: what a rule reads and how it turns it into text. Built once at
/// load time; evaluation only reads the message.
indirect enum Expression: Sendable {
    case path(HL7Path)
    /// An XPath from the context node, in a cda mapping: the text of its first match.
    case xpath(XPathExpression)
    case constant(String)
    /// The first of the expressions that has a value.
    case first([Expression])
    case concat([Expression], separator: String)
    /// A version-5 UUID of the values (absent ones included as empty) and `salt` (mapping and rule).
    case uuid([Expression], salt: String)
    /// CX-1 of the first repetition of a CX field whose assigning authority passes the filter.
    case identifier(HL7Path, AuthorityFilter)
    /// The number of the current `each` item of this segment (1 for the first ORC group…).
    case index(String)
    /// The text of a path in every group of a segment (passing the condition), joined.
    case join(segment: String, value: HL7Path, when: Condition?, separator: String)
    case transform(Expression, [StringFunction])
    case lookup(Expression, CodeTable, otherwise: LookupMiss)
    case fallback(Expression, String)
    case guarded(Expression, Condition)

    func evaluate(_ cursor: Cursor) throws(EvaluationFailure) -> String? {
        switch self {
        case .path(let path):
            return cursor.value(path)
        case .xpath(let expression):
            return try cursor.value(at: expression)
        case .constant(let value):
            return value
        case .first(let choices):
            for choice in choices {
                if let value = try choice.evaluate(cursor) { return value }
            }
            return nil
        case .concat(let parts, let separator):
            var values: [String] = []
            for part in parts {
                if let value = try part.evaluate(cursor) { values.append(value) }
            }
            return values.isEmpty ? nil : values.joined(separator: separator)
        case .uuid(let parts, let salt):
            // The name assembled as bytes (from the message's own, for paths): String concatenation
            // was a quarter of an id's cost.
            var name: [UInt8] = []
            name.reserveCapacity(salt.utf8.count + 64)
            name.append(contentsOf: salt.utf8)
            for part in parts {
                name.append(0x1F)
                try part.withUTF8(cursor) { value in if let value { name.append(contentsOf: value) } }
            }
            return NameBasedUUID.string(NameBasedUUID.make(name: name))
        case .identifier(let field, let filter):
            return cursor.firstIdentifier(field, matching: filter)
        case .index(let segment):
            return cursor.itemNumber(of: segment).map(String.init)
        case .join(let segment, let path, let condition, let separator):
            var inner = cursor, lines: [String] = []
            try inner.forEachGroup(of: segment) { group throws(EvaluationFailure) in
                if try condition?.holds(group) ?? true { lines += group.texts(path) }
            }
            return lines.isEmpty ? nil : lines.joined(separator: separator)
        case .transform(let inner, let functions):
            return try inner.evaluate(cursor).flatMap { value in HL7Message.present(functions.reduce(value) { $1.apply($0) }) }
        case .lookup(let inner, let table, let otherwise):
            // Looked up by the value's bytes: only a miss that keeps the value makes a String of it.
            // A path's bytes are read here, not through `withUTF8`'s closures, which cost as much
            // as the lookup.
            let found: CodeTable.Found?
            if case .path(let path) = inner {
                found = cursor.withValue(path) { $0.map { table.lookUp($0, otherwise: otherwise) } }
            } else {
                found = try inner.withUTF8(cursor) { $0.map { table.lookUp($0, otherwise: otherwise) } }
            }
            guard let found else { return nil }
            if found.missed, otherwise == .error {
                throw EvaluationFailure(message: "the value is not in table \(table.name)", path: inner.firstPath)
            }
            return found.text
        case .fallback(let inner, let value):
            return try inner.evaluate(cursor) ?? value
        case .guarded(let inner, let condition):
            return try condition.holds(cursor) ? inner.evaluate(cursor) : nil
        }
    }

    /// Runs `body` on the UTF-8 of the value (nil when there is none): a path's is read in place in
    /// the message, so that testing or looking up a value makes no String. Inlined, so that `body`
    /// is too: called through, the closures cost as much as reading the value.
    @inline(__always)
    func withUTF8<Result>(_ cursor: Cursor, _ body: (UnsafeBufferPointer<UInt8>?) -> Result) throws(EvaluationFailure) -> Result {
        switch self {
        case .path(let path):
            return cursor.withValue(path, body)
        case .first(let choices):
            // Paths among the choices are read in place too (`first: [OBX-14, OBR-7]`, a date).
            for choice in choices {
                if let result = try choice.withUTF8(cursor, { value in value.map(body) }) { return result }
            }
            return body(nil)
        default:
            guard var value = try evaluate(cursor) else { return body(nil) }
            return value.withUTF8 { body($0) }
        }
    }

    /// The first message path the expression reads, to say where a problem is.
    var firstPath: HL7Path? {
        switch self {
        case .path(let path), .identifier(let path, _): path
        case .join(_, let path, _, _): path
        case .constant, .index, .xpath: nil
        case .first(let parts), .concat(let parts, _), .uuid(let parts, _): parts.lazy.compactMap(\.firstPath).first
        case .transform(let inner, _), .lookup(let inner, _, _), .fallback(let inner, _), .guarded(let inner, _): inner.firstPath
        }
    }
}

/// A rule that could not be evaluated; the caller adds the mapping and rule names.
struct EvaluationFailure: Error {
    var message: String
    var path: HL7Path?
}

/// What a lookup does with a value its table does not have.
enum LookupMiss: String, Sendable, CaseIterable {
    case keep, drop, error
}

/// A code table loaded with the mapping (CSV with columns `code` and `display`): a lookup maps a
/// code to its display column. A class: a rule holding one retains it once, not its name and its
/// displays each time the rule runs.
final class CodeTable: Sendable {
    let name: String
    /// Code → display, for lookups: the code system's subscript copies a whole concept per lookup.
    let displays: TextKeyed<String>

    /// What a lookup gives: the display (or the value itself, kept on a miss), and whether the
    /// value was missing from the table.
    struct Found {
        var text: String?
        var missed: Bool
    }

    func lookUp(_ value: UnsafeBufferPointer<UInt8>, otherwise: LookupMiss) -> Found {
        if let display = displays[utf8: value] { return Found(text: HL7Message.present(display), missed: false) }
        return Found(text: otherwise == .keep ? String(decoding: value, as: UTF8.self) : nil, missed: true)
    }

    init(name: String, system: CodeSystem) {
        self.name = name
        displays = TextKeyed(Dictionary(uniqueKeysWithValues: system.concepts.map { ($0.code, $0.display) }))  // codes are unique in a system
    }
}

/// Values keyed by text, found from a value's UTF-8 without making a String of it (hashing one
/// cost more than reading it from the message): by binary search on the keys' bytes when the keys
/// and the value are ASCII, where byte equality is String equality; by String otherwise, for
/// Unicode canonical equivalence. A class, so that a test or lookup closure capturing one retains
/// it once rather than each of its collections.
final class TextKeyed<Value: Sendable>: Sendable {
    let dictionary: [String: Value]
    /// The keys' bytes in order, one after another, when all are ASCII (else empty); key `i` ends
    /// at `keyEnds[i]` and maps to `values[i]`. One buffer, so that a search retains nothing.
    private let keyBytes: [UInt8]
    private let keyEnds: [Int]
    private let values: [Value]

    init(_ dictionary: [String: Value]) {
        self.dictionary = dictionary
        let sorted = dictionary.keys.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
            ? dictionary.map { (key: Array($0.key.utf8), value: $0.value) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
            : []
        keyBytes = sorted.flatMap(\.key)
        keyEnds = sorted.reduce(into: []) { ends, entry in ends.append((ends.last ?? 0) + entry.key.count) }
        values = sorted.map(\.value)
    }

    /// Whether a value (nil: none) is one of the keys.
    func contains(_ bytes: UnsafeBufferPointer<UInt8>?) -> Bool {
        bytes.map { self[utf8: $0] != nil } ?? false
    }

    subscript(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        // Fewer ends than keys: some key is not ASCII.
        guard keyEnds.count == dictionary.count else { return dictionary[String(decoding: bytes, as: UTF8.self)] }
        let found: Int? = keyBytes.withUnsafeBufferPointer { keys in
            keyEnds.withUnsafeBufferPointer { ends in
                var low = 0, high = ends.count
                while low < high {
                    let middle = (low + high) / 2
                    let start = middle == 0 ? 0 : ends[middle - 1]
                    let key = UnsafeBufferPointer(rebasing: keys[start..<ends[middle]])
                    let common = min(key.count, bytes.count)
                    var index = 0
                    while index < common, key[index] == bytes[index] { index += 1 }
                    let order = index < common ? Int(key[index]) - Int(bytes[index]) : key.count - bytes.count
                    if order == 0 { return middle }
                    if order < 0 { low = middle + 1 } else { high = middle }
                }
                return nil
            }
        }
        if let found { return values[found] }
        // Not among the ASCII keys; a value that is not ASCII may still equal one as a String.
        return bytes.allSatisfy({ $0 < 0x80 }) ? nil : dictionary[String(decoding: bytes, as: UTF8.self)]
    }
}

/// The string functions a `transform` list may name. None loops or reads anything but its input.
enum StringFunction: Sendable {
    case upper, lower, trim, digits
    case before(String), after(String), prefix(String), suffix(String)
    case replace(String, String)
    case truncate(Int)

    static let names = ["upper", "lower", "trim", "digits", "before", "after", "prefix", "suffix", "replace", "truncate"]

    func apply(_ value: String) -> String {
        switch self {
        case .upper: value.uppercased()
        case .lower: value.lowercased()
        case .trim: ValueParsing.trimmed(value, newlines: true)
        case .digits: value.filter { $0.isASCII && $0.isNumber }
        case .before(let mark): value.range(of: mark).map { String(value[..<$0.lowerBound]) } ?? value
        case .after(let mark): value.range(of: mark).map { String(value[$0.upperBound...]) } ?? value
        case .prefix(let text): text + value
        case .suffix(let text): value + text
        case .replace(let old, let new): value.replacingOccurrences(of: old, with: new)
        case .truncate(let count): String(value.prefix(count))
        }
    }
}

/// A `when` condition.
indirect enum Condition: Sendable {
    case test(Expression, Test)
    case all([Condition])
    case any([Condition])
    case not(Condition)

    enum Test: Sendable {
        case present(Bool)
        /// `in` and `equals` (one text); `not_in` and `not_equals`.
        case oneOf(TextKeyed<Void>)
        case noneOf(TextKeyed<Void>)
        case startsWith(String)

        static let names = ["present", "equals", "not_equals", "in", "not_in", "starts_with"]
    }

    func holds(_ cursor: Cursor) throws(EvaluationFailure) -> Bool {
        switch self {
        case .test(.path(let path), .oneOf(let texts)):
            // The common tests of a path, on its bytes in place (see `Expression.evaluate`'s lookup).
            return cursor.withValue(path) { texts.contains($0) }
        case .test(.path(let path), .noneOf(let texts)):
            return !cursor.withValue(path) { texts.contains($0) }
        case .test(let expression, let test):
            switch test {
            case .present(let wanted): return try expression.withUTF8(cursor) { $0 != nil } == wanted
            case .oneOf(let texts): return try expression.withUTF8(cursor) { texts.contains($0) }
            case .noneOf(let texts): return try !expression.withUTF8(cursor) { texts.contains($0) }
            case .startsWith(let text): return try expression.evaluate(cursor)?.hasPrefix(text) ?? false
            }
        case .all(let conditions):
            for condition in conditions where !(try condition.holds(cursor)) { return false }
            return true
        case .any(let conditions):
            for condition in conditions where try condition.holds(cursor) { return true }
            return false
        case .not(let condition):
            return !(try condition.holds(cursor))
        }
    }
}
