/// An identifier in the HL7 v2 CX form XDS uses for patient ids: `id^^^&authorityOID&ISO`.
struct CX: Sendable, Hashable {
    var id: String
    var authority: String

    init?(_ value: String) {
        let components = value.split(separator: "^", omittingEmptySubsequences: false)
        guard components.count >= 4, !components[0].isEmpty,
              let authority = Self.isoAuthority(components[3]) else { return nil }
        id = String(components[0])
        self.authority = authority
    }

    /// `&oid&ISO` (HD with universal id type ISO) → the OID.
    static func isoAuthority(_ hd: Substring) -> String? {
        let parts = hd.split(separator: "&", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2] == "ISO", !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }
}

/// A person in the XCN form of `authorPerson`: `id^family^given^^^prefix^^^&authorityOID&ISO`.
struct XCN: Sendable, Hashable {
    var id: String
    var authority: String

    init?(_ value: String) {
        let components = value.split(separator: "^", omittingEmptySubsequences: false)
        guard components.count >= 9, !components[0].isEmpty,
              let authority = CX.isoAuthority(components[8]) else { return nil }
        id = String(components[0])
        self.authority = authority
    }
}
