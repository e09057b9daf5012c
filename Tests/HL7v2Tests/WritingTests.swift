import HL7v2
import Testing

@Suite struct WritingTests {
    @Test func settingAValueEscapesItAndReadsBack() throws {
        var message = try parse(sampleORU)
        message = try message.setting(HL7Path("PID-5.1"), to: "O'NEIL | ^ & ~ \\ \r")
        #expect(try message.string("PID-5.1") == "O'NEIL | ^ & ~ \\ \r")
        #expect(try message.string("PID-5.2") == "JOHN")
        message = try message.setting(HL7Path("MSH-20"), to: "FIELD 20")
        message = try message.setting(HL7Path("MSH-21.1"), to: "COMPONENT 21.1")
        message = try message.setting(HL7Path("MSH-21.2.4"), to: "SUB 21.2.4")
        message = try message.setting(HL7Path("PID-3[3].1"), to: "third")
        message = try message.setting(HL7Path("NTE-3"), to: "new segment")
        let reparsed = try HL7Message(message.serialize())
        #expect(try reparsed.string("MSH-20") == "FIELD 20")
        #expect(try reparsed.string("MSH-21.1") == "COMPONENT 21.1")
        #expect(try reparsed.string("MSH-21.2.4") == "SUB 21.2.4")
        #expect(try reparsed.string("PID-3[3].1") == "third")
        #expect(try reparsed.string("PID-3[2].1") == "7000010105084")
        #expect(try reparsed.string("NTE-3") == "new segment")
        #expect(reparsed.segmentNames.last == "NTE")
    }

    @Test func escapeMatchesTheStandard() throws {
        let d = Delimiters.standard
        #expect(try d.escape("GLUCOSE^1H") == Array("GLUCOSE\\S\\1H".utf8))
        #expect(try d.escape("\r") == Array("\\X0D\\".utf8))
        #expect(try d.escape("Truncation#escape") == Array("Truncation#escape".utf8))
        #expect(try d.escape("MARIO & LUIGI") == Array("MARIO \\T\\ LUIGI".utf8))
    }

    @Test func delimitersCannotBeSet() throws {
        let message = try parse(sampleORU)
        #expect(throws: HL7Error.self) { try message.setting(HL7Path("MSH-2"), to: "x") }
        #expect(throws: HL7Error.self) { try message.setting(HL7Path("OBX[5]-1"), to: "x") }
    }

    @Test func originalModeAcknowledgment() throws {
        let message = try parse(sampleORU.replacingOccurrences(of: "|AL|NE", with: "||"))
        #expect(message.acknowledgmentMode == .original)
        let ack = try message.acknowledgment(.applicationAccept, controlID: "ACK1", timestamp: "20261127101501+0100")
        #expect(try ack.string("MSH-3") == "DSP")
        #expect(try ack.string("MSH-4") == "ESANTE")
        #expect(try ack.string("MSH-5") == "LAB")
        #expect(try ack.string("MSH-6") == "HRS")
        #expect(try ack.string("MSH-9") == "ACK^R01^ACK")
        #expect(try ack.string("MSH-10") == "ACK1")
        #expect(try ack.string("MSH-12") == "2.5")
        #expect(try ack.string("MSA-1") == "AA")
        #expect(try ack.string("MSA-2") == "MSG0001")
        #expect(ack.count(of: "ERR") == 0)
    }

    @Test func errorAcknowledgmentCarriesERR() throws {
        let message = try parse(sampleORU)
        let ack = try message.acknowledgment(.applicationError, text: "unknown LOINC 1234-5", controlID: "A2", timestamp: "20261127")
        #expect(try ack.string("MSA-1") == "AE")
        #expect(try ack.string("MSA-3") == "unknown LOINC 1234-5")
        #expect(try ack.string("ERR-3.1") == "207")
        #expect(try ack.string("ERR-4") == "E")
        #expect(try ack.string("ERR-8") == "unknown LOINC 1234-5")
        let v23 = try parse("MSH|^~\\&|A|B|C|D|||ORM^O01|9|P|2.3\r")
        let old = try v23.acknowledgment(.applicationReject, controlID: "A3", timestamp: "2026")
        #expect(try old.string("ERR-1.4.1") == "207")
    }

    @Test func enhancedModeHonoursTheConditions() throws {
        let message = try parse(sampleORU)  // MSH-15 AL, MSH-16 NE
        #expect(message.acknowledgmentMode == .enhanced(accept: "AL", application: "NE"))
        #expect(message.wantsAcknowledgment(.commitAccept))
        #expect(!message.wantsAcknowledgment(.applicationAccept))
        let errorsOnly = try parse(sampleORU.replacingOccurrences(of: "|AL|NE", with: "|ER|SU"))
        #expect(!errorsOnly.wantsAcknowledgment(.commitAccept))
        #expect(errorsOnly.wantsAcknowledgment(.commitError))
        #expect(errorsOnly.wantsAcknowledgment(.applicationAccept))
        #expect(!errorsOnly.wantsAcknowledgment(.applicationError))
        let ack = try message.acknowledgment(.commitAccept, controlID: "C1", timestamp: "2026")
        #expect(try ack.string("MSA-1") == "CA")
    }

    @Test func jsonShowsTheStructure() throws {
        let message = try parse("MSH|^~\\&|A\rPID|1||a^b&c~d||x\\S\\y\r")
        #expect(message.json() == #"{"segments":[{"name":"MSH","fields":[["|"],["^~\\&"],["A"]]},{"name":"PID","fields":[["1"],[""],[["a",["b","c"]],"d"],[""],["x^y"]]}]}"#)
    }
}
