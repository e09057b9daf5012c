import CLibXML2
import FoundationEssentials

/// What a parsed XML document is to the CDA reader.
public enum CDADocumentKind: Sendable, Hashable, CustomStringConvertible {
    /// `{urn:hl7-org:v3}ClinicalDocument`: a complete CDA document.
    case clinicalDocument
    /// Another element of the HL7 namespace (or its SDTC extensions), or of none, at the root: a
    /// section, an entry or an observation cut out of a document, as in implementation guides'
    /// examples. Without a namespace any name counts, since only a schema could tell `<section>`
    /// from `<html>`.
    case fragment(rootElement: String)
    /// Any other root, named `{namespace}name` when it has a namespace (a FHIR resource, or a
    /// ClinicalDocument outside the HL7 namespace).
    case other(rootElement: String)

    public init(_ document: XMLDocument) {
        // A document libxml2 parsed without error always has a root element.
        guard let root = document.root else {
            self = .other(rootElement: "")
            return
        }
        switch (root.namespaceURI, root.name) {
        case (XPathNamespaces.hl7?, "ClinicalDocument"): self = .clinicalDocument
        case (nil, "ClinicalDocument"): self = .other(rootElement: root.name)
        case (XPathNamespaces.hl7?, _), (XPathNamespaces.sdtc?, _), (nil, _): self = .fragment(rootElement: root.name)
        case (let namespace?, _): self = .other(rootElement: "{\(namespace)}" + root.name)
        }
    }

    public var description: String {
        switch self {
        case .clinicalDocument: "a ClinicalDocument"
        case .fragment(let root): "a fragment with root <\(root)>"
        case .other(let root): "an XML document with root <\(root)>"
        }
    }
}

extension XMLDocument {
    /// Parses a fragment of a CDA document (a section, an entry…) as it reads in place: the
    /// default namespace is `urn:hl7-org:v3`, and the `xsi` and `sdtc` prefixes are declared,
    /// unless the fragment declares them itself. The same safe parsing and limits as
    /// `init(bytes:options:)` apply; the fragment must have one root element, which becomes the
    /// document's. Line numbers are those of the input. Throws `XMLParseError`.
    public convenience init(cdaFragment bytes: some ContiguousBytes, options: XMLParseOptions = .default) throws(XMLParseError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(XMLParseError) in try CDAFragment.parse(buffer, options: options) }
        }
        self.init(owning: try result.get())
    }
}

/// A fragment is parsed inside a wrapper element that declares the namespaces, inserted after
/// the XML declaration (which keeps the declared encoding in force) on the same line; the
/// fragment's root then replaces the wrapper.
enum CDAFragment {
    private static let wrapperName = "passerelle-cda-fragment"
    private static let start = Array(("<\(wrapperName) xmlns=\"\(XPathNamespaces.hl7)\" xmlns:xsi=\"\(XPathNamespaces.xsi)\""
        + " xmlns:sdtc=\"\(XPathNamespaces.sdtc)\">").utf8)
    private static let end = Array("</\(wrapperName)>".utf8)

    static func parse(_ bytes: UnsafeRawBufferPointer, options: XMLParseOptions) throws(XMLParseError) -> xmlDocPtr {
        guard bytes.count <= options.maxBytes else {
            throw refusal("document is \(bytes.count) bytes, over the limit of \(options.maxBytes) bytes")
        }
        let insertion = prologEnd(bytes)
        let wrapped = Array(bytes[..<insertion]) + start + Array(bytes[insertion...]) + end
        var limits = options
        limits.maxBytes = wrapped.count
        // The wrapper is one more level of nesting.
        limits.maxDepth = options.maxDepth + 1
        let parsed = wrapped.withUnsafeBytes { buffer in
            Result { () throws(XMLParseError) in try SafeParser.parse(buffer, options: limits) }
        }
        let document: xmlDocPtr
        switch parsed {
        case .success(let parsedDocument): document = parsedDocument
        case .failure(let error): throw shifted(error, insertion: insertion, in: bytes)
        }
        do {
            try unwrap(document)
        } catch {
            xmlFreeDoc(document)
            throw error
        }
        return document
    }

    /// The offset after a UTF-8 byte-order mark and an XML declaration, where the wrapper goes.
    private static func prologEnd(_ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let declaration = Array("<?xml".utf8)
        if bytes[offset...].starts(with: declaration), bytes.count > offset + declaration.count,
           [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset + declaration.count]) {
            var index = offset + declaration.count
            while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "?") && bytes[index + 1] == UInt8(ascii: ">")) { index += 1 }
            offset = min(index + 2, bytes.count)
        }
        return offset
    }

    /// Makes the fragment's one root element the document's, taking with it the wrapper's
    /// namespace declarations that it does not make itself, which nodes under it may refer to.
    private static func unwrap(_ document: xmlDocPtr) throws(XMLParseError) {
        guard let wrapper = xmlDocGetRootElement(document) else { throw refusal("the fragment has no root element") }
        var root: xmlNodePtr?
        var child = wrapper.pointee.children
        while let node = child {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                guard root == nil else {
                    throw located("the fragment has more than one root element: <\(String(xml: node.pointee.name) ?? "")> follows the first", node)
                }
                root = node
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if !String(contentOf: node).allSatisfy(\.isWhitespace) { throw located("the fragment has text outside its root element", node) }
            default:
                break  // comments and processing instructions around the root
            }
            child = node.pointee.next
        }
        guard let root else { throw refusal("the fragment has no root element") }

        var kept: xmlNsPtr?
        var declaration = wrapper.pointee.nsDef
        wrapper.pointee.nsDef = nil
        while let namespace = declaration {
            declaration = namespace.pointee.next
            namespace.pointee.next = nil
            if declares(root, prefix: namespace.pointee.prefix) {
                namespace.pointee.next = kept  // shadowed under the root: freed with the wrapper
                kept = namespace
            } else {
                namespace.pointee.next = root.pointee.nsDef
                root.pointee.nsDef = namespace
            }
        }
        wrapper.pointee.nsDef = kept
        xmlFreeNode(xmlDocSetRootElement(document, root))
    }

    private static func declares(_ element: xmlNodePtr, prefix: UnsafePointer<xmlChar>?) -> Bool {
        var declaration = element.pointee.nsDef
        while let namespace = declaration {
            if xmlStrEqual(namespace.pointee.prefix, prefix) != 0 { return true }
            declaration = namespace.pointee.next
        }
        return false
    }

    /// Columns on the wrapper's line count from the input's own start, not the wrapper's.
    private static func shifted(_ error: XMLParseError, insertion: Int, in bytes: UnsafeRawBufferPointer) -> XMLParseError {
        let line = 1 + bytes[..<insertion].count(where: { $0 == 0x0A })
        let column = 1 + insertion - ((bytes[..<insertion].lastIndex(of: 0x0A)).map { $0 + 1 } ?? 0)
        var error = error
        for index in error.diagnostics.indices where error.diagnostics[index].line == line && error.diagnostics[index].column > column {
            error.diagnostics[index].column = max(column, error.diagnostics[index].column - start.count)
        }
        return error
    }

    private static func refusal(_ message: String) -> XMLParseError {
        XMLParseError(diagnostics: [XMLDiagnostic(level: .fatal, line: 0, column: 0, message: message)])
    }

    private static func located(_ message: String, _ node: xmlNodePtr) -> XMLParseError {
        XMLParseError(diagnostics: [XMLDiagnostic(level: .fatal, line: Int(xmlGetLineNo(node)), column: 0, message: message)])
    }
}
