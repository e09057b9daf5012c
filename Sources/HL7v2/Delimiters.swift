/// The delimiters a message declares in MSH-1 and MSH-2 (or FHS/BHS-1 and -2).
public struct Delimiters: Sendable, Hashable {
    public var field: UInt8
    public var component: UInt8
    public var repetition: UInt8
    public var escape: UInt8
    public var subcomponent: UInt8
    /// HL7 v2.7's truncation character (`#`), when MSH-2 declares a fifth character.
    public var truncation: UInt8?

    public static let standard = Delimiters(
        field: UInt8(ascii: "|"), component: UInt8(ascii: "^"), repetition: UInt8(ascii: "~"),
        escape: UInt8(ascii: "\\"), subcomponent: UInt8(ascii: "&"))

    public init(field: UInt8, component: UInt8, repetition: UInt8, escape: UInt8, subcomponent: UInt8,
                truncation: UInt8? = nil) {
        self.field = field
        self.component = component
        self.repetition = repetition
        self.escape = escape
        self.subcomponent = subcomponent
        self.truncation = truncation
    }

    /// MSH-2 as written: component, repetition, escape, subcomponent and the optional truncation character.
    public var encodingCharacters: [UInt8] {
        [component, repetition, escape, subcomponent] + (truncation.map { [$0] } ?? [])
    }

    /// Reads the delimiters of a header segment (MSH, FHS or BHS) starting at `start`.
    /// HL7 asks for four distinct encoding characters (five from v2.7), none of them the field
    /// separator; anything else would make the message ambiguous, so it is refused.
    static func read(from bytes: UnsafeBufferPointer<UInt8>, headerAt start: Int, end: Int) throws(HL7Error) -> Delimiters {
        let name = String(decoding: bytes[start..<min(start + 3, end)], as: UTF8.self)
        func invalid(_ reason: String, at offset: Int, field: Int) -> HL7Error {
            HL7Error(.invalidDelimiters, reason, offset: offset, segment: 1, segmentName: name, field: field)
        }
        guard start + 3 < end else { throw invalid("\(name) has no field separator", at: start + 3, field: 1) }
        let field = bytes[start + 3]
        guard isUsableDelimiter(field), !isAlphanumeric(field) else {
            throw invalid("\(name)-1 field separator \(describe(field)) is not usable", at: start + 3, field: 1)
        }
        var encoding: [UInt8] = []
        var index = start + 4
        while index < end, bytes[index] != field, bytes[index] != cr, bytes[index] != lf {
            encoding.append(bytes[index])
            index += 1
        }
        guard encoding.count == 4 || encoding.count == 5 else {
            throw invalid("\(name)-2 must hold 4 encoding characters (5 with v2.7's truncation character), found \(encoding.count)",
                          at: start + 4, field: 2)
        }
        for (position, character) in encoding.enumerated() {
            guard isUsableDelimiter(character), character != field,
                  !encoding[..<position].contains(character) else {
                throw invalid("\(name)-2 encoding character \(describe(character)) is repeated or not usable",
                              at: start + 4 + position, field: 2)
            }
        }
        return Delimiters(field: field, component: encoding[0], repetition: encoding[1], escape: encoding[2],
                          subcomponent: encoding[3], truncation: encoding.count == 5 ? encoding[4] : nil)
    }

    private static func isUsableDelimiter(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7f  // printable ASCII: terminators, NUL, space and bytes of multi-byte characters never delimit
    }

    private static func describe(_ byte: UInt8) -> String {
        isUsableDelimiter(byte) ? "'\(Character(UnicodeScalar(byte)))'" : "0x" + String(byte, radix: 16)
    }
}

let cr = UInt8(ascii: "\r")
let lf = UInt8(ascii: "\n")

@inline(__always) func isAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
}
