/// What to do with HL7's formatting escapes (`\.br\`, `\H\`, `\N\`, `\.sp\`, `\Cxxyy\`…), which
/// carry presentation, not characters.
public enum FormattingEscapes: Sendable, Hashable {
    /// Kept verbatim, so that formatted text (FT) round-trips.
    case keep
    /// Rendered as plain text: line breaks become `\n`, highlighting and the rest are dropped.
    case render
}

extension HL7Message {
    /// Decodes the escapes of a leaf value: `\F\ \S\ \T\ \R\ \E\` become the delimiters they
    /// stand for, `\Xhh…\` the bytes it spells. Malformed sequences are kept as written.
    func unescape(_ range: Range<Int>, formatting: FormattingEscapes) -> String {
        let escape = delimiters.escape
        guard storage[range].contains(escape) else { return decode(range) }
        var result = ""
        var plainStart = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            guard storage[index] == escape,
                  let close = storage[(index + 1)..<range.upperBound].firstIndex(of: escape), close > index + 1 else {
                index += 1
                continue
            }
            let body = storage[(index + 1)..<close]
            guard let replacement = replacement(for: body, formatting: formatting) else {
                index += 1
                continue
            }
            result += decode(plainStart..<index)
            result += replacement
            index = close + 1
            plainStart = index
        }
        result += decode(plainStart..<range.upperBound)
        return result
    }

    private func replacement(for body: ArraySlice<UInt8>, formatting: FormattingEscapes) -> String? {
        let first = body.first!
        if body.count == 1 {
            let delimiter: UInt8? =
                switch first {
                case UInt8(ascii: "F"): delimiters.field
                case UInt8(ascii: "S"): delimiters.component
                case UInt8(ascii: "T"): delimiters.subcomponent
                case UInt8(ascii: "R"): delimiters.repetition
                case UInt8(ascii: "E"): delimiters.escape
                case UInt8(ascii: "H"), UInt8(ascii: "N"): nil
                default: nil
                }
            if let delimiter { return String(UnicodeScalar(delimiter)) }
        }
        if first == UInt8(ascii: "X") {
            let hex = body.dropFirst()
            guard !hex.isEmpty, hex.count % 2 == 0, let bytes = hexBytes(hex) else { return nil }
            return charset.decodeHexEscape(bytes)
        }
        guard isFormattingEscape(body) else { return nil }
        switch formatting {
        case .keep:
            return String(UnicodeScalar(delimiters.escape)) + String(decoding: body, as: UTF8.self) + String(UnicodeScalar(delimiters.escape))
        case .render:
            let text = String(decoding: body, as: UTF8.self)
            if text == ".br" || text == ".sp" || text.hasPrefix(".sp") { return "\n" }
            return ""
        }
    }

    private func isFormattingEscape(_ body: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: body, as: UTF8.self)
        if text == "H" || text == "N" { return true }
        if text.hasPrefix("."), [".br", ".sp", ".in", ".ti", ".sk", ".ce", ".fi", ".nf"].contains(where: text.hasPrefix) { return true }
        // Character-set switches: \Cxxyy\, \Mxxyyzz\; locally defined: \Zxxx\.
        if let lead = text.first, "CMZ".contains(lead) { return true }
        return false
    }
}

private func hexBytes(_ hex: ArraySlice<UInt8>) -> [UInt8]? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(hex.count / 2)
    var index = hex.startIndex
    while index < hex.endIndex {
        guard let high = hexValue(hex[index]), let low = hexValue(hex[index + 1]) else { return nil }
        bytes.append(high << 4 | low)
        index += 2
    }
    return bytes
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: byte - 0x30
    case 0x41...0x46: byte - 0x37
    case 0x61...0x66: byte - 0x57
    default: nil
    }
}

extension Delimiters {
    /// Encodes `text` as a leaf value: delimiters become `\F\ \S\ \T\ \R\ \E\` and line breaks
    /// `\X0D\` / `\X0A\`, so that the value reads back unchanged. The truncation character is
    /// left as is, as v2.7 specifies.
    public func escape(_ text: String, charset: HL7Charset = .utf8) throws(HL7Error) -> [UInt8] {
        let bytes = try charset.encode(text)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        let escapeByte = escape
        func sequence(_ letters: String) {
            output.append(escapeByte)
            output.append(contentsOf: letters.utf8)
            output.append(escapeByte)
        }
        for byte in bytes {
            switch byte {
            case field: sequence("F")
            case component: sequence("S")
            case subcomponent: sequence("T")
            case repetition: sequence("R")
            case escapeByte: sequence("E")
            case cr: sequence("X0D")
            case lf: sequence("X0A")
            default: output.append(byte)
            }
        }
        return output
    }
}
