import CLibXML2
import Findings

/// An XSD schema set, loaded once and shared: libxml2 never modifies a compiled `xmlSchema`,
/// and each validation gets its own validation context, so any number of threads may validate
/// against one `XMLSchema` at the same time.
public final class XMLSchema: Sendable {
    nonisolated(unsafe) private let schema: xmlSchemaPtr
    /// Where the schema was loaded from, for messages.
    public let path: String

    /// Loads the schema at `path` and everything it includes or imports (trusted configuration,
    /// read from the file system; never the `xsi:schemaLocation` of a document).
    public init(path: String) throws(XMLSchemaError) {
        LibXML.initialize()
        self.path = path
        guard let parser = xmlSchemaNewParserCtxt(path) else {
            throw XMLSchemaError(path: path, messages: ["cannot create a schema parser"])
        }
        defer { xmlSchemaFreeParserCtxt(parser) }
        let collector = FindingCollector(file: path, document: nil)
        xmlSchemaSetParserStructuredErrors(parser, FindingCollector.callback, Unmanaged.passUnretained(collector).toOpaque())
        let schema = withExtendedLifetime(collector) { xmlSchemaParse(parser) }
        guard let schema else {
            throw XMLSchemaError(path: path, messages: collector.findings.map(\.description))
        }
        self.schema = schema
    }

    deinit { xmlSchemaFree(schema) }

    /// Validates `document`; each finding (rule `xsd`) names the line and, in its path, the element.
    /// `file` is copied into each finding's location.
    public func validate(_ document: XMLDocument, file: String? = nil) -> [Finding] {
        guard let context = xmlSchemaNewValidCtxt(schema) else {
            return [Finding(severity: .error, rule: "xsd", message: "cannot create a validation context",
                            location: .init(file: file))]
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let collector = FindingCollector(file: file, document: document)
        xmlSchemaSetValidStructuredErrors(context, FindingCollector.callback, Unmanaged.passUnretained(collector).toOpaque())
        let status = withExtendedLifetime(collector) { xmlSchemaValidateDoc(context, document.pointer) }
        if status != 0 && !collector.findings.hasErrors {
            collector.findings.append(Finding(severity: .error, rule: "xsd",
                message: "validation failed (libxml2 status \(status))", location: .init(file: file)))
        }
        return collector.findings
    }
}

public struct XMLSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var messages: [String]
    public var description: String {
        "cannot load schema \(path)" + (messages.isEmpty ? "" : ": " + messages.joined(separator: "; "))
    }
}

/// Turns libxml2 structured errors into findings, for one schema load or one validation.
private final class FindingCollector {
    let file: String?
    let document: XMLDocument?
    var findings: [Finding] = []

    init(file: String?, document: XMLDocument?) {
        self.file = file
        self.document = document
    }

    static let callback: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        let collector = Unmanaged<FindingCollector>.fromOpaque(context).takeUnretainedValue()
        let node = error.pointee.node.flatMap { raw in
            collector.document.map { XMLNode(pointer: raw.assumingMemoryBound(to: xmlNode.self), document: $0) }
        }
        let line = error.pointee.line > 0 ? Int(error.pointee.line) : node?.line
        collector.findings.append(Finding(
            severity: error.pointee.level == XML_ERR_WARNING ? .warning : .error,
            rule: "xsd", message: String(libxmlMessage: error.pointee.message),
            location: .init(file: collector.file ?? error.pointee.file.map { String(cString: $0) },
                            line: line, path: node?.path)))
    }
}
