import CLibXML2

/// What one parse collects through the libxml2 callbacks, reached from the parser context's
/// `_private` field so that concurrent parses never share error state (libxml2's structured
/// error handler set with `xmlSetStructuredErrorFunc` is process-wide in 2.9).
final class ParseSession {
    let maxDepth: Int
    var diagnostics: [XMLDiagnostic] = []
    /// Set when Passerelle itself refused the input (a limit or a forbidden declaration).
    var refused = false

    init(maxDepth: Int) { self.maxDepth = maxDepth }

    static func of(_ context: UnsafeMutableRawPointer?) -> (ParseSession, xmlParserCtxtPtr)? {
        // SAX callbacks and parser errors receive `ctxt->userData`, which is the context itself.
        guard let ctxt = context?.assumingMemoryBound(to: xmlParserCtxt.self),
              let session = ctxt.pointee._private else { return nil }
        return (Unmanaged<ParseSession>.fromOpaque(session).takeUnretainedValue(), ctxt)
    }

    func refuse(_ ctxt: xmlParserCtxtPtr, _ message: String) {
        let context = UnsafeMutableRawPointer(ctxt)
        diagnostics.append(XMLDiagnostic(
            level: .fatal, line: Int(xmlSAX2GetLineNumber(context)),
            column: Int(xmlSAX2GetColumnNumber(context)), message: message))
        refused = true
        xmlStopParser(ctxt)
    }
}

/// Parses bytes into a libxml2 tree with the safe options always on, or throws every diagnostic.
enum SafeParser {
    /// No network; line numbers past 65535 kept; small text nodes stored inline (the tree is
    /// never modified). Deliberately absent: NOENT (entity substitution), DTDLOAD/DTDATTR/DTDVALID
    /// (external subset loading), XINCLUDE and HUGE (which lifts the depth and text-size limits).
    static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_COMPACT.rawValue)

    static func parse(_ bytes: UnsafeRawBufferPointer, options limits: XMLParseOptions) throws(XMLParseError) -> xmlDocPtr {
        func refusal(_ message: String) -> XMLParseError {
            XMLParseError(diagnostics: [XMLDiagnostic(level: .fatal, line: 0, column: 0, message: message)])
        }
        guard bytes.count <= limits.maxBytes else {
            throw refusal("document is \(bytes.count) bytes, over the limit of \(limits.maxBytes) bytes")
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw refusal("document is empty") }
        LibXML.initialize()
        guard let ctxt = xmlCreateMemoryParserCtxt(base.assumingMemoryBound(to: CChar.self), Int32(bytes.count)) else {
            throw refusal("libxml2 could not create a parser context")
        }
        defer { xmlFreeParserCtxt(ctxt) }
        xmlCtxtUseOptions(ctxt, options)

        let session = ParseSession(maxDepth: limits.maxDepth)
        ctxt.pointee._private = Unmanaged.passUnretained(session).toOpaque()
        install(on: ctxt.pointee.sax)
        withExtendedLifetime(session) { _ = xmlParseDocument(ctxt) }

        let document = ctxt.pointee.myDoc
        ctxt.pointee.myDoc = nil
        let failed = session.refused || ctxt.pointee.wellFormed == 0 || ctxt.pointee.nsWellFormed == 0
            || session.diagnostics.contains { $0.level != .warning }
        guard let document, !failed else {
            xmlFreeDoc(document)
            if session.diagnostics.isEmpty { throw refusal("not well-formed XML") }
            throw XMLParseError(diagnostics: session.diagnostics)
        }
        return document
    }

    /// Replaces the SAX callbacks that could make the parser fetch or expand anything.
    private static func install(on sax: UnsafeMutablePointer<xmlSAXHandler>) {
        sax.pointee.serror = { context, error in
            guard let (session, _) = ParseSession.of(context), let error else { return }
            let level: XMLDiagnostic.Level = switch error.pointee.level {
            case XML_ERR_WARNING: .warning
            case XML_ERR_ERROR: .error
            default: .fatal
            }
            session.diagnostics.append(XMLDiagnostic(
                level: level, line: Int(error.pointee.line), column: Int(error.pointee.int2),
                message: String(libxmlMessage: error.pointee.message)))
        }
        // CDA documents never declare entities. Refusing every declaration at the point it is
        // read stops XXE (file and network entities), billion laughs and quadratic blow-up
        // before any expansion, whatever libxml2's own entity limits would have allowed.
        sax.pointee.entityDecl = { context, name, _, _, _, _ in
            guard let (session, ctxt) = ParseSession.of(context) else { return }
            session.refuse(ctxt, "entity declaration '\(String(xml: name) ?? "")' refused: CDA documents do not use entities")
        }
        sax.pointee.unparsedEntityDecl = { context, name, _, _, _ in
            guard let (session, ctxt) = ParseSession.of(context) else { return }
            session.refuse(ctxt, "entity declaration '\(String(xml: name) ?? "")' refused: CDA documents do not use entities")
        }
        // Never load an external DTD subset, whatever the options say.
        sax.pointee.externalSubset = nil
        sax.pointee.startElementNs = { context, localname, prefix, uri, nbNamespaces, namespaces, nbAttributes, nbDefaulted, attributes in
            xmlSAX2StartElementNs(context, localname, prefix, uri, nbNamespaces, namespaces, nbAttributes, nbDefaulted, attributes)
            guard let (session, ctxt) = ParseSession.of(context) else { return }
            // `nameNr` counts the open ancestors; this element is pushed after the callback.
            if Int(ctxt.pointee.nameNr) + 1 > session.maxDepth {
                session.refuse(ctxt, "element nesting deeper than \(session.maxDepth) levels")
            }
        }
    }
}
