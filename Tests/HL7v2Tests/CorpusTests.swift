import Foundation
import HL7v2
import Testing

/// Third-party samples (../shared/corpus): every file either parses and round-trips, or is one
/// the upstream suites themselves reject, with the error we expect. Facts come from the
/// folders' expectations.md.
@Suite struct CorpusTests {
    static let folders = ["python-hl7", "hl7apy", "hapi-hl7v2/from-tests", "hapi-hl7v2/parser", "hapi-hl7v2/util"]

    /// Inputs upstream rejects too, or that are not HL7 at all (notes, uuencoded text).
    static let expectedFailures: [String: HL7Error.Kind] = [
        "python-hl7/invalid_header_pid.hl7": .batchStructure,
        "python-hl7/wrong_first_segment_obx.hl7": .batchStructure,
        "python-hl7/non_ascii_cp1252.hl7": .invalidEncoding,
        "python-hl7/sample_bad_batch.hl7": .batchStructure,
        "python-hl7/sample_bad_batch1.hl7": .batchStructure,
        "python-hl7/sample_bad_file.hl7": .batchStructure,
        "python-hl7/sample_bad_file1.hl7": .batchStructure,
        "python-hl7/sample_bad_file2.hl7": .batchStructure,
        "python-hl7/sample_bad_file3.hl7": .batchStructure,
        "hl7apy/test_parser__bad_encoding_chars_empty.hl7": .invalidDelimiters,
        "hl7apy/test_parser__bad_encoding_chars_missing_subcomp_v27.hl7": .invalidDelimiters,
        "hl7apy/test_parser__bad_encoding_chars_three_custom.hl7": .invalidDelimiters,
        "hl7apy/test_parser__bad_encoding_chars_too_many_custom.hl7": .invalidDelimiters,
        "hl7apy/test_parser__bad_encoding_chars_too_many_v27.hl7": .invalidDelimiters,
        "hl7apy/test_parser__test_parse_invalid_message__pid_as_header.hl7": .batchStructure,
        "hl7apy/test_parser__test_parse_message_duplicate_encoding_chars__m__L215.hl7": .invalidDelimiters,
        "hl7apy/test_parser__test_parse_message_duplicate_encoding_chars__m__L218.hl7": .invalidDelimiters,
        "hl7apy/test_parser__segment_custom_encoding_chars_PV1.txt": .batchStructure,  // a lone PV1 segment
        "hapi-hl7v2/from-tests/EncodingCharactersTest__testValidateMSH2__L14.hl7": .invalidDelimiters,
        "hapi-hl7v2/from-tests/NewPipeParserTest__testEncodeWithForceEncodingOnMSH__L1664.hl7": .invalidDelimiters,
        "hapi-hl7v2/from-tests/NewPipeParserTest__testGetAckID__L831.hl7": .invalidDelimiters,
        "hapi-hl7v2/from-tests/NewPipeParserTest__testInvalidMessageFails__L694.hl7": .invalidSegmentName,
        "hapi-hl7v2/from-tests/NewPipeParserTest__testInvalidSegmentName__L1174.hl7": .invalidSegmentName,
        "hapi-hl7v2/parser/guide.txt": .batchStructure,
        "hapi-hl7v2/parser/uuencoded.txt": .batchStructure,
        "hapi-hl7v2/parser/uuencoded_escaped.txt": .batchStructure,
        "hapi-hl7v2/util/messages.txt": .batchStructure,
    ]

    @Test func everyFileParsesAndRoundTripsOrFailsAsExpected() throws {
        var covered = 0, messages = 0, rejected = 0
        for folder in Self.folders {
            guard let directory = corpusDirectory(folder) else { return }
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
                .filter { ($0.hasSuffix(".hl7") || $0.hasSuffix(".txt")) && !$0.contains("__template") && $0 != "SOURCE.txt" }
            for name in names {
                let key = "\(folder)/\(name)"
                let bytes = try corpusBytes(directory, name)
                covered += 1
                do {
                    let file = try HL7Stream.parse(bytes)
                    #expect(Self.expectedFailures[key] == nil, "\(key) parsed but upstream rejects it")
                    for message in file.messages {
                        messages += 1
                        let encoded = message.serialize()
                        let reparsed = try HL7Message(encoded)
                        #expect(reparsed.serialize() == encoded, "\(key): serialize is not stable")
                        #expect(reparsed.json() == message.json(), "\(key): structure changed on round trip")
                    }
                    if file.messages.count == 1, file.header == nil, file.batches.first?.header == nil,
                       file.batches.first?.trailer == nil {
                        #expect(file.messages[0].serialize() == normalized(bytes), "\(key): not byte-identical")
                    }
                } catch {
                    rejected += 1
                    #expect(Self.expectedFailures[key] == error.kind, "\(key): \(error)")
                }
            }
        }
        print("HL7 corpus: \(covered) files, \(messages) messages parsed and round-tripped, \(rejected) rejected as expected")
        #expect(covered > 100)
        #expect(rejected == Self.expectedFailures.count)
    }

    /// Segment terminators as `\r`, blank lines dropped, as `serialize` promises.
    private func normalized(_ bytes: [UInt8]) -> [UInt8] {
        let lines = bytes.split(whereSeparator: { $0 == 13 || $0 == 10 })
        var output = Array(lines.joined(separator: [13]))
        if let last = bytes.last, last == 13 || last == 10 { output.append(13) }
        return output
    }

    private func message(_ folder: String, _ name: String, index: Int = 0) throws -> HL7Message? {
        guard let directory = corpusDirectory(folder) else { return nil }
        return try HL7Stream.messages(in: corpusBytes(directory, name))[index]
    }

    @Test func pythonHL7Facts() throws {
        guard let sample = try message("python-hl7", "sample_hl7.hl7") else { return }
        #expect(sample.segmentNames == ["MSH", "PID", "OBR", "OBX", "OBX"])
        #expect(try sample.string("MSH-1") == "|")
        #expect(try sample.string("MSH-2") == "^~\\&")
        #expect(try sample.string("MSH-9.1") == "ORU")
        #expect(try sample.string("OBX[1]-3.2") == "GLUCOSE")
        #expect(try sample.string("OBX[2]-2") == "FN")

        guard let rep = try message("python-hl7", "rep_sample_hl7.hl7") else { return }
        #expect(try rep.string("PID-1") == "Field1")
        #expect(try rep.string("PID-1.1.1") == "Field1")
        #expect(rep.repetitionCount(at: try HL7Path("PID-4")) == 2)
        #expect(try rep.string("PID-4[2]") == "Repeat2")
        #expect(try rep.string("PID-3.2.2") == "Sub-Component2")
        #expect(try rep.string("PID-3.2.1") == "Sub-Component1")
        #expect(try rep.string("PID-3.2.3") == "")
        #expect(try rep.string("MSH-20") == "")
        #expect(rep.value(at: try HL7Path("PID-1.1.2")) == nil)

        guard let custom = try message("python-hl7", "nonstandard_separators.hl7") else { return }
        #expect(custom.delimiters == Delimiters(field: UInt8(ascii: "$"), component: UInt8(ascii: "%"), repetition: UInt8(ascii: "~"),
                                                 escape: UInt8(ascii: "\\"), subcomponent: UInt8(ascii: "&")))
        #expect(try custom.string("PID-5.6") == "L")

        guard let directory = corpusDirectory("python-hl7") else { return }
        let batch1 = try HL7Stream.parse(corpusBytes(directory, "sample_batch1.hl7"))
        #expect(batch1.messages.map(\.controlID) == ["12334456778890", "12334456778891"])
        #expect(try batch1.batches[0].trailer?.string("BTS-1") == "2")
        let batch = try HL7Stream.parse(corpusBytes(directory, "sample_batch.hl7"))
        #expect(try batch.batches[0].header?.string("BHS-4") == "ABCHS")
        let file1 = try HL7Stream.parse(corpusBytes(directory, "sample_file1.hl7"))
        #expect(file1.batches.count == 2)
        #expect(try file1.trailer?.string("FTS-1") == "2")
        let file = try HL7Stream.parse(corpusBytes(directory, "sample_file.hl7"))
        #expect(try file.header?.string("FHS-4") == "ABCHS")
        #expect(file.messages.first?.segmentNames == ["MSH", "EVN", "PID", "PD1", "NK1", "PV1"])
    }

    @Test func hl7apyFacts() throws {
        guard let v27 = try message("hl7apy", "test_parser__setUp__rsp_k21_27__L55.hl7") else { return }
        #expect(try v27.string("MSH-2") == "^~\\&#")
        #expect(v27.delimiters.truncation == UInt8(ascii: "#"))
        guard let k21 = try message("hl7apy", "test_parser__setUp__rsp_k21__L40.hl7") else { return }
        #expect(k21.repetitionCount(at: try HL7Path("QPD-3")) == 2)
        #expect(try k21.string("QPD-3[2].2") == "SMITH")
        #expect(try k21.string("PID-3.4.2") == "1.3.6.1.4.1.21367.2011.2.5.17")
        guard let custom = try message("hl7apy", "test_to_string__setUp__msh_custom__L49.hl7") else { return }
        #expect(custom.delimiters.repetition == UInt8(ascii: "r"))
        #expect(custom.delimiters.escape == UInt8(ascii: "?"))
        guard let adt = try message("hl7apy", "test_parser__test_parse_message_ignoring_groups__adt_a01_full.hl7") else { return }
        #expect(adt.segmentNames == ["MSH", "EVN", "PID", "NK1", "PV1", "IN1"])
        #expect(try adt.string("PID-5.1") == "SURNAME")
        guard let highlighted = try message("hl7apy", "test_to_string__setUp__msh_highlighted__L51.hl7") else { return }
        #expect(try highlighted.string("MSH-8", formatting: .render) == "HIGHLIGHTEDTEXTIMPORTANT")
    }

    @Test func hapiFacts() throws {
        guard let obx = try message("hapi-hl7v2/from-tests", "NewPipeParserTest__testParseRepeatingObx5__L101.hl7") else { return }
        // `This~Is~A~Report~~~~~` holds nine repetitions; HAPI reports eight, dropping the last empty one.
        #expect(obx.repetitionCount(at: try HL7Path("OBX-5")) == 9)
        #expect(try obx.string("OBX-5[4]") == "Report")
        guard let reps = try message("hapi-hl7v2/from-tests", "NewPipeParserTest__testExtraFieldReps__L1058.hl7") else { return }
        #expect(try reps.string("MSH-3[3].1") == "three")
        guard let unescape = try message("hapi-hl7v2/from-tests", "NewPipeParserTest__testUnescape__L1076.hl7") else { return }
        #expect(try unescape.string("MSH-3") == "|")
        guard let components = try message("hapi-hl7v2/from-tests", "NewPipeParserTest__testUnescapeComponents__L1674.hl7") else { return }
        #expect(try components.string("PID-11.2") == "MARIO & LUIGI BROS PLACE")
        #expect(try components.delimiters.escape("MARIO & LUIGI BROS PLACE") == Array("MARIO \\T\\ LUIGI BROS PLACE".utf8))
        guard let vista = try message("hapi-hl7v2/util", "segmentfinder_a24.hl7") else { return }
        #expect(vista.delimiters.field == UInt8(ascii: "^"))
        #expect(try vista.string("PID[2]-1") == "2")
        #expect(try vista.string("PID[1]-3.1") == "11111")
        #expect(try vista.string("PID[1]-3.4.3") == "0363")
        guard let directory = corpusDirectory("hapi-hl7v2/parser") else { return }
        let stream = try HL7Stream.messages(in: corpusBytes(directory, "example_oml_o21.hl7"))
        #expect(stream.count == 13)
        #expect(stream.filter { $0.messageType.hasPrefix("OML^O21") }.count == 7)
        #expect(stream.contains { (try? $0.string("PID-5.2"))?.contains("SEBASTIÁN") == true || (try? $0.string("PID-5.1"))?.contains("SEBASTIÁN") == true })
        let olis = try HL7Stream.messages(in: corpusBytes(directory, "cv.04_001_chem.hl7"))[0]
        #expect(olis.charset == .iso8859(1))
        #expect(olis.segmentNames.last == "ZNT")
    }
}
