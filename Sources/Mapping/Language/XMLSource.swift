import CDA
import HL7v2
import Yams

/// What a mapping reads (`from:`): an HL7 v2 message, whose paths are HL7 paths, or a CDA
/// document, whose paths are XPath 1.0 expressions.
public enum SourceFormat: String, Sendable, CaseIterable {
    case hl7v2, cda
}

/// Where evaluation stands in a CDA document: the context node relative paths start from (the
/// document element, or the node of the innermost `each`). The document is not `Sendable`: a
/// cursor lives in the one task mapping it.
struct XMLContext {
    let document: XMLDocument
    var node: XMLNode

    /// Where in the document, for run errors: an XPath to the context node.
    var location: String { node.path }
}

extension Cursor {
    /// An HL7 cursor needs a message; a CDA one reads none, so it gets this empty one.
    private static let noMessage = try! HL7Message("MSH|^~\\&|")

    init(document: XMLDocument, root: XMLNode, mapping: String) {
        self.init(message: Self.noMessage, mapping: mapping)
        xml = XMLContext(document: document, node: root)
    }

    /// The string value of the first node `expression` selects from the context node (or its
    /// string or number result), blanks around it removed; nil when absent or empty. A boolean
    /// result is `true` or nil, so that `present` tests an XPath condition.
    func value(at expression: XPathExpression) throws(EvaluationFailure) -> String? {
        guard let xml else { return nil }
        do throws(XPathError) {
            switch try xml.document.evaluate(expression, at: xml.node) {
            case .boolean(let holds): return holds ? "true" : nil
            case let result: return CDAValues.present(result.string)
            }
        } catch {
            throw EvaluationFailure(message: error.description, path: nil)
        }
    }

    /// The nodes `expression` selects from the context node.
    func nodes(_ expression: XPathExpression, rule: String) throws(MappingRunError) -> [XMLNode] {
        guard let xml else { return [] }
        do throws(XPathError) { return try xml.document.nodes(expression, at: xml.node) } catch { throw failure(rule, at: nil, error.description) }
    }

    /// Runs `body` once per node `expression` selects, with that node as the context.
    mutating func forEachNode(_ expression: XPathExpression, rule: String,
                              _ body: (inout Cursor) throws(MappingRunError) -> Void) throws(MappingRunError) {
        guard let context = xml else { return }
        let selected = try nodes(expression, rule: rule)
        defer { xml = context }
        for node in selected {
            xml = XMLContext(document: context.document, node: node)
            try body(&self)
        }
    }
}

extension Compiler {
    /// Parsed once per compiled XPath: evaluating there finds what compiling does not, an
    /// undeclared prefix or an unknown function, at load time rather than on the first document.
    private static func probe() -> XMLDocument { try! XMLDocument(string: "<probe/>") }

    /// An XPath 1.0 expression with the `hl7`, `xsi` and `sdtc` prefixes.
    func xpath(_ node: Node, _ key: String) throws(MappingLoadError) -> XPathExpression {
        let source = try text(node, key)
        do throws(XPathError) {
            let expression = try XPathExpression(source)
            _ = try Self.probe().evaluate(expression)
            return expression
        } catch {
            throw self.error(node, key, "not an XPath 1.0 expression: \(error.message) (prefixes: hl7, xsi, sdtc)")
        }
    }

    /// The error for a key that reads HL7 structure, in a cda mapping.
    func hl7Only(_ node: Node, _ key: String, _ name: String) -> MappingLoadError {
        let instead = switch name {
        case "authority": "select the id with a predicate, e.g. hl7:id[@root='1.3.182.4.4']/@extension"
        case "index": "count the siblings, e.g. count(preceding-sibling::hl7:component) + 1"
        default: "an XPath gives the text of its first match; select an enclosing element for all its text"
        }
        return error(node, key, "\(name) reads HL7 segments and is not available in a cda mapping: \(instead)")
    }
}

extension Field {
    /// `hl7` in an hl7v2 mapping, `cda` in a cda mapping; decided at load time, so it costs
    /// evaluation nothing.
    static func bySource(hl7: Field, cda: Field) -> Field {
        Field { compiler, node, rule throws(MappingLoadError) in
            try (compiler.format == .cda ? cda : hl7).compile(compiler, node, rule)
        }
    }

    /// A value read from CDA elements rather than text: `XPATH` or `{ path: XPATH, when: …,
    /// required: true }`, the XPath selecting the element(s); `read` turns each into the value.
    /// `extra` names further keys `read` is given (their texts, by name).
    private static func elements<T>(_ what: String, extra: [String] = [], all: Bool,
                                    _ read: @escaping @Sendable (XMLNode, [String: String]) -> T?,
                                    _ store: @escaping @Sendable (inout Root, T) -> Void) -> Field {
        Field { compiler, node, rule throws(MappingLoadError) in
            var pathNode = node, when: Condition?, required = false, options: [String: String] = [:]
            if node.mapping != nil {
                let entries = try compiler.entries(node, key: rule, known: ["path", "when", "required", "authority", "type", "unit", "system_names"] + extra)
                for entry in entries {
                    let key = "\(rule).\(entry.key)"
                    switch entry.key {
                    case "path": pathNode = entry.node
                    case "when": when = try compiler.condition(entry.node, key)
                    case "required":
                        guard let flag = entry.node.bool else { throw compiler.error(entry.node, key, "required wants true or false") }
                        required = flag
                    case "authority": throw compiler.hl7Only(entry.keyNode, key, "authority")
                    case "type", "unit", "system_names":
                        throw compiler.error(entry.keyNode, key, "reads HL7 fields; a CDA element carries its xsi:type, unit and codeSystem itself: give { path: XPATH }")
                    default: options[entry.key] = try compiler.text(entry.node, key)
                    }
                }
                guard pathNode != node else { throw compiler.error(node, rule, "needs path (an XPath selecting the \(what) element)") }
            }
            let expression = try compiler.xpath(pathNode, node.mapping != nil ? "\(rule).path" : rule)
            let condition = when, isRequired = required, settings = options
            return { root, cursor throws(MappingRunError) in
                if let condition {
                    do throws(EvaluationFailure) { guard try condition.holds(cursor) else { return } } catch { throw cursor.failure(rule, at: error.path, error.message) }
                }
                var found = false
                for element in try cursor.nodes(expression, rule: rule) {
                    guard let value = read(element, settings) else { continue }
                    store(&root, value)
                    cursor.assignments += 1
                    found = true
                    if !all { break }
                }
                if !found, isRequired { throw cursor.failure(rule, at: nil, "a required \(what) is missing (XPath \(expression))") }
            }
        }
    }

    /// A CDA value element (`hl7:value`) read as its `xsi:type` says.
    static func cdaObservationValue(_ keyPath: WritableKeyPath<Root, Canonical.ObservationValue?> & Sendable) -> Field {
        elements("observation value", all: false, { node, _ in CDAValues.observationValue(node) }) { $0[keyPath: keyPath] = $1 }
    }

    /// A CDA `observationRange` (or its `referenceRange`): its text, else its IVL_PQ bounds.
    static func cdaReferenceRange(_ keyPath: WritableKeyPath<Root, Canonical.ReferenceRange?> & Sendable) -> Field {
        elements("reference range", all: false, { node, _ in CDAValues.referenceRange(node) }) { $0[keyPath: keyPath] = $1 }
    }

    /// CDA instance identifiers (`hl7:id`): one per selected element with an `@extension`, its
    /// system `@root`, else `default_authority`.
    static func cdaIdentifiers(_ keyPath: WritableKeyPath<Root, [Canonical.Identifier]> & Sendable) -> Field {
        elements("identifier", extra: ["default_authority"], all: true, { node, options in
            guard let value = node.attribute("extension").flatMap(CDAValues.present) else { return nil }
            return Canonical.Identifier(system: node.attribute("root").flatMap(CDAValues.present) ?? options["default_authority"], value: value)
        }) { $0[keyPath: keyPath].append($1) }
    }
}

/// Reading CDA data types into canonical values; a TS is HL7's TS, so dates use the HL7 reader.
enum CDAValues {
    static func present(_ text: String) -> String? {
        let value = ValueParsing.trimmed(text, newlines: true)
        return value.isEmpty ? nil : value
    }

    private static func child(_ node: XMLNode, _ name: String) -> XMLNode? {
        node.element(name, namespace: XPathNamespaces.hl7)
    }

    /// PQ, INT, REAL: a quantity; IVL_PQ: a range, or a bound (one side, `inclusive` deciding
    /// between < and <=); CD, CE, CV, CO, CS: a coding; TS: a date/time; anything else: its text.
    static func observationValue(_ node: XMLNode) -> Canonical.ObservationValue? {
        // `xsi:type` is a QName; its prefix depends on the document's declarations.
        let type = node.attribute("type", namespace: XPathNamespaces.xsi).map { String($0.split(separator: ":").last ?? "") }
        let value = node.attribute("value").flatMap(present), unit = node.attribute("unit").flatMap(present)
        switch type?.uppercased() {
        case "PQ", "INT", "REAL":
            guard let value else { return nil }
            return ValueParsing.decimal(value).map { .quantity(value: $0, unit: unit, comparator: nil) } ?? .text(value)
        case "IVL_PQ", "IVL_INT":
            let low = child(node, "low"), high = child(node, "high")
            let lowValue = low?.attribute("value").flatMap { ValueParsing.decimal($0) }, highValue = high?.attribute("value").flatMap { ValueParsing.decimal($0) }
            let unit = (low?.attribute("unit") ?? high?.attribute("unit")).flatMap(present)
            switch (lowValue, highValue) {
            case (nil, nil): return nil
            case (let bound?, nil), (nil, let bound?):
                let side = lowValue == nil ? "<" : ">"
                let inclusive = (lowValue == nil ? high : low)?.attribute("inclusive") != "false"
                return .quantity(value: bound, unit: unit, comparator: side + (inclusive ? "=" : ""))
            default: return .range(low: lowValue, high: highValue, unit: unit)
            }
        case "CD", "CE", "CV", "CO", "CS":
            let code = node.attribute("code").flatMap(present)
            let display = node.attribute("displayName").flatMap(present) ?? child(node, "originalText").flatMap { present($0.stringValue) }
            guard code != nil || display != nil else { return nil }
            return .coded(Canonical.Coding(code: code, system: node.attribute("codeSystem").flatMap(present),
                                           systemName: node.attribute("codeSystemName").flatMap(present), display: display))
        case "TS":
            guard let value else { return nil }
            return Canonical.DateTime(hl7: value).map(Canonical.ObservationValue.dateTime) ?? .text(value)
        default:
            return value.map(Canonical.ObservationValue.text) ?? present(node.stringValue).map(Canonical.ObservationValue.text)
        }
    }

    /// An `observationRange` (a `referenceRange` is looked into): its `text`, else the bounds of
    /// its IVL_PQ `value`.
    static func referenceRange(_ node: XMLNode) -> Canonical.ReferenceRange? {
        let range = node.is("referenceRange", namespace: XPathNamespaces.hl7) ? child(node, "observationRange") : node
        guard let range else { return nil }
        if let text = child(range, "text").flatMap({ present($0.stringValue) }) { return .init(text: text) }
        guard let value = child(range, "value") else { return nil }
        let low = child(value, "low"), high = child(value, "high")
        let bounds = Canonical.ReferenceRange(low: low?.attribute("value").flatMap { ValueParsing.decimal($0) },
                                              high: high?.attribute("value").flatMap { ValueParsing.decimal($0) })
        return bounds.low == nil && bounds.high == nil ? nil : bounds
    }
}
