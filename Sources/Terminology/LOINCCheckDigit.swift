/// LOINC's mod-10 check digit (LOINC Users' Guide): digits from the right, the odd positions
/// doubled as one number, the even-position digits prepended, all digits summed; the check digit
/// brings the sum to the next multiple of ten.
public enum LOINCCheckDigit {
    /// The check digit for the part of a code before the hyphen, nil when it is not all digits.
    public static func compute(_ body: Substring) -> Int? {
        guard !body.isEmpty, body.count <= 18, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return compute(Int(body)!)
    }

    /// The check digit for the number before the hyphen. Arithmetic rather than string building:
    /// it runs for every code of every message validated.
    public static func compute(_ number: Int) -> Int {
        var rest = number, odd = 0, oddScale = 1, sum = 0, isOdd = true
        while rest > 0 {
            let digit = rest % 10
            if isOdd { odd += digit * oddScale; oddScale *= 10 } else { sum += digit }
            rest /= 10
            isOdd.toggle()
        }
        var doubled = odd * 2
        while doubled > 0 { sum += doubled % 10; doubled /= 10 }
        return (10 - sum % 10) % 10
    }
}
