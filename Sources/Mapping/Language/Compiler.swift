import Findings
import Foundation
import HL7v2
import Yams

/// Turns the YAML of a mapping into expressions and rules, once, at load time. Every error names
/// the file, the line and column of the offending node, and its key.
struct Compiler {
    let file: String
    let mapping: String
    var constants: [String: String] = [:]
    var tables: [String: CodeTable] = [:]
    /// What the mapping reads: in a cda mapping, paths are XPath.
    var format = SourceFormat.hl7v2

    static let sourceKeys = ["path", "const", "first", "concat", "uuid", "index", "join"]
    static let modifierKeys = ["authority", "transform", "lookup", "default", "when", "separator"]
    static let expressionKeys = sourceKeys + modifierKeys

    func error(_ node: Node, _ key: String, _ message: String, suggestion: String? = nil) -> MappingLoadError {
        MappingLoadError(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, key: key,
                         message: message, suggestion: suggestion)
    }

    /// The entries of a YAML mapping, each key known and given once.
    func entries(_ node: Node, key: String, known: [String], what: String = "key",
                 allowAny: Bool = false) throws(MappingLoadError) -> [(key: String, node: Node, keyNode: Node)] {
        guard let mapping = node.mapping else {
            throw error(node, key, allowAny ? "expected a mapping of names to values" : "expected a mapping of \(known.joined(separator: ", "))")
        }
        var seen: Set<String> = []
        var result: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            guard let name = keyNode.string else { throw error(keyNode, key, "a key must be text") }
            let full = key.isEmpty ? name : "\(key).\(name)"
            guard allowAny || known.contains(name) else {
                throw error(keyNode, full, "unknown \(what) '\(name)'", suggestion: closest(to: name, among: known))
            }
            guard seen.insert(name).inserted else { throw error(keyNode, full, "'\(name)' is given twice") }
            result.append((name, value, keyNode))
        }
        return result
    }

    /// A scalar's text; `$name` stands for the constant `name`.
    func text(_ node: Node, _ key: String) throws(MappingLoadError) -> String {
        guard case .scalar(let scalar) = node else { throw error(node, key, "expected a single value") }
        guard scalar.string.hasPrefix("$") else { return scalar.string }
        let name = String(scalar.string.dropFirst())
        guard let value = constants[name] else {
            throw error(node, key, "unknown constant '\(name)'", suggestion: closest(to: name, among: constants.keys))
        }
        return value
    }

    func list(_ node: Node, _ key: String) throws(MappingLoadError) -> [Node] {
        guard case .sequence(let sequence) = node else { throw error(node, key, "expected a list") }
        return Array(sequence)
    }

    func path(_ node: Node, _ key: String) throws(MappingLoadError) -> HL7Path {
        let text = try text(node, key)
        do { return try HL7Path(text) } catch {
            throw self.error(node, key, "\(error.reason); write { const: … } for fixed text")
        }
    }

    /// A value expression: an HL7 path (`PID-5.1`), `$constant`, or a mapping of one source
    /// (path, const, first, concat, uuid) and modifiers.
    func expression(_ node: Node, _ key: String, extraKeys: [String] = []) throws(MappingLoadError) -> Expression {
        if format == .cda, case .scalar(let scalar) = node, !scalar.string.hasPrefix("$") {
            return .xpath(try xpath(node, key))
        }
        if case .scalar(let scalar) = node {
            return scalar.string.hasPrefix("$") ? .constant(try text(node, key)) : .path(try path(node, key))
        }
        let entries = try entries(node, key: key, known: Self.expressionKeys + extraKeys)
        let sources = entries.filter { Self.sourceKeys.contains($0.key) }
        guard sources.count == 1, let source = sources.first else {
            throw error(node, key, sources.isEmpty ? "needs one of \(Self.sourceKeys.joined(separator: ", "))"
                                                   : "has both \(sources[0].key) and \(sources[1].key); give one")
        }
        let sourceKey = "\(key).\(source.key)"
        var value = entries.first { $0.key == "separator" }
        if format == .cda, let hl7 = entries.first(where: { ["authority", "index", "join"].contains($0.key) }) {
            throw hl7Only(hl7.keyNode, "\(key).\(hl7.key)", hl7.key)
        }
        var expression: Expression
        switch source.key {
        case "path" where format == .cda:
            expression = .xpath(try xpath(source.node, sourceKey))
        case "path":
            let path = try path(source.node, sourceKey)
            if let authority = entries.first(where: { $0.key == "authority" }) {
                guard path.component == nil else { throw error(source.node, sourceKey, "with authority, give the CX field (e.g. PID-3), not a component") }
                expression = .identifier(path, try authorityFilter(authority.node, "\(key).authority"))
            } else {
                expression = .path(path)
            }
        case "const":
            expression = .constant(try text(source.node, sourceKey))
        case "first":
            expression = .first(try list(source.node, sourceKey).map { node throws(MappingLoadError) in try self.expression(node, sourceKey) })
        case "concat":
            let separator = try value.map { entry throws(MappingLoadError) in try text(entry.node, "\(key).separator") } ?? ""
            value = nil
            expression = .concat(try list(source.node, sourceKey).map { node throws(MappingLoadError) in try self.expression(node, sourceKey) },
                                 separator: separator)
        case "index":
            expression = .index(try segmentName(source.node, sourceKey))
        case "join":
            let separator = try value.map { entry throws(MappingLoadError) in try text(entry.node, "\(key).separator") } ?? "\n"
            value = nil
            expression = try join(source.node, sourceKey, separator: separator)
        default:  // uuid
            expression = .uuid(try list(source.node, sourceKey).map { node throws(MappingLoadError) in try self.expression(node, sourceKey) },
                               salt: "\(mapping)\u{1F}\(key)")
        }
        if let stray = value { throw error(stray.keyNode, "\(key).separator", "separator goes with concat or join") }
        if let authority = entries.first(where: { $0.key == "authority" }), source.key != "path" {
            throw error(authority.keyNode, "\(key).authority", "authority goes with path")
        }
        if let entry = entries.first(where: { $0.key == "transform" }) {
            expression = .transform(expression, try functions(entry.node, "\(key).transform"))
        }
        if let entry = entries.first(where: { $0.key == "lookup" }) {
            let (table, otherwise) = try lookup(entry.node, "\(key).lookup")
            expression = .lookup(expression, table, otherwise: otherwise)
        }
        if let entry = entries.first(where: { $0.key == "default" }) {
            expression = .fallback(expression, try text(entry.node, "\(key).default"))
        }
        if let entry = entries.first(where: { $0.key == "when" }) {
            expression = .guarded(expression, try condition(entry.node, "\(key).when"))
        }
        return expression
    }

    /// A segment name, as `each` and `index` take it.
    func segmentName(_ node: Node, _ key: String) throws(MappingLoadError) -> String {
        let name = try text(node, key)
        guard name.utf8.count == 3, name.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
            throw error(node, key, "expected a segment name, e.g. OBX")
        }
        return name
    }

    /// `join: { each: OBX, value: OBX-5, when: condition }`: the text of `value` in every `each`
    /// group of the current one that passes `when`, every repetition, one per line.
    func join(_ node: Node, _ key: String, separator: String) throws(MappingLoadError) -> Expression {
        let entries = try entries(node, key: key, known: ["each", "value", "when"])
        guard let each = entries.first(where: { $0.key == "each" }), let value = entries.first(where: { $0.key == "value" }) else {
            throw error(node, key, "join needs each (a segment) and value (a path), e.g. { each: OBX, value: OBX-5 }")
        }
        let segment = try segmentName(each.node, "\(key).each")
        let path = try path(value.node, "\(key).value")
        let when = try entries.first { $0.key == "when" }.map { entry throws(MappingLoadError) in try condition(entry.node, "\(key).when") }
        return .join(segment: segment, value: path, when: when, separator: separator)
    }

    /// `authority: OID`, `authority: [OID, …]` (any of) or `authority: { not: [OID, …] }`.
    func authorityFilter(_ node: Node, _ key: String) throws(MappingLoadError) -> AuthorityFilter {
        switch node {
        case .scalar: return .anyOf(TextKeyed([try text(node, key): ()]))
        case .sequence: return .anyOf(try texts(try list(node, key), key))
        default:
            let entry = try entries(node, key: key, known: ["not"])[0]
            return .noneOf(try texts(entry.node.sequence.map(Array.init) ?? [entry.node], "\(key).not"))
        }
    }

    /// The texts of `nodes`, as a set to test values against.
    func texts(_ nodes: [Node], _ key: String) throws(MappingLoadError) -> TextKeyed<Void> {
        TextKeyed(Dictionary(try nodes.map { node throws(MappingLoadError) in (try text(node, key), ()) }) { _, _ in })
    }

    /// `transform: [trim, upper, { before: "^" }, { truncate: 10 }]`.
    func functions(_ node: Node, _ key: String) throws(MappingLoadError) -> [StringFunction] {
        let items: [Node] = node.sequence.map(Array.init) ?? [node]
        return try items.map { item throws(MappingLoadError) in
            let name: String, argument: Node?
            if case .scalar(let scalar) = item {
                (name, argument) = (scalar.string, nil)
            } else {
                let entry = try entries(item, key: key, known: StringFunction.names, what: "function")
                guard entry.count == 1 else { throw error(item, key, "one function per list item") }
                (name, argument) = (entry[0].key, entry[0].node)
            }
            func parameter() throws(MappingLoadError) -> String {
                guard let argument else { throw error(item, "\(key).\(name)", "\(name) needs an argument, e.g. { \(name): \"^\" }") }
                return try text(argument, "\(key).\(name)")
            }
            switch name {
            case "upper": return .upper
            case "lower": return .lower
            case "trim": return .trim
            case "digits": return .digits
            case "before": return .before(try parameter())
            case "after": return .after(try parameter())
            case "prefix": return .prefix(try parameter())
            case "suffix": return .suffix(try parameter())
            case "truncate":
                guard let count = Int(try parameter()), count > 0 else { throw error(item, "\(key).truncate", "truncate wants a positive length") }
                return .truncate(count)
            case "replace":
                guard let argument, let pair = argument.sequence.map(Array.init), pair.count == 2 else {
                    throw error(item, "\(key).replace", "replace wants [old, new]")
                }
                return .replace(try text(pair[0], "\(key).replace"), try text(pair[1], "\(key).replace"))
            default:
                throw error(item, key, "unknown function '\(name)'", suggestion: closest(to: name, among: StringFunction.names))
            }
        }
    }

    /// `lookup: TABLE` or `lookup: { table: TABLE, otherwise: keep|drop|error }`.
    func lookup(_ node: Node, _ key: String) throws(MappingLoadError) -> (CodeTable, LookupMiss) {
        var nameNode = node, otherwise = LookupMiss.keep
        if node.mapping != nil {
            let entries = try entries(node, key: key, known: ["table", "otherwise"])
            guard let table = entries.first(where: { $0.key == "table" }) else { throw error(node, key, "lookup needs a table") }
            nameNode = table.node
            if let entry = entries.first(where: { $0.key == "otherwise" }) {
                let text = try text(entry.node, "\(key).otherwise")
                guard let miss = LookupMiss(rawValue: text) else {
                    throw error(entry.node, "\(key).otherwise", "'\(text)' is not one of keep, drop, error",
                                suggestion: closest(to: text, among: LookupMiss.allCases.map(\.rawValue)))
                }
                otherwise = miss
            }
        }
        let name = try text(nameNode, key)
        guard let table = tables[name] else {
            throw error(nameNode, key, "unknown table '\(name)' (declare it under tables:)", suggestion: closest(to: name, among: tables.keys))
        }
        return (table, otherwise)
    }

    /// A condition: an expression with one test (present, equals, not_equals, in, not_in,
    /// starts_with), `all: […]`, `any: […]`, `not: {…}`, or a list (all of).
    func condition(_ node: Node, _ key: String) throws(MappingLoadError) -> Condition {
        if let items = node.sequence {
            return .all(try items.map { item throws(MappingLoadError) in try condition(item, key) })
        }
        guard let mapping = node.mapping else { throw error(node, key, "a condition is a mapping, e.g. { path: OBX-11, in: [F, C] }") }
        if mapping.count == 1, let only = mapping.first, let name = only.key.string, ["all", "any", "not"].contains(name) {
            let sub = "\(key).\(name)"
            switch name {
            case "not": return .not(try condition(only.value, sub))
            case "all": return .all(try list(only.value, sub).map { item throws(MappingLoadError) in try condition(item, sub) })
            default: return .any(try list(only.value, sub).map { item throws(MappingLoadError) in try condition(item, sub) })
            }
        }
        let tests = try entries(node, key: key, known: Self.expressionKeys + Condition.Test.names).filter { Condition.Test.names.contains($0.key) }
        guard tests.count == 1, let test = tests.first else {
            throw error(node, key, "a condition needs exactly one of \(Condition.Test.names.joined(separator: ", "))")
        }
        let rest = Node.Mapping(mapping.filter { $0.key.string != test.key }.map { ($0.key, $0.value) }, .implicit, .any, node.mark)
        let expression = try expression(.mapping(rest), key)
        let testKey = "\(key).\(test.key)"
        func values() throws(MappingLoadError) -> TextKeyed<Void> { try texts(try list(test.node, testKey), testKey) }
        func value() throws(MappingLoadError) -> TextKeyed<Void> { try texts([test.node], testKey) }
        switch test.key {
        case "present":
            guard let flag = test.node.bool else { throw error(test.node, testKey, "present wants true or false") }
            return .test(expression, .present(flag))
        case "equals": return .test(expression, .oneOf(try value()))
        case "not_equals": return .test(expression, .noneOf(try value()))
        case "in": return .test(expression, .oneOf(try values()))
        case "not_in": return .test(expression, .noneOf(try values()))
        default: return .test(expression, .startsWith(try text(test.node, testKey)))
        }
    }
}
