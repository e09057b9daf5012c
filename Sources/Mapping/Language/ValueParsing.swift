/// Reading the numeric notations senders use, without inventing precision: numbers stay text.
enum ValueParsing {
    /// A decimal as CDA's `real` accepts it: optional sign, digits, optional fraction.
    static func isDecimal(_ text: some StringProtocol) -> Bool {
        var digits = 0, dots = 0
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where index == 0, UInt8(ascii: "+") where index == 0: continue
            case UInt8(ascii: "."): dots += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            default: return false
            }
        }
        return digits > 0 && dots <= 1
    }

    /// `text` without the blanks (white space other than line breaks) around it. Not Foundation's
    /// `trimmingCharacters`, whose NSString bridging took a quarter of the mapping time.
    static func trimmed(_ text: some StringProtocol, newlines: Bool = false) -> String {
        // Most values start and end with a printable ASCII character: nothing to trim, settled
        // without classifying every Character.
        if let first = text.first?.asciiValue, let last = text.last?.asciiValue, isPrintableASCII(first), isPrintableASCII(last) {
            return String(text)
        }
        let blank = { (character: Character) in character.isWhitespace && (newlines || !character.isNewline) }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return String(text[first...last])
    }

    private static func isPrintableASCII(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7f }

    /// Normalised to what CDA accepts: `.5` → `0.5`, `+3` → `3`, `5.` → `5`.
    static func decimal(_ text: some StringProtocol) -> String? {
        var value = trimmed(text)
        guard isDecimal(value) else { return nil }
        if value.hasPrefix("+") { value.removeFirst() }
        let negative = value.hasPrefix("-")
        if negative { value.removeFirst() }
        if value.hasPrefix(".") { value = "0" + value }
        if value.hasSuffix(".") { value.removeLast() }
        return (negative ? "-" : "") + value
    }

    static let comparators = ["<=", ">=", "<", ">"]

    /// `5.4`, `<0.5`, `>= 60`.
    static func quantity(_ text: String, unit: String?) -> Canonical.ObservationValue? {
        for comparator in comparators where text.hasPrefix(comparator) {
            return decimal(text.dropFirst(comparator.count)).map { .quantity(value: $0, unit: unit, comparator: comparator) }
        }
        return decimal(text).map { .quantity(value: $0, unit: unit, comparator: nil) }
    }

    /// HL7 SN: comparator ^ number ^ separator ^ number (`^10^-^20` a range, `<^5` a bound,
    /// `^1^:^128` a ratio, kept as text).
    static func structuredNumeric(comparator: String?, first: String?, separator: String?, second: String?,
                                  unit: String?) -> Canonical.ObservationValue? {
        let low = first.flatMap { decimal($0) }, high = second.flatMap { decimal($0) }
        switch (separator, low, high) {
        case ("-", _, _) where low != nil || high != nil:
            return .range(low: low, high: high, unit: unit)
        case (nil, let value?, nil):
            let bound = comparator.flatMap { comparators.contains($0) ? $0 : nil }
            return .quantity(value: value, unit: unit, comparator: bound)
        default:
            let text = [comparator, first, separator, second].compactMap { $0 }.joined()
            return text.isEmpty ? nil : .text(text)
        }
    }

    /// OBX-7: `3.9-5.8`, `<5`, `>60`, else kept as text.
    static func referenceRange(_ text: String) -> Canonical.ReferenceRange {
        let trimmed = trimmed(text)
        for comparator in comparators where trimmed.hasPrefix(comparator) {
            if let bound = decimal(trimmed.dropFirst(comparator.count)) {
                return comparator.hasPrefix("<") ? .init(high: bound) : .init(low: bound)
            }
        }
        // The separating dash is the first one after the first character, so a negative low bound stays intact.
        if let dash = trimmed.utf8.dropFirst().firstIndex(of: UInt8(ascii: "-")),
           let low = decimal(trimmed[..<dash]), let high = decimal(trimmed[trimmed.utf8.index(after: dash)...]) {
            return .init(low: low, high: high)
        }
        return .init(text: trimmed)
    }
}
