/// Reading the numeric notations senders use, without inventing precision: numbers stay text.
/// The work is done on UTF-8 bytes: String's Character-based `hasPrefix`, slicing and trimming
/// made a reference range cost over a microsecond.
enum ValueParsing {
    /// A decimal as CDA's `real` accepts it: optional sign, digits, optional fraction.
    static func isDecimal(_ text: some StringProtocol) -> Bool {
        withUTF8(text) { isDecimal(bytes: $0) }
    }

    static func isDecimal(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = 0, dots = 0
        for (index, byte) in bytes.enumerated() {
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
        // Most values start and end with a printable ASCII byte: nothing to trim, settled
        // without classifying Characters.
        if withUTF8(text, { bytes in bytes.first.map(isPrintableASCII) == true && isPrintableASCII(bytes[bytes.count - 1]) }) {
            return String(text)
        }
        let blank = { (character: Character) in character.isWhitespace && (newlines || !character.isNewline) }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return String(text[first...last])
    }

    /// `bytes` without the ASCII blanks `trimmed` removes around them; nil when what remains starts
    /// or ends with a non-ASCII byte, which only `trimmed` (Unicode white space) can settle.
    static func trimmedASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        if start < end, bytes[start] >= 0x80 || bytes[end - 1] >= 0x80 { return nil }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    private static func isPrintableASCII(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7f }

    /// Runs `body` on the UTF-8 bytes of `text`, in place when its storage allows (always for
    /// native strings and their substrings).
    static func withUTF8<R>(_ text: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        text.utf8.withContiguousStorageIfAvailable(body) ?? Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Normalised to what CDA accepts: `.5` → `0.5`, `+3` → `3`, `5.` → `5`.
    static func decimal(_ text: some StringProtocol) -> String? {
        withUTF8(text) { decimal(bytes: $0) }
    }

    /// `decimal` of UTF-8 bytes.
    static func decimal(bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let value = trimmedASCII(bytes) else {
            return withUTF8(trimmed(String(decoding: bytes, as: UTF8.self))) { normalisedDecimal($0) }
        }
        return normalisedDecimal(value)
    }

    /// A trimmed decimal written as CDA accepts it; nil when `bytes` is not a decimal.
    private static func normalisedDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard isDecimal(bytes: bytes) else { return nil }
        var start = 0, end = bytes.count
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative || bytes[0] == UInt8(ascii: "+") { start = 1 }
        if bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
        let leadingZero = bytes[start] == UInt8(ascii: ".")
        return String(unsafeUninitializedCapacity: end - start + 2) { text in
            var count = 0
            if negative { text[count] = UInt8(ascii: "-"); count += 1 }
            if leadingZero { text[count] = UInt8(ascii: "0"); count += 1 }
            for index in start..<end {
                text[count] = bytes[index]
                count += 1
            }
            return count
        }
    }

    static let comparators = ["<=", ">=", "<", ">"]

    /// The comparator `bytes` start with (the longest), and its length.
    private static func comparator(_ bytes: UnsafeBufferPointer<UInt8>) -> (String, Int)? {
        guard let first = bytes.first, first == UInt8(ascii: "<") || first == UInt8(ascii: ">") else { return nil }
        let orEqual = bytes.count > 1 && bytes[1] == UInt8(ascii: "=")
        return switch (first == UInt8(ascii: "<"), orEqual) {
        case (true, true): ("<=", 2)
        case (false, true): (">=", 2)
        case (true, false): ("<", 1)
        case (false, false): (">", 1)
        }
    }

    /// `5.4`, `<0.5`, `>= 60`.
    static func quantity(_ text: String, unit: String?) -> Canonical.ObservationValue? {
        withUTF8(text) { quantity(bytes: $0, unit: unit) }
    }

    /// `quantity` of UTF-8 bytes.
    static func quantity(bytes: UnsafeBufferPointer<UInt8>, unit: String?) -> Canonical.ObservationValue? {
        // A comparator's remainder is never a decimal when the shorter comparator also matches
        // (`<=5` read as `<` leaves `=5`), so the longest match decides.
        if let (comparator, length) = comparator(bytes) {
            return decimal(bytes: UnsafeBufferPointer(rebasing: bytes[length...])).map { .quantity(value: $0, unit: unit, comparator: comparator) }
        }
        return decimal(bytes: bytes).map { .quantity(value: $0, unit: unit, comparator: nil) }
    }

    /// An HL7 NM value: a quantity, else its text, trimmed. Read from its UTF-8 bytes, in place
    /// when their ends are ASCII (nearly always).
    static func numeric(bytes: UnsafeBufferPointer<UInt8>, unit: String?) -> Canonical.ObservationValue {
        guard let value = trimmedASCII(bytes) else {
            let text = trimmed(String(decoding: bytes, as: UTF8.self))
            return quantity(text, unit: unit) ?? .text(text)
        }
        return quantity(bytes: value, unit: unit) ?? .text(String(decoding: value, as: UTF8.self))
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
        withUTF8(trimmed(text)) { referenceRange(trimmed: $0) }
    }

    /// `referenceRange` of UTF-8 bytes, trimmed in place when their ends are ASCII (nearly always).
    static func referenceRange(bytes: UnsafeBufferPointer<UInt8>) -> Canonical.ReferenceRange {
        guard let value = trimmedASCII(bytes) else { return referenceRange(String(decoding: bytes, as: UTF8.self)) }
        return referenceRange(trimmed: value)
    }

    private static func referenceRange(trimmed bytes: UnsafeBufferPointer<UInt8>) -> Canonical.ReferenceRange {
        if let (comparator, length) = comparator(bytes),
           let bound = decimal(bytes: UnsafeBufferPointer(rebasing: bytes[length...])) {
            return comparator.hasPrefix("<") ? .init(high: bound) : .init(low: bound)
        }
        // The separating dash is the first one after the first character, so a negative low bound stays intact.
        if let dash = bytes.dropFirst().firstIndex(of: UInt8(ascii: "-")),
           let low = decimal(bytes: UnsafeBufferPointer(rebasing: bytes[..<dash])),
           let high = decimal(bytes: UnsafeBufferPointer(rebasing: bytes[(dash + 1)...])) {
            return .init(low: low, high: high)
        }
        return .init(text: String(decoding: bytes, as: UTF8.self))
    }
}
