/// A value written in JSON as its text (`2026-11-27`, `2345-7`) rather than as its parts.
public protocol TextCodable: Codable, CustomStringConvertible {
    init?(_ text: String)
    /// What the value is, for the decoding error: "a date", "a LOINC code".
    static var textKind: String { get }
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not \(Self.textKind): \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
