import CLibXML2
import Synchronization

/// Prefixes an XPath expression may use. `hl7`, `xsi` and `sdtc` are always bound; others are
/// added by configuration.
public struct XPathNamespaces: Sendable, Hashable {
    public static let hl7 = "urn:hl7-org:v3"
    public static let xsi = "http://www.w3.org/2001/XMLSchema-instance"
    public static let sdtc = "urn:hl7-org:sdtc"

    static let defaults = [("hl7", hl7), ("xsi", xsi), ("sdtc", sdtc)]

    public private(set) var bindings: [String: String]

    public init(_ extra: [String: String] = [:]) {
        bindings = Dictionary(uniqueKeysWithValues: Self.defaults).merging(extra) { _, new in new }
    }

    static func defaultPrefix(for uri: String) -> String? {
        defaults.first { $0.1 == uri }?.0
    }
}

/// An XPath 1.0 expression compiled once, evaluated any number of times on any document.
///
/// libxml2 caches function lookups inside the compiled expression the first time it evaluates
/// it, so evaluations take a lock: an expression can be shared across threads (a `static let`).
public final class XPathExpression: Sendable, CustomStringConvertible {
    public let description: String
    nonisolated(unsafe) private let compiled: xmlXPathCompExprPtr
    private let lock = Mutex(())

    public init(_ source: String) throws(XPathError) {
        LibXML.initialize()
        description = source
        // A context of our own, so that syntax errors come back here rather than to stderr.
        guard let context = xmlXPathNewContext(nil) else { throw XPathError(expression: source, message: "out of memory") }
        defer { xmlXPathFreeContext(context) }
        context.pointee.error = { _, _ in }
        guard let compiled = xmlXPathCtxtCompile(context, source) else {
            throw XPathError(expression: source, context: context)
        }
        self.compiled = compiled
    }

    deinit { xmlXPathFreeCompExpr(compiled) }

    func evaluate(in context: xmlXPathContextPtr) -> UnsafeMutablePointer<xmlXPathObject>? {
        var object: UnsafeMutablePointer<xmlXPathObject>?
        lock.withLock { _ in object = xmlXPathCompiledEval(compiled, context) }
        return object
    }
}

public struct XPathError: Error, Sendable, Hashable, CustomStringConvertible {
    public var expression: String
    public var message: String

    public init(expression: String, message: String) {
        self.expression = expression
        self.message = message
    }

    /// libxml2 2.9 leaves `lastError.message` empty for XPath errors: the text is rebuilt from
    /// the code (libxml2's own wording) and the offset in the expression.
    init(expression: String, context: xmlXPathContextPtr) {
        let error = context.pointee.lastError
        let index = Int(error.code) - Int(XML_XPATH_EXPRESSION_OK.rawValue)
        var message = error.message.map { String(libxmlMessage: $0) }
            ?? (Self.messages.indices.contains(index) ? Self.messages[index] : "XPath error \(error.code)")
        if error.str1 != nil { message += " at offset \(error.int1)" }
        self.init(expression: expression, message: message)
    }

    private static let messages = [
        "Ok", "Number encoding", "Unfinished literal", "Start of literal", "Expected $ for variable reference",
        "Undefined variable", "Invalid predicate", "Invalid expression", "Missing closing curly brace",
        "Unregistered function", "Invalid operand", "Invalid type", "Invalid number of arguments",
        "Invalid context size", "Invalid context position", "Memory allocation error", "Syntax error",
        "Resource error", "Sub resource error", "Undefined namespace prefix", "Encoding error",
        "Char out of XML range", "Invalid or incomplete context", "Stack usage error", "Forbidden variable",
    ]

    public var description: String { "XPath \(expression): \(message)" }
}

/// The result of an XPath expression.
public enum XPathValue {
    case nodes([XMLNode])
    case string(String)
    case number(Double)
    case boolean(Bool)
}

extension XMLDocument {
    /// Binds `prefix` for every later evaluation on this document.
    public func bind(prefix: String, to uri: String) {
        xmlXPathRegisterNs(context(), prefix, uri)
    }

    /// Evaluates `expression` with `node` (default: the document) as the context node.
    public func evaluate(_ expression: XPathExpression, at node: XMLNode? = nil) throws(XPathError) -> XPathValue {
        let context = context()
        context.pointee.node = node?.pointer ?? UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: xmlNode.self)
        xmlResetError(&context.pointee.lastError)
        guard let object = expression.evaluate(in: context) else {
            throw XPathError(expression: expression.description, context: context)
        }
        defer { xmlXPathFreeObject(object) }
        switch object.pointee.type {
        case XPATH_NODESET:
            guard let set = object.pointee.nodesetval, set.pointee.nodeNr > 0 else { return .nodes([]) }
            return .nodes((0..<Int(set.pointee.nodeNr)).compactMap { index in
                set.pointee.nodeTab[index].map { XMLNode(pointer: $0, document: self) }
            })
        case XPATH_BOOLEAN: return .boolean(object.pointee.boolval != 0)
        case XPATH_NUMBER: return .number(object.pointee.floatval)
        case XPATH_STRING: return .string(String(xml: object.pointee.stringval) ?? "")
        default: throw XPathError(expression: expression.description, message: "unsupported XPath result type")
        }
    }

    /// The nodes `expression` selects; empty when it yields no node set.
    public func nodes(_ expression: XPathExpression, at node: XMLNode? = nil) throws(XPathError) -> [XMLNode] {
        if case .nodes(let nodes) = try evaluate(expression, at: node) { nodes } else { [] }
    }

    /// Each selected node's string value, or the single value of a string, number or boolean
    /// expression written as XPath's `string()` would.
    public func strings(_ expression: XPathExpression, at node: XMLNode? = nil) throws(XPathError) -> [String] {
        switch try evaluate(expression, at: node) {
        case .nodes(let nodes): nodes.map(\.stringValue)
        case let value: [value.string]
        }
    }

    /// XPath's `string()` of the result: the first node's string value, or "". Only that node's
    /// value is built: `.//hl7:text` may select many large ones.
    public func string(_ expression: XPathExpression, at node: XMLNode? = nil) throws(XPathError) -> String {
        try evaluate(expression, at: node).string
    }
}

extension XPathValue {
    /// The result as XPath's `string()` writes it: a node set's first node's string value.
    public var string: String {
        switch self {
        case .nodes(let nodes): nodes.first?.stringValue ?? ""
        case .string(let value): value
        case .boolean(let value): value ? "true" : "false"
        case .number(let value): Self.xpathString(value)
        }
    }

    private static func xpathString(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }
}

extension XMLDocument {
    private func context() -> xmlXPathContextPtr {
        if let xpathContext { return xpathContext }
        let context = xmlXPathNewContext(pointer)!
        // Errors are read back from `lastError`; without a handler libxml2 prints them to stderr.
        context.pointee.error = { _, _ in }
        for (prefix, uri) in XPathNamespaces().bindings { xmlXPathRegisterNs(context, prefix, uri) }
        xpathContext = context
        return context
    }
}
