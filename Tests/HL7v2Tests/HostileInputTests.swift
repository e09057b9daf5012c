import HL7v2
import Testing

/// Input a hostile or broken sender could produce: each gives a parse or a typed error, within
/// bounded memory (the limits), never a crash or a hang.
@Suite struct HostileInputTests {
    private func outcome(_ bytes: [UInt8], limits: HL7ParseLimits = HL7ParseLimits()) -> Result<Int, HL7Error> {
        Result { () throws(HL7Error) in try HL7Stream.messages(in: bytes, limits: limits).count }
    }

    @Test func truncatedAtEveryByte() throws {
        let full = Array(sampleORU.utf8)
        for length in 0..<full.count {
            switch outcome(Array(full.prefix(length))) {
            case .success(let count): #expect(count == 1)
            case .failure(let error): #expect(length < 13 || error.kind == .invalidSegmentName, "\(length): \(error)")
            }
        }
    }

    @Test func binaryAndNULInput() throws {
        var rng = PropertyTests.Generator(state: 7)
        for _ in 0..<200 {
            let noise = (0..<Int.random(in: 0...400, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = outcome(noise)
            _ = outcome(Array("MSH|^~\\&|".utf8) + noise)
        }
        #expect(throws: HL7Error.self) { try HL7Message([UInt8](repeating: 0, count: 10_000)) }
        let withNUL = Array("MSH|^~\\&|A\rPID|".utf8) + [0, 0, 0] + Array("\r".utf8)
        #expect(try HL7Message(withNUL).segmentCount == 2)  // NUL is data, kept for the round trip
    }

    @Test func delimiterConfusion() {
        for text in ["MSH|||||", "MSH^^^^^", "MSH|\r\r\r", "MSH|^~\\&\n|\n|", "MSH|^~\\&|A\r|||\r", "MSH\r", "MSH|^~\\&|A\rMSH|^^^^|B\r"] {
            if case .failure(let error) = outcome(Array(text.utf8)) {
                #expect([.invalidDelimiters, .invalidSegmentName, .empty, .batchStructure].contains(error.kind), "\(text.debugDescription): \(error)")
            }
        }
    }

    @Test func hugeMessageIsRefusedByTheLimit() {
        var bytes = Array("MSH|^~\\&|A\rOBX|1|ED|||".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "A"), count: 100 << 20)  // a 100 MB embedded document
        guard case .failure(let error) = outcome(bytes, limits: HL7ParseLimits(maxMessageBytes: 64 << 20)) else {
            Issue.record("a 100 MB message was accepted under a 64 MB limit")
            return
        }
        #expect(error.kind == .limitExceeded)
        #expect(error.offset == 0)
    }

    @Test func hugeMessageParsesWhenAllowed() throws {
        var bytes = Array("MSH|^~\\&|A\rOBX|1|ED|||".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "A"), count: 100 << 20)
        let message = try HL7Message(bytes, limits: HL7ParseLimits(maxMessageBytes: 128 << 20))
        #expect(message.fieldCount(ofSegment: 1) == 5)
        #expect(message.indexByteCount < 4096)  // the index does not grow with the value
    }

    @Test func deeplyRepetitiveInputHitsTheFieldLimit() {
        let bytes = Array("MSH|^~\\&|A\rNTE".utf8) + [UInt8](repeating: UInt8(ascii: "|"), count: 3_000_000)
        guard case .failure(let error) = outcome(bytes) else {
            Issue.record("3 million fields accepted")
            return
        }
        #expect(error.kind == .limitExceeded)
        let segments = Array(String(repeating: "NTE|1\r", count: 200_000).utf8)
        guard case .failure(let tooMany) = outcome(Array("MSH|^~\\&|A\r".utf8) + segments) else {
            Issue.record("200,000 segments accepted")
            return
        }
        #expect(tooMany.kind == .limitExceeded)
    }

    @Test func repetitiveEscapesAndSeparatorsStayLinear() throws {
        let escapes = String(repeating: "\\E\\\\F\\\\X41\\", count: 50_000)
        let message = try HL7Message("MSH|^~\\&|A\rNTE|1||\(escapes)\r")
        #expect(try message.string("NTE-3").count == 150_000)
        let components = String(repeating: "^~&", count: 100_000)
        let wide = try HL7Message("MSH|^~\\&|A\rNTE|1||\(components)\r")
        #expect(wide.repetitionCount(at: try HL7Path("NTE-3")) == 100_001)
        #expect(wide.value(at: try HL7Path("NTE-3[100001].1.2")) == "")  // the last repetition is `&`
    }
}
