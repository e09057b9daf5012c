import HL7v2
import Testing

@Suite struct ParsingTests {
    @Test func pathsReadUnescapedValues() throws {
        let message = try parse(sampleORU)
        #expect(try message.string("MSH-1") == "|")
        #expect(try message.string("MSH-2") == "^~\\&")
        #expect(try message.string("MSH-9.2") == "R01")
        #expect(try message.string("MSH-10") == "MSG0001")
        #expect(try message.string("PID-3.1") == "12345")
        #expect(try message.string("PID-3[2].1") == "7000010105084")
        #expect(try message.string("PID-3[2].4") == "1.3.182.4.4")
        #expect(try message.string("PID-3.4.2") == "1.3.182.3.1.1")
        #expect(try message.string("PID-5.1") == "DOE")
        #expect(try message.string("OBX[2]-3.1") == "718-7")
        #expect(try message.string("OBX[2]-5") == "O&B | ^ ~ \\ \\.br\\next")
        #expect(try message.string("OBX[2]-5", formatting: .render) == "O&B | ^ ~ \\ \nnext")
        #expect(try message.string("ZXT-1.2") == "data")
        #expect(message.segmentNames == ["MSH", "PID", "OBR", "OBX", "OBX", "ZXT"])
        #expect(message.messageType == "ORU^R01^ORU_R01")
        #expect(message.version == "2.5")
    }

    @Test func compositeValuesKeepTheirEncoding() throws {
        let message = try parse(sampleORU)
        #expect(try message.string("PID-5") == "DOE^JOHN^^^^^L")
        #expect(try message.string("PID-3") == "12345^^^HRS&1.3.182.3.1.1&ISO^PI")
    }

    @Test func emptyAbsentAndNullDiffer() throws {
        let message = try parse(sampleORU)
        #expect(message.value(at: try HL7Path("ZXT-3")) == "")   // present, empty
        #expect(message.value(at: try HL7Path("ZXT-9")) == nil)  // absent
        #expect(message.value(at: try HL7Path("OBX[3]-1")) == nil)
        #expect(message.value(at: try HL7Path("PID-5.9")) == nil)
        #expect(message.isNull(at: try HL7Path("ZXT-2")))
        #expect(!message.isNull(at: try HL7Path("ZXT-3")))
        #expect(try message.string("ZXT-2") == "\"\"")
    }

    @Test func repetitionCounts() throws {
        let message = try parse(sampleORU)
        #expect(message.repetitionCount(at: try HL7Path("PID-3")) == 2)
        #expect(message.repetitionCount(at: try HL7Path("PID-5")) == 1)
        #expect(message.repetitionCount(at: try HL7Path("PID-30")) == 0)
        #expect(message.count(of: "OBX") == 2)
    }

    @Test(arguments: ["\r", "\n", "\r\n"])
    func segmentTerminators(terminator: String) throws {
        let text = sampleORU.replacingOccurrences(of: "\r", with: terminator)
        let message = try parse(text)
        #expect(message.segmentCount == 6)
        #expect(message.serialize() == Array(sampleORU.utf8))
    }

    @Test func mixedTerminatorsAndNoFinalTerminator() throws {
        let message = try parse("MSH|^~\\&|A\r\nPID|1\nPV1|1\rOBX|1")
        #expect(message.segmentNames == ["MSH", "PID", "PV1", "OBX"])
        #expect(!message.endsWithTerminator)
        #expect(message.serialize() == Array("MSH|^~\\&|A\rPID|1\rPV1|1\rOBX|1".utf8))
    }

    @Test func roundTripKeepsEverythingByteForByte() throws {
        let text = "MSH|^~\\&|A||||||ADT^A01|1|P|2.5|  \rPID|||x^^^||  spaced  ||||\\X0D\\|||\rZZZ|~~|^^|&&|\r"
        #expect(try parse(text).serialize() == Array(text.utf8))
    }

    @Test func customDelimitersAndTruncation() throws {
        let message = try parse("MSH$%~\\&#$A$B\rPID$1$$X%Y~Z%W\r")
        #expect(message.delimiters.field == UInt8(ascii: "$"))
        #expect(message.delimiters.truncation == UInt8(ascii: "#"))
        #expect(try message.string("MSH-2") == "%~\\&#")
        #expect(try message.string("PID-3[2].2") == "W")
        #expect(try message.string("MSH-3") == "A")
    }

    @Test(arguments: [
        ("PID|1", HL7Error.Kind.missingHeader),
        ("", .empty),
        ("\r\n\r", .empty),
        ("MSH|^~\\|A", .invalidDelimiters),
        ("MSH|^~\\&#$|A", .invalidDelimiters),
        ("MSH|^^\\&|A", .invalidDelimiters),
        ("MSH||A", .invalidDelimiters),
        ("MSH", .invalidDelimiters),
        ("MSH|^~\\&|A\rP|1", .invalidSegmentName),
        ("MSH|^~\\&|A\rpid|1", .invalidSegmentName),
        ("MSH|^~\\&|A\rPIDX|1", .invalidSegmentName),
        ("MSH|^~\\&||||||||||||||||ISO IR87\r", .unsupportedCharacterSet),
    ])
    func badInputIsATypedError(input: String, kind: HL7Error.Kind) {
        #expect {
            try parse(input)
        } throws: { error in
            (error as? HL7Error)?.kind == kind
        }
    }

    @Test func errorsCarryOffsetSegmentAndField() throws {
        do {
            _ = try parse("MSH|^~\\&|A\rPID|1\rBAD!|2")
            Issue.record("parsed")
        } catch {
            #expect(error.kind == .invalidSegmentName)
            #expect(error.offset == 17)
            #expect(error.segment == 3)
        }
        let bytes: [UInt8] = Array("MSH|^~\\&|A\rPID|1|".utf8) + [0x96] + Array("X\r".utf8)
        do {
            _ = try HL7Message(bytes)
            Issue.record("parsed invalid UTF-8")
        } catch {
            #expect(error.kind == .invalidEncoding)
            #expect(error.offset == 17)
            #expect(error.segment == 2)
            #expect(error.segmentName == "PID")
            #expect(error.field == 2)
        }
    }

    @Test func latin1AndLatin9AreDecoded() throws {
        let latin1: [UInt8] = Array("MSH|^~\\&|||||||ADT^A01|1|P|2.5||||||8859/1\rPID|||||M".utf8) + [0xfc, 0x6c, 0x6c, 0x65, 0x72] + Array("\r".utf8)
        #expect(try HL7Message(latin1).string("PID-5") == "Müller")
        let latin9: [UInt8] = Array("MSH|^~\\&|||||||ADT^A01|1|P|2.5||||||8859/15\rNTE|||".utf8) + [0xa4] + Array("\r".utf8)
        #expect(try HL7Message(latin9).string("NTE-3") == "€")
        let utf8 = "MSH|^~\\&|||||||ADT^A01|1|P|2.5||||||UNICODE UTF-8\rPID|||||Sebastián\r"
        #expect(try parse(utf8).string("PID-5") == "Sebastián")
    }

    @Test func hexEscapes() throws {
        let message = try parse("MSH|^~\\&|A\rNTE|1|\\X20202020\\|\\Xe1\\\\Xe9\\|\\XC3A9\\|\\X0D\\|\\Xzz\\\r")
        #expect(try message.string("NTE-2") == "    ")
        #expect(try message.string("NTE-3") == "áé")
        #expect(try message.string("NTE-4") == "é")
        #expect(try message.string("NTE-5") == "\r")
        #expect(try message.string("NTE-6") == "\\Xzz\\")  // malformed: kept as written
    }

    @Test(arguments: ["PID", "PID-", "PID-0", "pid-1", "PID-1.", "PID[0]-1", "PID-1[x]", "PID-1.2.3.4", "PI-1", "PID-1 "])
    func invalidPathsAreRejected(path: String) {
        #expect(throws: HL7Error.self) { try HL7Path(path) }
    }

    @Test func pathDescriptionRoundTrips() throws {
        for text in ["PID-5.1", "PID-3[2].4.2", "OBX[3]-5", "MSH-9.2"] {
            #expect(try HL7Path(text).description == text)
        }
    }
}
