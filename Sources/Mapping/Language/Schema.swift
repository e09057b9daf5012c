import CDA
import HL7v2
import Yams

/// Applies one compiled rule to the value being built.
typealias Apply<Root> = @Sendable (inout Root, inout Cursor) throws(MappingRunError) -> Void

/// One key a mapping may give for a canonical type, and how its YAML compiles into a rule.
struct Field<Root>: Sendable {
    let compile: @Sendable (Compiler, Node, _ rule: String) throws(MappingLoadError) -> Apply<Root>
}

/// The keys of one canonical type. Keys are the snake_case names of its properties.
struct Schema<Root>: Sendable {
    let fields: [(key: String, field: Field<Root>)]

    init(_ fields: [(String, Field<Root>)]) {
        self.fields = fields.map { (key: $0.0, field: $0.1) }
    }

    static var groupKeys: [String] { ["each", "when"] }

    /// The rules of an object node, plus its `each` (segment to iterate) and `when`.
    func compile(_ node: Node, rule: String, compiler: Compiler, iterable: Bool) throws(MappingLoadError) -> ObjectPlan<Root> {
        let known = fields.map(\.key) + (iterable ? Self.groupKeys : ["when"])
        var plan = ObjectPlan<Root>(rules: [])
        for entry in try compiler.entries(node, key: rule, known: known) {
            let key = "\(rule).\(entry.key)"
            switch entry.key {
            case "each" where compiler.format == .cda:
                plan.each = .nodes(try compiler.xpath(entry.node, key))
            case "each":
                plan.each = .segment(try compiler.segmentName(entry.node, key))
            case "when":
                plan.when = try compiler.condition(entry.node, key)
            default:
                let field = fields.first { $0.key == entry.key }!.field
                plan.rules.append(try field.compile(compiler, entry.node, key))
            }
        }
        plan.rule = rule
        return plan
    }
}

/// The compiled rules of an object, and the group iteration and condition around them.
struct ObjectPlan<Root>: Sendable {
    var rules: [Apply<Root>]
    var each: Each?
    var when: Condition?
    var rule = ""

    /// What `each` iterates: the groups of a segment (HL7 v2), or the nodes an XPath selects (CDA).
    enum Each: Sendable {
        case segment(String)
        case nodes(XPathExpression)
    }

    /// Runs `body` once, or once per `each` segment of the current group with that segment's group
    /// (it up to the next one of its name) as the innermost scope; items failing `when` are skipped.
    func forEachItem(_ cursor: inout Cursor, _ body: (inout Cursor) throws(MappingRunError) -> Void) throws(MappingRunError) {
        switch each {
        case nil:
            if try holds(cursor) { try body(&cursor) }
        case .segment(let segment):
            try cursor.forEachGroup(of: segment) { cursor throws(MappingRunError) in
                if try holds(cursor) { try body(&cursor) }
            }
        case .nodes(let expression):
            try cursor.forEachNode(expression, rule: "\(rule).each") { cursor throws(MappingRunError) in
                if try holds(cursor) { try body(&cursor) }
            }
        }
    }

    /// The number of `each` segment groups `forEachItem` will visit before testing `when`; nil
    /// without `each: SEGMENT`.
    func groupCount(_ cursor: Cursor) -> Int? {
        guard case .segment(let segment) = each else { return nil }
        return cursor.groupCount(of: segment)
    }

    func run(_ value: inout Root, _ cursor: inout Cursor) throws(MappingRunError) {
        for rule in rules { try rule(&value, &cursor) }
    }

    private func holds(_ cursor: Cursor) throws(MappingRunError) -> Bool {
        guard let when else { return true }
        do throws(EvaluationFailure) { return try when.holds(cursor) } catch { throw cursor.failure("\(rule).when", at: error.path, error.message) }
    }
}

extension Field {
    /// A nested object that is always there (a report's patient).
    static func nested<Child>(_ keyPath: WritableKeyPath<Root, Child> & Sendable, _ schema: Schema<Child>) -> Field {
        let property = StoredProperty(keyPath)
        return Field { compiler, node, rule throws(MappingLoadError) in
            let plan = try schema.compile(node, rule: rule, compiler: compiler, iterable: false)
            return { root, cursor throws(MappingRunError) in
                try plan.forEachItem(&cursor) { cursor throws(MappingRunError) in
                    try property.modify(&root) { child throws(MappingRunError) in try plan.run(&child, &cursor) }
                }
            }
        }
    }

    /// An optional object, set when any of its rules stored a value.
    static func optional<Child>(_ keyPath: WritableKeyPath<Root, Child?> & Sendable, _ schema: Schema<Child>,
                                empty: Child) -> Field where Child: Sendable {
        let property = StoredProperty(keyPath)
        return Field { compiler, node, rule throws(MappingLoadError) in
            let plan = try schema.compile(node, rule: rule, compiler: compiler, iterable: false)
            return { root, cursor throws(MappingRunError) in
                try plan.forEachItem(&cursor) { cursor throws(MappingRunError) in
                    // Built in place; a child that was absent and got nothing stays absent (every
                    // store counts an assignment, so one that was there is unchanged).
                    try property.modify(&root) { child throws(MappingRunError) in
                        let before = cursor.assignments
                        let wasAbsent = child == nil
                        if wasAbsent { child = empty }
                        try plan.run(&child!, &cursor)
                        if wasAbsent, cursor.assignments == before { child = nil }
                    }
                }
            }
        }
    }

    /// A list of objects: one per `each` segment, or one, each kept when any rule stored a value.
    static func list<Child>(_ keyPath: WritableKeyPath<Root, [Child]> & Sendable, _ schema: Schema<Child>,
                            empty: Child) -> Field where Child: Sendable {
        let property = StoredProperty(keyPath)
        return Field { compiler, node, rule throws(MappingLoadError) in
            let plan = try schema.compile(node, rule: rule, compiler: compiler, iterable: true)
            return { root, cursor throws(MappingRunError) in
                // Room for every group's item at once: appending them one by one regrew the list,
                // moving the items made so far each time.
                if let count = plan.groupCount(cursor) { property.modify(&root) { $0.reserveCapacity($0.count + count) } }
                try plan.forEachItem(&cursor) { cursor throws(MappingRunError) in
                    // Built in place at the end of the list (no copy of the finished item), and
                    // dropped when no rule stored anything.
                    try property.modify(&root) { list throws(MappingRunError) in
                        let before = cursor.assignments
                        list.append(empty)
                        try plan.run(&list[list.count - 1], &cursor)
                        if cursor.assignments == before { list.removeLast() }
                    }
                }
            }
        }
    }

    /// A value converted from text: nil from `convert` is a finding (an error if `required`).
    static func value<T>(_ what: String, _ convert: @escaping @Sendable (String) -> T?,
                         _ store: @escaping @Sendable (inout Root, T) -> Void) -> Field {
        value(what, reading: { expression, cursor throws(EvaluationFailure) in try expression.evaluate(cursor).map(convert) }, store)
    }

    /// `value` stored into an optional property.
    static func value<T>(_ what: String, _ convert: @escaping @Sendable (String) -> T?,
                         into keyPath: WritableKeyPath<Root, T?> & Sendable) -> Field {
        let property = StoredProperty(keyPath)
        return value(what, convert) { root, value in property.modify(&root) { $0 = value } }
    }

    /// `value` stored into an optional property, converted from the text's UTF-8: a path's value
    /// is read in place in the message, without a String. The read and the store are written out
    /// here rather than passed as closures: calling those cost more than reading a value.
    static func value<T>(_ what: String, utf8 convert: @escaping @Sendable (UnsafeBufferPointer<UInt8>) -> T?,
                         into keyPath: WritableKeyPath<Root, T?> & Sendable) -> Field {
        let property = StoredProperty(keyPath)
        return Field { compiler, node, rule throws(MappingLoadError) in
            let (expression, isRequired) = try valueExpression(node, rule, compiler)
            return { root, cursor throws(MappingRunError) in
                let converted: T??
                do throws(EvaluationFailure) { converted = try expression.withUTF8(cursor) { $0.map(convert) } } catch {
                    throw cursor.failure(rule, at: error.path, error.message)
                }
                try store(converted, what, rule: rule, expression: expression, required: isRequired, &cursor) { value in
                    property.modify(&root) { $0 = value }
                }
            }
        }
    }

    /// A rule that stores what `read` makes of its expression's value (see `store`).
    private static func value<T>(_ what: String,
                                 reading read: @escaping @Sendable (Expression, Cursor) throws(EvaluationFailure) -> T??,
                                 _ store: @escaping @Sendable (inout Root, T) -> Void) -> Field {
        Field { compiler, node, rule throws(MappingLoadError) in
            let (expression, isRequired) = try valueExpression(node, rule, compiler)
            return { root, cursor throws(MappingRunError) in
                let converted: T??
                do throws(EvaluationFailure) { converted = try read(expression, cursor) } catch { throw cursor.failure(rule, at: error.path, error.message) }
                try Self.store(converted, what, rule: rule, expression: expression, required: isRequired, &cursor) { store(&root, $0) }
            }
        }
    }

    /// Stores a value a rule read: `converted` is nil when there was none (an error if required)
    /// and `.some(nil)` when it was not `what` (a finding, or an error if required).
    @inline(__always)
    private static func store<T>(_ converted: T??, _ what: String, rule: String, expression: Expression, required: Bool,
                                 _ cursor: inout Cursor, _ store: (T) -> Void) throws(MappingRunError) {
        guard let converted else {
            if required { throw cursor.failure(rule, at: expression.firstPath, "a required value is missing") }
            return
        }
        guard let value = converted else {
            let problem = cursor.failure(rule, at: expression.firstPath, "the value is not \(what)")
            if required { throw problem }
            cursor.findings.append(problem.finding)
            return
        }
        store(value)
        cursor.assignments += 1
    }

    /// A value rule's expression, and whether its `required: true` flag is set.
    private static func valueExpression(_ node: Node, _ rule: String, _ compiler: Compiler) throws(MappingLoadError) -> (Expression, Bool) {
        guard let mapping = node.mapping, let flag = mapping["required"] else { return (try compiler.expression(node, rule), false) }
        guard let required = flag.bool else { throw compiler.error(flag, "\(rule).required", "required wants true or false") }
        let rest = Node.mapping(Node.Mapping(mapping.filter { $0.key.string != "required" }.map { ($0.key, $0.value) },
                                             mapping.tag, mapping.style, mapping.mark))
        return (try compiler.expression(rest, rule), required)
    }

    /// A text: the value stored as read, without a conversion to call (see `value(_:utf8:into:)`);
    /// a bare path (`display: OBX-3.2`), the commonest rule, read straight from the message.
    static func text(_ keyPath: WritableKeyPath<Root, String?> & Sendable) -> Field {
        let property = StoredProperty(keyPath)
        return Field { compiler, node, rule throws(MappingLoadError) in
            let (expression, isRequired) = try valueExpression(node, rule, compiler)
            if case .path(let path) = expression {
                return { root, cursor throws(MappingRunError) in
                    try store(cursor.value(path).map(Optional.some), "text", rule: rule, expression: expression, required: isRequired, &cursor) {
                        text in property.modify(&root) { $0 = text }
                    }
                }
            }
            return { root, cursor throws(MappingRunError) in
                let text: String?
                do throws(EvaluationFailure) { text = try expression.evaluate(cursor) } catch { throw cursor.failure(rule, at: error.path, error.message) }
                try store(text.map(Optional.some), "text", rule: rule, expression: expression, required: isRequired, &cursor) {
                    text in property.modify(&root) { $0 = text }
                }
            }
        }
    }

    /// A list of texts (given names): a list of expressions, each appended when present.
    static func texts(_ keyPath: WritableKeyPath<Root, [String]> & Sendable) -> Field {
        let property = StoredProperty(keyPath)
        let one = value("text", { $0 }) { root, text in property.modify(&root) { $0.append(text) } }
        return Field { compiler, node, rule throws(MappingLoadError) in
            let items: [Node] = node.sequence.map(Array.init) ?? [node]
            let rules = try items.map { item throws(MappingLoadError) in try one.compile(compiler, item, rule) }
            return { root, cursor throws(MappingRunError) in
                for rule in rules { try rule(&root, &cursor) }
            }
        }
    }

    static func dateTime(_ keyPath: WritableKeyPath<Root, Canonical.DateTime?> & Sendable) -> Field {
        value("an HL7 date/time", utf8: { Canonical.DateTime(hl7: $0, zone: Canonical.DateTime.defaultZone) }, into: keyPath)
    }

    static func integer(_ keyPath: WritableKeyPath<Root, Int?> & Sendable) -> Field {
        value("an integer", { Int($0) }, into: keyPath)
    }

    /// Y/N (HL7), true/false, yes/no, 1/0.
    static func boolean(_ keyPath: WritableKeyPath<Root, Bool?> & Sendable) -> Field {
        value("a yes/no value", { text in
            switch text.lowercased() {
            case "y", "yes", "true", "1": true
            case "n", "no", "false", "0": false
            default: nil
            }
        }, into: keyPath)
    }

    static func referenceRange(_ keyPath: WritableKeyPath<Root, Canonical.ReferenceRange?> & Sendable) -> Field {
        value("a reference range", utf8: { ValueParsing.referenceRange(bytes: $0) }, into: keyPath)
    }
}
