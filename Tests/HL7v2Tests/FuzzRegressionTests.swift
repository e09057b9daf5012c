import HL7v2

// This file is compiled twice: here, where the suite below replays Tests/Fuzz/Regressions/HL7v2Fuzzer,
// and in the fuzz package (Tests/Fuzz/Sources/HL7v2Fuzzer/HL7v2FuzzOracle.swift is a symlink to it,
// built with FUZZING defined), so that a kept crash replays through exactly the oracle that found it.

/// The properties the HL7v2 fuzzer checks on any input.
enum HL7v2FuzzOracle {
    /// What is wrong with the codec on `bytes`; empty when every property holds.
    static func violations(_ bytes: [UInt8]) -> [String] {
        var found: [String] = []
        if let file = try? HL7Stream.parse(bytes) {
            // Envelope segments are not messages of their own: they only have to be readable.
            for envelope in [file.header, file.trailer] + file.batches.flatMap({ [$0.header, $0.trailer] }) {
                _ = envelope?.json()
            }
            for (index, message) in file.messages.enumerated() {
                found += roundTrip(message).map { "HL7Stream.parse message \(index + 1): \($0)" }
            }
        }
        var delimiterSets = [Delimiters.standard]
        if let message = try? HL7Message(bytes) {
            found += roundTrip(message).map { "HL7Message(bytes): \($0)" }
            // HL7 allows other delimiters; letters or digits as escape characters would make
            // `\F\`-style sequences ambiguous, so only punctuation sets are held to the property.
            let declared = message.delimiters
            if declared != .standard, !([declared.field] + declared.encodingCharacters).contains(where: isLetterOrDigit) {
                delimiterSets.append(declared)
            }
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            for delimiters in delimiterSets {
                found += escapeRoundTrip(text, delimiters: delimiters)
            }
        }
        return found
    }

    /// serialize() must give bytes that parse to a message with the same bytes and the same JSON.
    static func roundTrip(_ message: HL7Message) -> [String] {
        let serialized = message.serialize()
        let reparsed: HL7Message
        do {
            reparsed = try HL7Message(serialized)
        } catch {
            return ["its serialization does not parse: \(error)"]
        }
        var found: [String] = []
        if reparsed.serialize() != serialized {
            found.append("serialize(parse(serialize())) differs from serialize()")
        }
        if reparsed.json() != message.json() {
            found.append("json() differs after the round trip")
        }
        return found
    }

    /// `Delimiters.escape` then reading the value back from a one-segment message gives the text.
    static func escapeRoundTrip(_ text: String, delimiters: Delimiters) -> [String] {
        let escaped: [UInt8]
        do {
            escaped = try delimiters.escape(text)
        } catch {
            return ["Delimiters.escape refused valid UTF-8 text: \(error)"]
        }
        let segment = Array("MSH".utf8) + [delimiters.field] + delimiters.encodingCharacters + [delimiters.field] + escaped
        let message: HL7Message
        do {
            message = try HL7Message(segment)
        } catch {
            return ["an escaped value does not parse as MSH-3: \(error)"]
        }
        // Compared as bytes: String equality would accept a canonically equivalent rewrite.
        let read = message.value(at: HL7Path(segment: "MSH", field: 3)) ?? ""
        guard Array(read.utf8) == Array(text.utf8) else {
            return ["escape then read back with delimiters \(String(decoding: [delimiters.field] + delimiters.encodingCharacters, as: UTF8.self)) changed \(Array(text.utf8)) into \(Array(read.utf8))"]
        }
        return []
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}

#if !FUZZING
import Foundation
import Testing

/// Every input the fuzzer ever crashed on (deploy/fuzz keeps them) must now pass its oracle.
@Suite struct HL7v2FuzzRegressionTests {
    @Test func everyKeptCrashPassesTheOracle() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Regressions/HL7v2Fuzzer")
        // A missing folder or an unreadable file throws, so the test cannot pass on inputs it never read.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        for name in names {
            let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
            for violation in HL7v2FuzzOracle.violations(bytes) {
                Issue.record("\(name): \(violation)")
            }
        }
        print("HL7v2 fuzz regressions: \(names.count) files replayed from \(folder.path)")
    }
}
#endif
