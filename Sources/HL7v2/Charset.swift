/// The character set of a message, from MSH-18 (HL7 table 0211). Values are decoded from it when
/// read and encoded into it when written.
public enum HL7Charset: Sendable, Hashable, CustomStringConvertible {
    /// ASCII (the default when MSH-18 is empty) and `UNICODE UTF-8`: both read as UTF-8.
    case utf8
    /// ISO/IEC 8859 part 1…16 (`8859/1`, `8859/15`, …).
    case iso8859(Int)

    /// - Throws: `.unsupportedCharacterSet` for a set this codec cannot decode faithfully
    ///   (`UNICODE UTF-16`, `ISO IR87`, …), rather than producing mojibake.
    public init(hl7Name raw: String) throws(HL7Error) {
        let name = raw.trimmingSpaces().uppercased()
        switch name {
        case "", "ASCII", "UNICODE UTF-8", "UTF-8":
            self = .utf8
        default:
            if name.hasPrefix("8859/"), let part = Int(name.dropFirst(5)), ISO8859Tables.upperHalf(part: part) != nil {
                self = .iso8859(part)
            } else {
                throw HL7Error(.unsupportedCharacterSet,
                               "character set '\(raw)' (MSH-18) is not supported; supported: ASCII, UNICODE UTF-8, 8859/1 to 8859/16",
                               field: 18)
            }
        }
    }

    public var description: String {
        switch self {
        case .utf8: "UNICODE UTF-8"
        case .iso8859(let part): "8859/\(part)"
        }
    }

    private static let tables: [Int: [UInt16]] = {
        var tables: [Int: [UInt16]] = [:]
        for part in 1...16 { tables[part] = ISO8859Tables.upperHalf(part: part) }
        return tables
    }()

    /// Decodes bytes known to be valid in this set (messages are validated when parsed).
    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        switch self {
        case .utf8:
            // A value short enough for a small string (most are) is copied into one in place: half
            // the instructions of `String(decoding:)`, which costs more for longer ones.
            guard bytes.count > 15 else { return String(unsafeUninitializedCapacity: bytes.count) { $0.initialize(fromContentsOf: bytes) } }
            return String(decoding: bytes, as: UTF8.self)
        case .iso8859(let part):
            let table = HL7Charset.tables[part]!
            var scalars = String.UnicodeScalarView()
            for byte in bytes {
                let value = byte < 0xa0 ? UInt32(byte) : UInt32(table[Int(byte) - 0xa0])
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            }
            return String(scalars)
        }
    }

    /// Bytes from a `\Xhh…\` escape: UTF-8 when they form valid UTF-8 in a UTF-8 message,
    /// otherwise each byte as a Latin-1 character, as other HL7 toolkits read them.
    func decodeHexEscape(_ bytes: [UInt8]) -> String {
        switch self {
        case .utf8:
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case .iso8859:
            return bytes.withUnsafeBufferPointer { decode($0) }
        }
    }

    /// Encodes `text` for a message in this set.
    func encode(_ text: String) throws(HL7Error) -> [UInt8] {
        switch self {
        case .utf8:
            return Array(text.utf8)
        case .iso8859(let part):
            let table = HL7Charset.tables[part]!
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.unicodeScalars.count)
            for scalar in text.unicodeScalars {
                if scalar.value < 0xa0 {
                    bytes.append(UInt8(scalar.value))
                } else if let index = table.firstIndex(of: UInt16(truncatingIfNeeded: scalar.value)), scalar.value <= 0xffff {
                    bytes.append(UInt8(0xa0 + index))
                } else {
                    throw HL7Error(.unrepresentableValue, "character U+\(String(scalar.value, radix: 16, uppercase: true)) cannot be written in \(self)")
                }
            }
            return bytes
        }
    }
}

/// The offset of the first byte that is not part of valid UTF-8, or nil.
func firstInvalidUTF8(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
    var index = start
    while index < end {
        let lead = bytes[index]
        if lead < 0x80 { index += 1; continue }
        let length: Int
        let minimum: UInt32
        switch lead {
        case 0xc2...0xdf: length = 2; minimum = 0x80
        case 0xe0...0xef: length = 3; minimum = 0x800
        case 0xf0...0xf4: length = 4; minimum = 0x10000
        default: return index
        }
        guard index + length <= end else { return index }
        var value = UInt32(lead) & (0xff >> (length + 1))
        for offset in 1..<length {
            let next = bytes[index + offset]
            guard next & 0xc0 == 0x80 else { return index }
            value = value << 6 | UInt32(next & 0x3f)
        }
        guard value >= minimum, value <= 0x10ffff, !(0xd800...0xdfff).contains(value) else { return index }
        index += length
    }
    return nil
}

extension StringProtocol {
    func trimmingSpaces() -> Substring {
        var trimmed = Substring(self)
        while trimmed.first == " " { trimmed.removeFirst() }
        while trimmed.last == " " { trimmed.removeLast() }
        return trimmed
    }
}
