import Foundation

/// RFC 9562 version-5 UUIDs (SHA-1 of a namespace and a name): the same input gives the same id,
/// so replaying a message produces the same document and line ids and sinks deduplicate on them.
enum NameBasedUUID {
    /// Passerelle's namespace, so that its ids never collide with other v5 generators'.
    static let passerelle = UUID(uuidString: "5C1B6F0E-8F3A-4D7E-9B2A-6E1F0C4A2D90")!

    static func make(namespace: UUID = passerelle, name: String) -> UUID {
        make(namespace: namespace, name: name.utf8)
    }

    /// The id of a name given as UTF-8 bytes, for callers that assemble it without a String.
    static func make(namespace: UUID = passerelle, name: some Sequence<UInt8>) -> UUID {
        // Sized for SHA-1's padding too, so that the digest pads this buffer rather than a copy.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 + name.underestimatedCount + 72)
        withUnsafeBytes(of: namespace.uuid) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: name)
        var digest = sha1(bytes)
        digest[6] = digest[6] & 0x0F | 0x50
        digest[8] = digest[8] & 0x3F | 0x80
        return UUID(uuid: (digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
                           digest[8], digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]))
    }

    /// `uuid.uuidString` (upper-case, hyphenated), written directly: Foundation formats it
    /// through `snprintf`, a tenth of the time of an id.
    static func string(_ uuid: UUID) -> String {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? nibble + 0x30 : nibble + 0x37 }
                var count = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[count] = UInt8(ascii: "-")
                        count += 1
                    }
                    text[count] = hex(byte >> 4)
                    text[count + 1] = hex(byte & 0x0F)
                    count += 2
                }
                return count
            }
        }
    }

    /// SHA-1 (FIPS 180-4). Used only to derive ids, as RFC 9562 prescribes for v5, not for security.
    static func sha1(_ message: consuming [UInt8]) -> [UInt8] {
        var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0)
        let bitLength = UInt64(message.count) * 8
        var data = message  // padded in place when the caller left room (`make` does)
        data.reserveCapacity(data.count + 72)
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        // The message schedule on the stack: a heap array per digest was most of its cost.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for chunk in stride(from: 0, to: data.count, by: 64) {
                for i in 0..<16 {
                    let j = chunk + i * 4
                    w[i] = UInt32(data[j]) << 24 | UInt32(data[j + 1]) << 16 | UInt32(data[j + 2]) << 8 | UInt32(data[j + 3])
                }
                for i in 16..<80 {
                    let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                    w[i] = x << 1 | x >> 31
                }
                var (a, b, c, d, e) = h
                for i in 0..<80 {
                    let (f, k): (UInt32, UInt32) = switch i {
                    case 0..<20: (b & c | ~b & d, 0x5A827999)
                    case 20..<40: (b ^ c ^ d, 0x6ED9EBA1)
                    case 40..<60: (b & c | b & d | c & d, 0x8F1BBCDC)
                    default: (b ^ c ^ d, 0xCA62C1D6)
                    }
                    let temp = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                    (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, temp)
                }
                h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
            }
        }
        // The words big-endian, straight from the tuple (laid out in order) into the digest.
        return withUnsafeBytes(of: (h.0.bigEndian, h.1.bigEndian, h.2.bigEndian, h.3.bigEndian, h.4.bigEndian)) { Array($0) }
    }
}
