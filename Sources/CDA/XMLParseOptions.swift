/// Limits applied to every parse. The safe parser options themselves (no entity substitution, no
/// DTD loading, no network) are not configurable: they are always on.
public struct XMLParseOptions: Sendable, Hashable {
    /// Documents larger than this are refused before libxml2 sees a byte.
    public var maxBytes: Int
    /// Element nesting deeper than this stops the parse. libxml2 itself stops at 256 levels
    /// unless `XML_PARSE_HUGE` is set, which Passerelle never sets, so larger values act as 256.
    public var maxDepth: Int

    public init(maxBytes: Int = 50 << 20, maxDepth: Int = 256) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    public static let `default` = XMLParseOptions()
}
