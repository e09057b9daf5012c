/// LOINC's mod-10 check digit (LOINC Users' Guide): digits from the right, the odd positions
/// doubled as one number, the even-position digits prepended, all digits summed; the check digit
/// brings the sum to the next multiple of ten.
public enum LOINCCheckDigit {
    /// The check digit for the part of a code before the hyphen, nil when it is not all digits.
    public static func compute(_ body: Substring) -> Int? {
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let digits = body.reversed().map { Int($0.asciiValue! - 48) }
        var odd = ""  // positions 1, 3, 5… from the right, kept in their original order
        var even = ""
        for (index, digit) in digits.enumerated() {
            if index % 2 == 0 { odd = "\(digit)" + odd } else { even = "\(digit)" + even }
        }
        let doubled = String((Int(odd) ?? 0) * 2)
        let sum = (even + doubled).reduce(0) { $0 + Int($1.asciiValue! - 48) }
        return (10 - sum % 10) % 10
    }
}
