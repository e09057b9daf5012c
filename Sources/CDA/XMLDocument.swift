import CLibXML2
import FoundationEssentials

/// A parsed, read-only XML document. It owns the libxml2 tree and the XPath context reused by
/// every evaluation on it, so it is used from one task at a time (not `Sendable`).
public final class XMLDocument {
    let pointer: xmlDocPtr
    /// Created on the first XPath evaluation, then reused.
    var xpathContext: xmlXPathContextPtr?

    /// Parses with the safe options (see `SafeParser.options`); a UTF-8 byte-order mark and
    /// declared encodings such as ISO-8859-1 are honoured. Throws `XMLParseError`.
    public convenience init(bytes: some ContiguousBytes, options: XMLParseOptions = .default) throws(XMLParseError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(XMLParseError) in try SafeParser.parse(buffer, options: options) }
        }
        self.init(owning: try result.get())
    }

    public convenience init(string: String, options: XMLParseOptions = .default) throws(XMLParseError) {
        try self.init(bytes: Array(string.utf8), options: options)
    }

    init(owning pointer: xmlDocPtr) {
        self.pointer = pointer
    }

    deinit {
        if let xpathContext { xmlXPathFreeContext(xpathContext) }
        xmlFreeDoc(pointer)
    }

    /// The document element.
    public var root: XMLNode? {
        xmlDocGetRootElement(pointer).map { XMLNode(pointer: $0, document: self) }
    }
}
