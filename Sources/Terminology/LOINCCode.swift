/// A LOINC code of LOINC's form `NNNNN-C`: one to seven digits without a leading zero, a hyphen
/// and one check digit. Parsing judges the form only; `hasValidCheckDigit` judges the digit.
/// Stored as one integer so that table lookups hash a number, not a string.
public struct LOINCCode: Hashable, Comparable, Sendable, TextCodable {
    /// The number before the hyphen times ten plus the check digit.
    private let value: Int32

    public static let textKind = "a LOINC code"

    public init?(_ text: String) {
        var text = text
        guard let value = text.withUTF8(Self.parse) else { return nil }
        self.value = value
    }

    public init?(_ text: Substring) {
        var text = text
        guard let value = text.withUTF8(Self.parse) else { return nil }
        self.value = value
    }

    /// Concrete initialisers over contiguous bytes: a public generic would run unspecialised,
    /// through witness tables, in the modules that validate messages.
    private static func parse(_ utf8: UnsafeBufferPointer<UInt8>) -> Int32? {
        var value: Int32 = 0, digits = 0, sawHyphen = false, checkDigits = 0
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if sawHyphen {
                    checkDigits += 1
                } else {
                    if digits == 0 && byte == UInt8(ascii: "0") { return nil }
                    digits += 1
                }
                guard digits <= 7, checkDigits <= 1 else { return nil }
                value = value * 10 + Int32(byte &- UInt8(ascii: "0"))
            case UInt8(ascii: "-") where !sawHyphen && digits > 0:
                sawHyphen = true
            default:
                return nil
            }
        }
        return checkDigits == 1 ? value : nil
    }

    public var number: Int { Int(value / 10) }
    public var checkDigit: Int { Int(value % 10) }

    public var hasValidCheckDigit: Bool { LOINCCheckDigit.compute(number) == checkDigit }

    /// The code with the check digit its number should have.
    public var withComputedCheckDigit: LOINCCode {
        LOINCCode(number: number, checkDigit: LOINCCheckDigit.compute(number))
    }

    /// One of the fourteen deprecated legacy codes published with an invalid check digit
    /// (DESIGN.md §1): deprecated, not mistyped.
    public var isLegacyInvalidCheckDigit: Bool { Self.legacyInvalidCheckDigit.contains(self) }

    static let legacyInvalidCheckDigit: Set<LOINCCode> = Set([
        "11491-6", "11501-6", "5895-7", "5896-5", "5897-3", "5928-1", "6028-3", "6415-5",
        "6580-7", "6645-7", "6646-5", "6647-3", "6648-1", "6649-9",
    ].map { LOINCCode($0)! })

    private init(number: Int, checkDigit: Int) {
        value = Int32(number * 10 + checkDigit)
    }

    public var description: String { "\(number)-\(checkDigit)" }

    public static func < (lhs: LOINCCode, rhs: LOINCCode) -> Bool { lhs.value < rhs.value }
}
