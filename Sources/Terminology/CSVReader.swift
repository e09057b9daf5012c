import Findings
import Foundation

/// A streaming reader of quoted CSV as LOINC publishes it (RFC 4180: `,` separators, `"` quotes
/// with `""` escapes, LF or CRLF line ends, line breaks allowed inside quotes, optional UTF-8 BOM).
///
/// It reads the file a chunk at a time and unescapes each record in place in its buffer, so that an
/// 80 MB table is never held whole in memory and only the columns a loader keeps become Strings.
/// A malformed record is reported as a finding (file, line) and skipped; an unclosed quote ends
/// the reading, since nothing after it can be trusted.
struct CSVReader {
    let url: URL
    var chunkSize = 1 << 20
    /// A record longer than this is taken for an unclosed quote rather than buffered further.
    var maxRecordBytes = 1 << 20

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","),
        newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

    var file: String { url.path }

    /// Calls `body` with each well-formed record, the header included, in file order; appends a
    /// finding to `problems` for each malformed one (and hands `problems` to `body` for its own).
    func forEachRecord(problems: inout [Finding], _ body: (CSVRecord, inout [Finding]) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw TerminologyLoadError(file: file, rule: "file.unreadable", "cannot open \(file)")
        }
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        var line = 1  // line number of buffer[0]
        var isFirstChunk = true
        while true {
            let chunk = try handle.read(upToCount: chunkSize) ?? Data()
            let atEnd = chunk.isEmpty
            buffer.append(contentsOf: chunk)
            if isFirstChunk {
                if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { buffer.removeFirst(3) }
                isFirstChunk = false
            }
            let end = atEnd ? buffer.count : Self.endOfLastRecord(in: buffer)
            if end == 0 && !atEnd && buffer.count > maxRecordBytes {
                problems.append(problem(line, rule: "csv.unbalanced-quote",
                                        "a quote opened on this line is not closed within \(maxRecordBytes) bytes"))
                return
            }
            if end > 0 {
                let finished = try buffer.withUnsafeMutableBufferPointer { bytes in
                    try parse(UnsafeMutableBufferPointer(rebasing: bytes[..<end]), line: &line,
                              problems: &problems, body)
                }
                if !finished { return }
                buffer.removeFirst(end)
            }
            if atEnd { return }
        }
    }

    /// The index just past the last line break that is outside quotes: the bytes before it are
    /// whole records. Every quote toggles the state, which also holds for `""` escapes.
    private static func endOfLastRecord(in buffer: [UInt8]) -> Int {
        buffer.withUnsafeBufferPointer { bytes in
            var inQuotes = false, end = 0
            for index in bytes.indices {
                let byte = bytes[index]
                if byte == quote { inQuotes.toggle() } else if byte == newline && !inQuotes { end = index + 1 }
            }
            return end
        }
    }

    /// Parses whole records, unescaping quoted fields in place. Returns false when it had to stop
    /// at an unclosed quote.
    private func parse(_ bytes: UnsafeMutableBufferPointer<UInt8>, line: inout Int,
                       problems: inout [Finding], _ body: (CSVRecord, inout [Finding]) throws -> Void) throws -> Bool {
        let end = bytes.count
        var fields: [Range<Int>] = []
        var index = 0
        while index < end {
            let recordLine = line
            fields.removeAll(keepingCapacity: true)
            var highBits: UInt8 = 0  // any byte ≥ 0x80 means the record needs UTF-8 validation
            var malformed: String?
            fieldLoop: while true {
                if index < end && bytes[index] == Self.quote {
                    index += 1
                    let start = index
                    var write = index, closed = false
                    while index < end {
                        let byte = bytes[index]
                        if byte == Self.quote {
                            if index + 1 < end && bytes[index + 1] == Self.quote {
                                bytes[write] = byte; write += 1; index += 2
                                continue
                            }
                            index += 1; closed = true
                            break
                        }
                        if byte == Self.newline { line += 1 }
                        highBits |= byte
                        bytes[write] = byte; write += 1; index += 1
                    }
                    guard closed else {
                        problems.append(problem(recordLine, rule: "csv.unbalanced-quote",
                                                "a quote opened on this line is never closed"))
                        return false
                    }
                    fields.append(start..<write)
                    if index < end && bytes[index] == Self.comma { index += 1; continue fieldLoop }
                    if !atLineEnd(bytes, index) {
                        malformed = "unexpected character after a closing quote"
                        index = skipRecord(bytes, from: index, inQuotes: false, line: &line)
                        break fieldLoop
                    }
                } else {
                    let start = index
                    while index < end {
                        let byte = bytes[index]
                        if byte == Self.comma || byte == Self.newline || byte == Self.quote { break }
                        highBits |= byte
                        index += 1
                    }
                    if index < end && bytes[index] == Self.quote {
                        malformed = "a quote inside an unquoted field"
                        index = skipRecord(bytes, from: index + 1, inQuotes: true, line: &line)
                        break fieldLoop
                    }
                    var fieldEnd = index
                    if fieldEnd > start && bytes[fieldEnd - 1] == Self.carriageReturn { fieldEnd -= 1 }
                    fields.append(start..<fieldEnd)
                    if index < end && bytes[index] == Self.comma { index += 1; continue fieldLoop }
                }
                // At the end of the record: step over its line break.
                if index < end && bytes[index] == Self.carriageReturn { index += 1 }
                if index < end && bytes[index] == Self.newline { index += 1; line += 1 }
                break fieldLoop
            }
            if let malformed {
                problems.append(problem(recordLine, rule: "csv.syntax", malformed))
                continue
            }
            if fields.count == 1 && fields[0].isEmpty { continue }  // blank line
            let record = CSVRecord(line: recordLine, bytes: UnsafeBufferPointer(bytes), fields: fields)
            if highBits & 0x80 != 0, let column = record.firstInvalidUTF8Field() {
                problems.append(problem(recordLine, rule: "csv.encoding", "field \(column + 1) is not valid UTF-8"))
                continue
            }
            try body(record, &problems)
        }
        return true
    }

    private func atLineEnd(_ bytes: UnsafeMutableBufferPointer<UInt8>, _ index: Int) -> Bool {
        index == bytes.count || bytes[index] == Self.newline
            || (bytes[index] == Self.carriageReturn && (index + 1 == bytes.count || bytes[index + 1] == Self.newline))
    }

    /// Skips the rest of a malformed record, toggling on quotes exactly as `endOfLastRecord` does so
    /// that both agree on where the next record starts.
    private func skipRecord(_ bytes: UnsafeMutableBufferPointer<UInt8>, from start: Int, inQuotes: Bool,
                            line: inout Int) -> Int {
        var inQuotes = inQuotes, index = start
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == Self.quote { inQuotes.toggle() } else if byte == Self.newline {
                line += 1
                if !inQuotes { break }
            }
        }
        return index
    }

    func problem(_ line: Int, rule: String, _ message: String) -> Finding {
        Finding(severity: .error, rule: rule, message: message, location: Finding.Location(file: file, line: line))
    }
}

/// One record of a CSV file: its fields as byte ranges into the reader's buffer, valid only during
/// the call that receives it.
struct CSVRecord {
    /// The line the record starts on (1-based).
    let line: Int
    fileprivate let bytes: UnsafeBufferPointer<UInt8>
    fileprivate let fields: [Range<Int>]

    var count: Int { fields.count }

    /// The field's text; fields are validated UTF-8 before a record is handed out.
    subscript(index: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[fields[index]]), as: UTF8.self)
    }

    /// The field's text, or nil when it is empty (an absent value in LOINC's tables).
    func optional(_ index: Int) -> String? {
        fields[index].isEmpty ? nil : self[index]
    }

    fileprivate func firstInvalidUTF8Field() -> Int? {
        fields.firstIndex { String(validating: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) == nil }
    }
}
