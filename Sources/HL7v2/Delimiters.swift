/// The delimiters a message declares in MSH-1 and MSH-2 (or FHS/BHS-1 and -2).
public struct Delimiters: Sendable, Hashable {
    public var field: UInt8
    public var component: UInt8
    public var repetition: UInt8
    public var escape: UInt8?
    public var subcomponent: UInt8?
    /// HL7 v2.7's truncation character (`#`), when MSH-2 declares a fifth character.
    public var truncation: UInt8?

    public static let standard = Delimiters(
        field: UInt8(ascii: "|"), component: UInt8(ascii: "^"), repetition: UInt8(ascii: "~"),
        escape: UInt8(ascii: "\\"), subcomponent: UInt8(ascii: "&"), truncation: nil)

    public init(field: UInt8, component: UInt8, repetition: UInt8, escape: UInt8?, subcomponent: UInt8?,
                truncation: UInt8? = nil) {
        self.field = field
        self.component = component
        self.repetition = repetition
        self.escape = escape
        self.subcomponent = subcomponent
        self.truncation = truncation
    }
}
