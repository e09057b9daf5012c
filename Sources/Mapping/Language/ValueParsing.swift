import Foundation

/// Reading the numeric notations senders use, without inventing precision: numbers stay text.
enum ValueParsing {
    /// A decimal as CDA's `real` accepts it: optional sign, digits, optional fraction.
    static func isDecimal(_ text: some StringProtocol) -> Bool {
        var digits = 0, dots = 0
        for (index, character) in text.enumerated() {
            switch character {
            case "-" where index == 0, "+" where index == 0: continue
            case ".": dots += 1
            case "0"..."9": digits += 1
            default: return false
            }
        }
        return digits > 0 && dots <= 1
    }

    /// Normalised to what CDA accepts: `.5` → `0.5`, `+3` → `3`, `5.` → `5`.
    static func decimal(_ text: some StringProtocol) -> String? {
        var value = text.trimmingCharacters(in: .whitespaces)
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
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for comparator in comparators where trimmed.hasPrefix(comparator) {
            if let bound = decimal(trimmed.dropFirst(comparator.count)) {
                return comparator.hasPrefix("<") ? .init(high: bound) : .init(low: bound)
            }
        }
        // The separating dash is the first one after a digit, so negative bounds stay intact.
        let characters = Array(trimmed)
        if let dash = characters.indices.dropFirst().first(where: { characters[$0] == "-" }),
           let low = decimal(String(characters[..<dash])), let high = decimal(String(characters[(dash + 1)...])) {
            return .init(low: low, high: high)
        }
        return .init(text: trimmed)
    }
}
