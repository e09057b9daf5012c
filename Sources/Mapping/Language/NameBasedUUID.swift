import Crypto
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
        // BoringSSL's SHA-1 (through swift-crypto): the hand-written one cost 8 K instructions of
        // the 228 K that mapping a lab report takes.
        var hasher = Insecure.SHA1()
        withUnsafeBytes(of: namespace.uuid) { hasher.update(bufferPointer: $0) }
        if name.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            hasher.update(data: Array(name))
        }
        return hasher.finalize().withUnsafeBytes { digest in
            UUID(uuid: (digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6] & 0x0F | 0x50, digest[7],
                        digest[8] & 0x3F | 0x80, digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]))
        }
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
}
