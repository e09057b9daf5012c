/// A JSON view of a message for scripts and debugging. Each segment is `{"name", "fields"}`;
/// `fields[i]` is field i+1 (MSH-1 is the field separator), as an array of repetitions; a
/// repetition is a string, or an array of components when it has several; a component likewise
/// a string or an array of subcomponents. Leaf strings are unescaped.
extension HL7Message {
    public func json(formatting: FormattingEscapes = .keep) -> String {
        var out = "{\"segments\":["
        for segment in 0..<segmentCount {
            if segment > 0 { out += "," }
            out += "{\"name\":"
            appendJSONString(segmentName(segment), to: &out)
            out += ",\"fields\":["
            for field in 1...max(1, fieldCount(ofSegment: segment)) {
                if field > 1 { out += "," }
                guard let (range, literal) = fieldRange(segment: segment, field: field) else { out += "[]"; continue }
                if literal {
                    out += "["
                    appendJSONString(decode(range), to: &out)
                    out += "]"
                    continue
                }
                out += "["
                for (index, repetition) in pieces(of: range, separatedBy: delimiters.repetition).enumerated() {
                    if index > 0 { out += "," }
                    appendNested(repetition, separators: [delimiters.component, delimiters.subcomponent], formatting: formatting, to: &out)
                }
                out += "]"
            }
            out += "]}"
        }
        out += "]}"
        return out
    }

    private func appendNested(_ range: Range<Int>, separators: ArraySlice<UInt8>, formatting: FormattingEscapes, to out: inout String) {
        guard let separator = separators.first, storage[range].contains(separator) else {
            if let separator = separators.dropFirst().first, storage[range].contains(separator) {
                // A single component holding subcomponents.
                out += "["
                appendNested(range, separators: separators.dropFirst(), formatting: formatting, to: &out)
                out += "]"
                return
            }
            appendJSONString(unescape(range, formatting: formatting), to: &out)
            return
        }
        out += "["
        for (index, piece) in pieces(of: range, separatedBy: separator).enumerated() {
            if index > 0 { out += "," }
            appendNested(piece, separators: separators.dropFirst(), formatting: formatting, to: &out)
        }
        out += "]"
    }
}

func appendJSONString(_ text: String, to out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case let control where control.value < 0x20:
            let hex = String(control.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    out += "\""
}
