import Findings
import Foundation
@testable import Terminology
import Testing

@Suite struct CSVReaderTests {
    /// Every record's fields, and the problems, with a chunk size small enough to split records.
    func read(_ bytes: [UInt8], chunkSize: Int = 1 << 20) throws -> (records: [[String]], lines: [Int], problems: [Finding]) {
        let folder = try TemporaryFolder()
        let url = try folder.write("t.csv", bytes: bytes)
        var records: [[String]] = [], lines: [Int] = [], problems: [Finding] = []
        try CSVReader(url: url, chunkSize: chunkSize).forEachRecord(problems: &problems) { record, _ in
            records.append((0..<record.count).map { record[$0] })
            lines.append(record.line)
        }
        return (records, lines, problems)
    }

    func read(_ text: String, chunkSize: Int = 1 << 20) throws -> (records: [[String]], lines: [Int], problems: [Finding]) {
        try read(Array(text.utf8), chunkSize: chunkSize)
    }

    @Test func quotedAndUnquotedFieldsWithEscapesAndLineBreaks() throws {
        let text = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,\"\"\nlast,row"
        for chunkSize in [1, 3, 7, 1 << 20] {
            let result = try read(text, chunkSize: chunkSize)
            #expect(result.problems.isEmpty)
            #expect(result.records == [["a", "b,c", "say \"hi\""], ["multi\nline", "", ""], ["last", "row"]], "chunk \(chunkSize)")
            #expect(result.lines == [1, 2, 4])
        }
    }

    @Test func byteOrderMarkAndBlankLinesAreSkipped() throws {
        let result = try read([0xEF, 0xBB, 0xBF] + Array("x,y\n\n1,2\n".utf8))
        #expect(result.records == [["x", "y"], ["1", "2"]])
        #expect(result.lines == [1, 3])
    }

    @Test func nonUTF8RecordIsReportedWithItsLine() throws {
        let result = try read(Array("x,y\n".utf8) + [0x41, 0x2C, 0xFF, 0x0A] + Array("é,ok\n".utf8))
        #expect(result.records == [["x", "y"], ["é", "ok"]])
        #expect(result.problems.map(\.rule) == ["csv.encoding"])
        #expect(result.problems.first?.location?.line == 2)
        #expect(result.problems.first?.location?.file?.hasSuffix("t.csv") == true)
    }

    @Test func strayQuotesAreReportedAndReadingResumes() throws {
        let result = try read("a,b\n\"x\"y,1\nab\"c,2\"\nok,3\n")
        #expect(result.records == [["a", "b"], ["ok", "3"]])
        #expect(result.problems.map(\.rule) == ["csv.syntax", "csv.syntax"])
        #expect(result.problems.map(\.location?.line) == [2, 3])
    }

    @Test func unbalancedQuoteStopsWithTheLineItOpenedOn() throws {
        let result = try read("a,b\n1,2\n\"open,3\n4,5\n", chunkSize: 4)
        #expect(result.records == [["a", "b"], ["1", "2"]])
        #expect(result.problems.map(\.rule) == ["csv.unbalanced-quote"])
        #expect(result.problems.first?.location?.line == 3)
    }

    @Test func anUnclosedQuoteDoesNotBufferTheWholeFile() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("t.csv", "a\n\"" + String(repeating: "x", count: 5_000))
        var problems: [Finding] = []
        var reader = CSVReader(url: url, chunkSize: 256)
        reader.maxRecordBytes = 1_000
        try reader.forEachRecord(problems: &problems) { _, _ in }
        #expect(problems.map(\.rule) == ["csv.unbalanced-quote"])
        #expect(problems.first?.location?.line == 2)
    }

    @Test func missingFileThrows() {
        var problems: [Finding] = []
        #expect(throws: TerminologyLoadError.self) {
            try CSVReader(url: URL(fileURLWithPath: "/nonexistent/t.csv")).forEachRecord(problems: &problems) { _, _ in }
        }
    }
}
