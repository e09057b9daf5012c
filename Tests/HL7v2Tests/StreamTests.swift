import HL7v2
import Testing

@Suite struct StreamTests {
    @Test func severalMessagesInOnePayload() throws {
        let payload = sampleORU + "\n\n" + sampleORU.replacingOccurrences(of: "MSG0001", with: "MSG0002")
        let messages = try HL7Stream.messages(in: Array(payload.utf8))
        #expect(messages.map(\.controlID) == ["MSG0001", "MSG0002"])
        #expect(messages[1].segmentCount == 6)
    }

    @Test func batchFileWithEnvelope() throws {
        let file = """
            FHS|^~\\&|LAB|KETTERTHILL|||20261127||file1\r\
            BHS|^~\\&|LAB|KETTERTHILL|||20261127||batch1\r\
            \(sampleORU)\
            \(sampleORU.replacingOccurrences(of: "MSG0001", with: "MSG0002"))\
            BTS|2\r\
            FTS|1\r
            """
        let parsed = try HL7Stream.parse(Array(file.utf8))
        #expect(try parsed.header?.string("FHS-9") == "file1")
        #expect(parsed.batches.count == 1)
        #expect(try parsed.batches[0].header?.string("BHS-9") == "batch1")
        #expect(try parsed.batches[0].trailer?.string("BTS-1") == "2")
        #expect(try parsed.trailer?.string("FTS-1") == "1")
        #expect(parsed.messages.map(\.controlID) == ["MSG0001", "MSG0002"])
    }

    @Test func brokenBatchesNameThePosition() {
        for (input, offset) in [("BHS|^~\\&|A\rEVN|1\r", 11), ("BHS|^~\\&\rBHS|^~\\&\r", 9), ("FHS|^~\\&\rMSH|^~\\&|A\rFHS|^~\\&\r", 20)] {
            do {
                _ = try HL7Stream.parse(Array(input.utf8))
                Issue.record("accepted \(input)")
            } catch {
                #expect(error.kind == .batchStructure, "\(error)")
                #expect(error.offset == offset, "\(error)")
            }
        }
    }
}
