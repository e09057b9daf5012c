/// A streaming XML writer: UTF-8 bytes appended as elements are started and ended, no tree.
/// Text and attribute values are escaped; characters XML 1.0 cannot carry at all (most C0
/// controls, U+FFFE, U+FFFF) become U+FFFD. Prefixes must be declared in scope before use, so
/// the output is namespace-well-formed; the first misuse is kept and thrown by `finish()`.
public struct XMLWriter {
    private var output: [UInt8] = []
    /// Open elements: the name, and how many namespace bindings the element declared.
    private var open: [(name: String, bindings: Int)] = []
    private var bindings: [(prefix: String, uri: String)] = [("xml", "http://www.w3.org/XML/1998/namespace")]
    private var startTagIsOpen = false
    private var failure: XMLWriterError?

    public init(declaration: Bool = true, capacity: Int = 4096) {
        output.reserveCapacity(capacity)
        if declaration { append(#"<?xml version="1.0" encoding="UTF-8"?>"#) }
    }

    /// Starts element `name` (`prefix:local` or `local`), declaring `namespaces` on it
    /// (prefix → URI; the empty prefix is the default namespace).
    public mutating func start(_ name: String, namespaces: KeyValuePairs<String, String> = [:]) {
        guard failure == nil else { return }
        closeStartTag()
        guard Self.isQName(name) else { return fail(.invalidName(name)) }
        append("<"); append(name)
        for (prefix, uri) in namespaces {
            guard prefix.isEmpty || Self.isQName(prefix) && !prefix.contains(":") else { return fail(.invalidName(prefix)) }
            append(prefix.isEmpty ? " xmlns=\"" : " xmlns:\(prefix)=\""); escape(uri, inAttribute: true); append("\"")
            bindings.append((prefix, uri))
        }
        open.append((name, namespaces.count))
        startTagIsOpen = true
        if let prefix = Self.prefix(of: name), !isBound(prefix) { fail(.undeclaredPrefix(prefix, in: name)) }
    }

    /// Adds an attribute to the element just started.
    public mutating func attribute(_ name: String, _ value: String) {
        guard failure == nil else { return }
        guard startTagIsOpen else { return fail(.attributeOutsideStartTag(name)) }
        guard Self.isQName(name) else { return fail(.invalidName(name)) }
        if let prefix = Self.prefix(of: name), !isBound(prefix) { return fail(.undeclaredPrefix(prefix, in: name)) }
        append(" "); append(name); append("=\""); escape(value, inAttribute: true); append("\"")
    }

    public mutating func text(_ value: String) {
        guard failure == nil else { return }
        guard !open.isEmpty else { return fail(.textOutsideRoot) }
        closeStartTag()
        escape(value, inAttribute: false)
    }

    /// Ends the innermost open element (`<x/>` when it has no content).
    public mutating func end() {
        guard failure == nil else { return }
        guard let element = open.popLast() else { return fail(.unbalancedEnd) }
        bindings.removeLast(element.bindings)
        if startTagIsOpen {
            append("/>")
            startTagIsOpen = false
        } else {
            append("</"); append(element.name); append(">")
        }
    }

    /// `<name attributes…>text</name>`, omitting nil attributes.
    public mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String? = nil) {
        start(name)
        for case let (key, value?) in attributes { attribute(key, value) }
        if let text { self.text(text) }
        end()
    }

    /// The document, once every element is closed.
    public consuming func finish() throws(XMLWriterError) -> [UInt8] {
        if let failure { throw failure }
        if let element = open.last { throw .unclosed(element.name) }
        return output
    }

    private mutating func fail(_ error: XMLWriterError) { failure = failure ?? error }

    private mutating func closeStartTag() {
        if startTagIsOpen {
            append(">")
            startTagIsOpen = false
        }
    }

    private func isBound(_ prefix: String) -> Bool { bindings.contains { $0.prefix == prefix } }

    private mutating func append(_ text: String) { output.append(contentsOf: text.utf8) }

    private mutating func escape(_ text: String, inAttribute: Bool) {
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let replacement: StaticString?
                var width = 1
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = inAttribute ? nil : "&gt;"
                case UInt8(ascii: "\""): replacement = inAttribute ? "&quot;" : nil
                // Kept as references so that attribute-value normalization and line-end
                // handling give the reader back the same characters.
                case 0x09: replacement = inAttribute ? "&#9;" : nil
                case 0x0A: replacement = inAttribute ? "&#10;" : nil
                case 0x0D: replacement = "&#13;"
                case ..<0x20: replacement = "\u{FFFD}"
                case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE:
                    replacement = "\u{FFFD}"
                    width = 3
                default: replacement = nil
                }
                if let replacement {
                    output.append(contentsOf: bytes[runStart..<index])
                    replacement.withUTF8Buffer { output.append(contentsOf: $0) }
                    runStart = index + width
                }
                index += width
            }
            output.append(contentsOf: bytes[runStart...])
        }
    }

    private static func prefix(of name: String) -> String? {
        name.firstIndex(of: ":").map { String(name[..<$0]) }
    }

    /// `local` or `prefix:local`, each part an XML name without colon. Non-ASCII letters are
    /// accepted without the full Unicode name tables.
    static func isQName(_ name: String) -> Bool {
        var previous: UInt8 = UInt8(ascii: ":")
        var colons = 0
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: ":"):
                colons += 1
                if previous == UInt8(ascii: ":") { return false }
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), 0x80...:
                break
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
                if previous == UInt8(ascii: ":") { return false }
            default:
                return false
            }
            previous = byte
        }
        return colons <= 1 && previous != UInt8(ascii: ":")
    }
}

public enum XMLWriterError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidName(String)
    case undeclaredPrefix(String, in: String)
    case attributeOutsideStartTag(String)
    case textOutsideRoot
    case unbalancedEnd
    case unclosed(String)

    public var description: String {
        switch self {
        case .invalidName(let name): "'\(name)' is not an XML name"
        case .undeclaredPrefix(let prefix, let name): "prefix '\(prefix)' of \(name) is not declared"
        case .attributeOutsideStartTag(let name): "attribute \(name) written after the element's content"
        case .textOutsideRoot: "text outside the document element"
        case .unbalancedEnd: "end() with no open element"
        case .unclosed(let name): "element \(name) is not closed"
        }
    }
}
