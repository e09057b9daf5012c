/// Markup that is the same in every document (a template id, the fixed start of an entry), made
/// once through an `XMLWriter`, so that it is checked as any markup is, and then copied whole into
/// each document by `XMLWriter.write(_:)`: one copy instead of a call per element and attribute.
///
/// A fragment may leave elements open, for the document to fill and close with `end()`, and may
/// end inside a start tag, for the document to add attributes. The prefixes it uses are named when
/// it is made and must be in scope wherever it is written.
public struct XMLFragment: Sendable, Hashable {
    let bytes: [UInt8]
    /// The names of the elements it leaves open, outermost first, as ranges of `bytes`.
    let openElements: [Range<Int>]
    /// The attribute names of the start tag it ends in, as ranges of `bytes`; nil when it ends
    /// outside a tag.
    let startTagAttributes: [Range<Int>]?
    let prefixes: [[UInt8]]

    /// The markup `build` writes, with `prefixes` (e.g. `xsi`) assumed in scope. Throws what the
    /// writer would, and refuses namespace declarations on an element left open.
    public init(prefixes: [String] = [], _ build: (inout XMLWriter) -> Void) throws(XMLWriterError) {
        var writer = XMLWriter(declaration: false, capacity: 256)
        for prefix in prefixes { writer.assumeInScope(prefix: prefix) }
        build(&writer)
        self = try writer.fragment(prefixes: prefixes)
    }

    init(bytes: [UInt8], openElements: [Range<Int>], startTagAttributes: [Range<Int>]?, prefixes: [[UInt8]]) {
        self.bytes = bytes
        self.openElements = openElements
        self.startTagAttributes = startTagAttributes
        self.prefixes = prefixes
    }

    /// The fragment's markup, as it is copied.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
