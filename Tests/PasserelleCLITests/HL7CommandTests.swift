import Foundation
import Testing

/// `passerelle hl7 …` as scripts outside the code call it (DESIGN.md §7).
@Suite final class HL7CommandTests {
    static let message = "MSH|^~\\&|LAB|HRS|DSP|ESANTE|20261127101500+0100||ORU^R01|MSG1|P|2.5\r"
        + "PID|1||12345^^^HRS^PI~7000010105084^^^1.3.182.4.4^NNLUX||DOE\\T\\SONS^JOHN\r"
        + "OBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L\rOBX|2|FT|11502-2^Report^LN||line one\\.br\\line two\r"

    /// The files a test wrote, removed when it ends (one instance per test).
    private var written: [String] = []

    deinit {
        for path in written { try? FileManager.default.removeItem(atPath: path) }
    }

    private func file(_ text: String) throws -> String {
        try file(bytes: Array(text.utf8))
    }

    private func file(bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hl7-\(UUID()).hl7").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        written.append(path)
        return path
    }

    @Test func getPrintsOneUnescapedValuePerPath() throws {
        let path = try file(Self.message)
        let result = try runPasserelle(["hl7", "get", path, "MSH-9.2", "PID-3[2].4", "PID-5.1", "OBX[2]-3.1", "PID-30", "MSH-1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "R01\n1.3.182.4.4\nDOE&SONS\n11502-2\n\n|\n")
    }

    @Test func getFailsWithExitOneWhenTheFileDoesNotParse() throws {
        let path = try file("PID|1||x\r")
        let result = try runPasserelle(["hl7", "get", path, "PID-3"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("before message header"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func getRejectsABadPath() throws {
        let result = try runPasserelle(["hl7", "get", try file(Self.message), "PID5"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("invalid HL7 path 'PID5'"))
    }

    @Test func jsonPrintsOneDocumentPerMessage() throws {
        let path = try file(Self.message + Self.message.replacingOccurrences(of: "MSG1", with: "MSG2"))
        let result = try runPasserelle(["hl7", "json", path])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        let segments = first?["segments"] as? [[String: Any]]
        #expect(segments?.map { $0["name"] as? String } == ["MSH", "PID", "OBX", "OBX"])
    }

    @Test func encodeNormalisesTerminators() throws {
        let path = try file(String(Self.message.replacingOccurrences(of: "\r", with: "\r\n").dropLast()))  // "\r\n" is one Character
        let result = try runPasserelle(["hl7", "encode", path])
        #expect(result.status == 0)
        #expect(result.stdout == Self.message)
    }

    @Test func ackAnswersTheMessage() throws {
        let path = try file(Self.message)
        let ok = try runPasserelle(["hl7", "ack", path])
        #expect(ok.status == 0)
        let segments = ok.stdout.split(separator: "\r").map(String.init)
        #expect(segments.count == 2)
        #expect(segments[0].hasPrefix("MSH|^~\\&|DSP|ESANTE|LAB|HRS|"))
        #expect(segments[0].contains("|ACK^R01^ACK|"))
        #expect(segments[1] == "MSA|AA|MSG1")
        let rejected = try runPasserelle(["hl7", "ack", path, "--code", "AR", "--text", "unknown sender"])
        #expect(rejected.stdout.contains("\rMSA|AR|MSG1|unknown sender\rERR|||207^unknown sender^HL70357|E|"))
        let bad = try runPasserelle(["hl7", "ack", path, "--code", "XX"])
        #expect(bad.status != 0)
    }

    @Test func statsCountsMessagesSegmentsAndFields() throws {
        let path = try file(String(repeating: Self.message, count: 3))
        let result = try runPasserelle(["hl7", "stats", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("messages 3\n"))
        #expect(result.stdout.contains("segments 12\n"))
        #expect(result.stdout.contains("throughput "))
    }

    @Test func readsLatin1PerMSH18() throws {
        var bytes = Array("MSH|^~\\&|||||||ADT^A01|1|P|2.5||||||8859/1\rPID|||||M".utf8)
        bytes += [0xfc] + Array("ller\r".utf8)
        let path = try file(bytes: bytes)
        #expect(try runPasserelle(["hl7", "get", path, "PID-5"]).stdout == "Müller\n")
    }
}
