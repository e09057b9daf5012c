/// The canonical model: what every source format maps into and every renderer reads from, so that
/// n sources and m targets need n + m conversions. Namespaced, because the CDA module has readers'
/// types with the same everyday names (Patient, Section…).
public enum Canonical {}

extension Canonical {
    /// An identifier and the OID (or URI) of its issuer.
    public struct Identifier: Sendable, Hashable, Codable {
        public var system: String?
        public var value: String

        public init(system: String? = nil, value: String) {
            self.system = system
            self.value = value
        }
    }

    /// A code with its code system (OID) and display text.
    public struct Coding: Sendable, Hashable, Codable {
        public var code: String?
        public var system: String?
        public var systemName: String?
        public var display: String?

        public init(code: String? = nil, system: String? = nil, systemName: String? = nil, display: String? = nil) {
            self.code = code
            self.system = system
            self.systemName = systemName
            self.display = display
        }
    }

    public struct PersonName: Sendable, Hashable, Codable {
        public var family: String?
        public var given: [String]
        public var prefix: String?
        public var suffix: String?

        public init(family: String? = nil, given: [String] = [], prefix: String? = nil, suffix: String? = nil) {
            self.family = family
            self.given = given
            self.prefix = prefix
            self.suffix = suffix
        }
    }

    public struct Address: Sendable, Hashable, Codable {
        public var street: String?
        public var city: String?
        public var postalCode: String?
        public var country: String?

        public init(street: String? = nil, city: String? = nil, postalCode: String? = nil, country: String? = nil) {
            self.street = street
            self.city = city
            self.postalCode = postalCode
            self.country = country
        }
    }
}
