/// HL7 v3 data types as the CDA reader keeps them: strings as written, so that nothing is lost
/// or rounded on the way to the canonical model (a decimal such as `5.40` stays `5.40`).

/// II: an instance identifier, `root` an OID or UUID, `extension` the id within it.
public struct InstanceIdentifier: Sendable, Hashable, Codable {
    public var root: String?
    public var `extension`: String?
    public var assigningAuthorityName: String?
    public var nullFlavor: String?

    public init(root: String?, extension: String? = nil, assigningAuthorityName: String? = nil, nullFlavor: String? = nil) {
        self.root = root
        self.extension = `extension`
        self.assigningAuthorityName = assigningAuthorityName
        self.nullFlavor = nullFlavor
    }
}

/// CD/CE/CS: a code in a code system.
public struct CodedValue: Sendable, Hashable, Codable {
    public var code: String?
    public var codeSystem: String?
    public var codeSystemName: String?
    public var displayName: String?
    public var originalText: String?
    public var nullFlavor: String?
    public var translations: [CodedValue]

    public init(code: String?, codeSystem: String? = nil, codeSystemName: String? = nil, displayName: String? = nil,
                originalText: String? = nil, nullFlavor: String? = nil, translations: [CodedValue] = []) {
        self.code = code
        self.codeSystem = codeSystem
        self.codeSystemName = codeSystemName
        self.displayName = displayName
        self.originalText = originalText
        self.nullFlavor = nullFlavor
        self.translations = translations
    }
}

/// PQ: a decimal value with a UCUM unit.
public struct Quantity: Sendable, Hashable, Codable {
    public var value: String?
    public var unit: String?

    public init(value: String?, unit: String? = nil) {
        self.value = value
        self.unit = unit
    }
}

/// TS: an HL7 timestamp `YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+|-ZZZZ]`, kept as written and also as
/// ISO 8601 with the same precision and its zone.
public struct Timestamp: Sendable, Hashable, Codable {
    /// As written in the document, e.g. `20240305143000+0100`.
    public var value: String
    /// E.g. `2024-03-05T14:30:00+01:00`, `2024-03-05`; nil when `value` is not an HL7 timestamp.
    public var iso8601: String?
    /// The UTC offset, e.g. `+01:00`; nil when the document gives no zone (a local time).
    public var utcOffset: String?

    public init(_ value: String) {
        self.value = value
        guard let match = value.wholeMatch(of: /(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d{1,6})?([+-]\d{4})?/) else {
            return
        }
        var iso = String(match.1)
        if let month = match.2 { iso += "-\(month)" }
        if let day = match.3 { iso += "-\(day)" }
        if let hour = match.4 { iso += "T\(hour)" }
        if let minute = match.5 { iso += ":\(minute)" }
        if let second = match.6 { iso += ":\(second)" }
        if let fraction = match.7 { iso += fraction }
        if let zone = match.8 {
            utcOffset = "\(zone.prefix(3)):\(zone.suffix(2))"
            // A zone only means something with a time of day.
            if match.4 != nil { iso += utcOffset! }
        }
        iso8601 = iso
    }
}

/// PN: a person's name.
public struct PersonName: Sendable, Hashable, Codable {
    public var prefixes: [String]
    public var given: [String]
    public var family: [String]
    public var suffixes: [String]
    /// The name's text when it is not split into parts.
    public var text: String?
    public var use: String?

    public init(prefixes: [String] = [], given: [String] = [], family: [String] = [], suffixes: [String] = [],
                text: String? = nil, use: String? = nil) {
        self.prefixes = prefixes
        self.given = given
        self.family = family
        self.suffixes = suffixes
        self.text = text
        self.use = use
    }
}
