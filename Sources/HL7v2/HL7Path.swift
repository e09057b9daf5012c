/// An address in a message: `PID-5.1`, `PID-3[2].4.2` (second repetition), `OBX[3]-5` (third OBX),
/// `MSH-9.2`. Numbers are 1-based; the repetition defaults to the first, and a path without a
/// component addresses the whole repetition. MSH-1 is the field separator and MSH-2 the encoding
/// characters, as the standard numbers them (likewise FHS and BHS).
public struct HL7Path: Sendable, Hashable, CustomStringConvertible {
    public var segment: String { unpackName(packedSegment) }
    public let occurrence: Int
    public let field: Int
    public let repetition: Int
    public let component: Int?
    public let subcomponent: Int?
    /// The segment name's three bytes: the only copy of it, so that a path holds no reference
    /// and copying one (every rule that reads the message does) costs no retain and release.
    let packedSegment: UInt32

    public init(segment: String, occurrence: Int = 1, field: Int, repetition: Int = 1, component: Int? = nil,
                subcomponent: Int? = nil) {
        precondition(segment.utf8.count == 3 && occurrence >= 1 && field >= 1 && repetition >= 1
                     && (component ?? 1) >= 1 && (subcomponent ?? 1) >= 1 && (subcomponent == nil || component != nil),
                     "invalid HL7 path components")
        self.occurrence = occurrence
        self.field = field
        self.repetition = repetition
        self.component = component
        self.subcomponent = subcomponent
        packedSegment = packName(segment)
    }

    public init(_ text: String) throws(HL7Error) {
        func invalid(_ why: String) -> HL7Error {
            HL7Error(.invalidPath, "invalid HL7 path '\(text)': \(why); expected e.g. PID-5.1, PID-3[2].4.2 or OBX[3]-5")
        }
        var rest = Substring(text)
        let name = rest.prefix(3)
        guard name.utf8.count == 3, name.utf8.allSatisfy({ isAlphanumeric($0) }), name == name.uppercased() else {
            throw invalid("a segment name is three capital letters or digits")
        }
        rest = rest.dropFirst(3)
        func bracketed() throws(HL7Error) -> Int? {
            guard rest.first == "[" else { return nil }
            guard let close = rest.firstIndex(of: "]"), let number = Int(rest[rest.index(after: rest.startIndex)..<close]), number >= 1 else {
                throw invalid("a bracketed number must be a positive integer")
            }
            rest = rest[rest.index(after: close)...]
            return number
        }
        func number(after separator: Character, _ what: String) throws(HL7Error) -> Int? {
            guard rest.first == separator else { return nil }
            rest = rest.dropFirst()
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let value = Int(digits), value >= 1 else { throw invalid("the \(what) number must be a positive integer") }
            rest = rest.dropFirst(digits.count)
            return value
        }
        let occurrence = try bracketed() ?? 1
        guard let field = try number(after: "-", "field") else { throw invalid("a '-' and a field number must follow the segment") }
        let repetition = try bracketed() ?? 1
        let component = try number(after: ".", "component")
        let subcomponent = try number(after: ".", "subcomponent")
        guard rest.isEmpty else { throw invalid("unexpected '\(rest)'") }
        self.init(segment: String(name), occurrence: occurrence, field: field, repetition: repetition,
                  component: component, subcomponent: subcomponent)
    }

    public var description: String {
        var text = segment + (occurrence > 1 ? "[\(occurrence)]" : "") + "-\(field)" + (repetition > 1 ? "[\(repetition)]" : "")
        if let component { text += ".\(component)" }
        if let subcomponent { text += ".\(subcomponent)" }
        return text
    }
}
