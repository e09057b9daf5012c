import HL7v2
import Testing

/// Random messages and values from fixed seeds (reproducible): the round trip and the escape
/// rules must hold for every one of them.
@Suite struct PropertyTests {
    /// SplitMix64: small, fast and the same on every platform.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let alphabet = Array("ABCXYZabc0129 .-_/'\"#€éü|^~\\&\r\n\t".unicodeScalars)

    static func randomText(_ rng: inout Generator, maxLength: Int = 12) -> String {
        String(String.UnicodeScalarView((0..<Int.random(in: 0...maxLength, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }))
    }

    /// A message of random segments whose leaves are random texts, escaped; with random delimiters.
    static func randomMessage(_ rng: inout Generator) throws -> (text: [UInt8], leaves: [(HL7Path, String)]) {
        let delimiterSets: [Delimiters] = [
            .standard,
            Delimiters(field: UInt8(ascii: "$"), component: UInt8(ascii: "%"), repetition: UInt8(ascii: "~"), escape: UInt8(ascii: "\\"), subcomponent: UInt8(ascii: "&")),
            Delimiters(field: UInt8(ascii: "^"), component: UInt8(ascii: "~"), repetition: UInt8(ascii: "|"), escape: UInt8(ascii: "\\"), subcomponent: UInt8(ascii: "&")),
            Delimiters(field: UInt8(ascii: "|"), component: UInt8(ascii: "^"), repetition: UInt8(ascii: "~"), escape: UInt8(ascii: "\\"), subcomponent: UInt8(ascii: "&"), truncation: UInt8(ascii: "#")),
        ]
        let d = delimiterSets.randomElement(using: &rng)!
        var bytes = Array("MSH".utf8) + [d.field] + d.encodingCharacters + [d.field] + Array("APP".utf8)
        var leaves: [(HL7Path, String)] = []
        let names = ["PID", "OBX", "ZZ1", "NTE"]
        var seen: [String: Int] = [:]
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            let name = names.randomElement(using: &rng)!
            seen[name, default: 0] += 1
            bytes += [UInt8(ascii: "\r")] + Array(name.utf8)
            for field in 1...Int.random(in: 1...5, using: &rng) {
                bytes.append(d.field)
                for repetition in 1...Int.random(in: 1...2, using: &rng) {
                    if repetition > 1 { bytes.append(d.repetition) }
                    for component in 1...Int.random(in: 1...3, using: &rng) {
                        if component > 1 { bytes.append(d.component) }
                        let value = randomText(&rng)
                        bytes += try d.escape(value)
                        leaves.append((HL7Path(segment: name, occurrence: seen[name]!, field: field, repetition: repetition, component: component, subcomponent: 1), value))
                    }
                }
            }
        }
        if Bool.random(using: &rng) { bytes.append(UInt8(ascii: "\r")) }
        return (bytes, leaves)
    }

    @Test(arguments: 0..<4)
    func parseSerializeRoundTripAndLeavesReadBack(seed: UInt64) throws {
        var rng = Generator(state: seed)
        for _ in 0..<500 {
            let (bytes, leaves) = try Self.randomMessage(&rng)
            let message = try HL7Message(bytes)
            #expect(message.serialize() == bytes)
            for (path, value) in leaves {
                #expect(message.value(at: path) == value, "\(path) in \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
    }

    @Test func settingThenReadingGivesTheValueBack() throws {
        var rng = Generator(state: 42)
        var message = try HL7Message("MSH|^~\\&|A\rPID|1\r")
        for _ in 0..<300 {
            let path = HL7Path(segment: "PID", field: Int.random(in: 2...8, using: &rng), repetition: Int.random(in: 1...3, using: &rng),
                               component: Int.random(in: 1...4, using: &rng), subcomponent: Int.random(in: 1...2, using: &rng))
            let value = Self.randomText(&rng)
            message = try message.setting(path, to: value)
            #expect(message.value(at: path) == value, "\(path)")
            #expect(try HL7Message(message.serialize()).value(at: path) == value)
        }
    }
}
