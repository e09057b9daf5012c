import CLibXML2

/// The libxml2 this process is linked with.
public enum LibXML {
    /// The runtime version, e.g. `2.9.14` (libxml2 reports it as `20914`).
    public static var version: String {
        // `xmlParserVersion` is a macro over this accessor in thread-enabled builds.
        let packed = Int(String(cString: __xmlParserVersion().pointee!)) ?? 0
        return "\(packed / 10000).\(packed / 100 % 100).\(packed % 100)"
    }

    /// libxml2 wants `xmlInitParser` called once before several threads use it; a static `let`
    /// runs its initializer exactly once, whichever thread gets here first.
    private static let initialized: Void = xmlInitParser()

    static func initialize() { _ = initialized }
}

extension String {
    /// A libxml2 string (UTF-8 `unsigned char *`) as a Swift string.
    init?(xml: UnsafePointer<xmlChar>?) {
        guard let xml else { return nil }
        self.init(decoding: UnsafeBufferPointer(start: xml, count: Int(xmlStrlen(xml))), as: UTF8.self)
    }

    /// The text content of a node, attribute or subtree. It goes through an `xmlBuffer` because
    /// the strings libxml2 returns to its caller need `xmlFree`, a global variable that strict
    /// concurrency checking rejects.
    init(contentOf node: xmlNodePtr) {
        let buffer = xmlBufferCreate()
        defer { xmlBufferFree(buffer) }
        xmlNodeBufGetContent(buffer, node)
        self = String(xml: xmlBufferContent(buffer)) ?? ""
    }

    /// A libxml2 error message, which ends with a newline.
    init(libxmlMessage text: UnsafeMutablePointer<CChar>?) {
        var message = text.map { Substring(String(cString: $0)) } ?? "unknown libxml2 error"
        while message.last?.isNewline == true { message.removeLast() }
        self = String(message)
    }
}
