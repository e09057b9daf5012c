/// Bounds that keep hostile input from exhausting memory: a message over them is refused with
/// `.limitExceeded` instead of being indexed.
public struct HL7ParseLimits: Sendable, Hashable {
    public var maxMessageBytes: Int
    public var maxSegments: Int
    public var maxFields: Int

    public init(maxMessageBytes: Int = 64 << 20, maxSegments: Int = 100_000, maxFields: Int = 2_000_000) {
        self.maxMessageBytes = maxMessageBytes
        self.maxSegments = maxSegments
        self.maxFields = maxFields
    }
}

/// A parsed HL7 v2 message: the original bytes plus an index of segment and field offsets.
/// Repetitions, components and subcomponents are found on access by scanning one field, and
/// values are decoded only when read, so parsing allocates two small arrays and memory held is a
/// fraction of the message size beyond its bytes (which may be shared with the whole input).
public struct HL7Message: Sendable {
    /// The buffer the message lives in (the whole input for a stream); see `range`.
    public let storage: [UInt8]
    /// The message's bytes in `storage`, from its first segment to its last terminator.
    public let range: Range<Int>
    public let delimiters: Delimiters
    public private(set) var charset: HL7Charset
    /// Whether the last segment was followed by a terminator.
    public let endsWithTerminator: Bool

    struct SegmentEntry: Sendable {
        var start: Int32
        var end: Int32
        var firstField: Int32
        var fieldCount: Int32
        var name: UInt32
    }

    let segmentEntries: [SegmentEntry]
    /// Start offset of every field of every segment, the segment name being field 0.
    let fieldStarts: [Int32]

    /// Parses the single message in `bytes`, which must start with MSH.
    public init(_ bytes: [UInt8], limits: HL7ParseLimits = HL7ParseLimits()) throws(HL7Error) {
        try self.init(storage: bytes, range: bytes.startIndex..<bytes.endIndex, limits: limits)
    }

    public init(_ text: String, limits: HL7ParseLimits = HL7ParseLimits()) throws(HL7Error) {
        try self.init(Array(text.utf8), limits: limits)
    }

    /// Parses the message at `range` of `storage` without copying it.
    public init(storage: [UInt8], range: Range<Int>, limits: HL7ParseLimits = HL7ParseLimits()) throws(HL7Error) {
        try self.init(storage: storage, range: range, limits: limits, headerNames: [headerMSH])
    }

    /// Parses a message or envelope segment starting with one of `headerNames`.
    init(storage: [UInt8], range: Range<Int>, limits: HL7ParseLimits, headerNames: [UInt32]) throws(HL7Error) {
        var start = range.lowerBound
        while start < range.upperBound, storage[start] == cr || storage[start] == lf { start += 1 }
        guard start < range.upperBound else { throw HL7Error(.empty, "no HL7 message in the input", offset: range.lowerBound) }
        guard range.count <= limits.maxMessageBytes else {
            throw HL7Error(.limitExceeded, "message of \(range.count) bytes exceeds the limit of \(limits.maxMessageBytes)", offset: start)
        }
        let name = start + 3 <= range.upperBound
            ? UInt32(storage[start]) << 16 | UInt32(storage[start + 1]) << 8 | UInt32(storage[start + 2]) : 0
        guard headerNames.contains(name) else {
            let found = String(decoding: storage[start..<min(start + 3, range.upperBound)], as: UTF8.self)
            throw HL7Error(.missingHeader, "message must start with \(headerNames.map(unpackName).joined(separator: " or ")), found '\(found)'",
                           offset: start, segment: 1)
        }
        let delimiters = try storage.withUnsafeBufferPointer { bytes throws(HL7Error) in
            try Delimiters.read(from: bytes, headerAt: start, end: range.upperBound)
        }
        try self.init(storage: storage, range: start..<range.upperBound, delimiters: delimiters, charset: nil, limits: limits)
    }

    /// Indexes `range` with known delimiters; `charset` nil means "read it from MSH-18".
    init(storage: [UInt8], range: Range<Int>, delimiters: Delimiters, charset: HL7Charset?,
         limits: HL7ParseLimits) throws(HL7Error) {
        guard range.upperBound <= Int(Int32.max) else {
            throw HL7Error(.limitExceeded, "input larger than 2 GiB", offset: range.lowerBound)
        }
        // Scratch space sized for the worst case (every byte a separator), so the hot loop writes
        // without capacity checks; the index kept is then copied out at its exact size.
        let fieldScratch = UnsafeMutablePointer<Int32>.allocate(capacity: range.count + 1)
        let segmentScratch = UnsafeMutablePointer<SegmentEntry>.allocate(capacity: range.count / 3 + 1)
        defer {
            fieldScratch.deallocate()
            segmentScratch.deallocate()
        }
        var fieldCount = 0
        var segmentCount = 0
        var ends = false
        var highBits: UInt8 = 0
        let fs = delimiters.field
        try storage.withUnsafeBufferPointer { bytes throws(HL7Error) in
            var index = range.lowerBound
            let end = range.upperBound
            while index < end {
                let first = bytes[index]
                if first == cr || first == lf { index += 1; continue }  // blank lines between segments
                let start = index
                let firstField = fieldCount
                fieldScratch[fieldCount] = Int32(start)
                fieldCount += 1
                while index < end {
                    let byte = bytes[index]
                    if byte == fs {
                        fieldScratch[fieldCount] = Int32(index + 1)
                        fieldCount += 1
                    } else if byte == cr || byte == lf {
                        break
                    }
                    highBits |= byte
                    index += 1
                }
                let segmentNumber = segmentCount + 1
                guard index - start >= 3, index - start == 3 || bytes[start + 3] == fs,
                      isSegmentName(bytes[start], bytes[start + 1], bytes[start + 2]) else {
                    let text = String(decoding: bytes[start..<min(index, start + 8)], as: UTF8.self)
                    throw HL7Error(.invalidSegmentName, "'\(text)' does not start with a segment name (three letters or digits followed by the field separator)",
                                   offset: start, segment: segmentNumber)
                }
                guard segmentNumber <= limits.maxSegments, fieldCount <= limits.maxFields else {
                    throw HL7Error(.limitExceeded, "message exceeds \(limits.maxSegments) segments or \(limits.maxFields) fields",
                                   offset: start, segment: segmentNumber)
                }
                segmentScratch[segmentCount] = SegmentEntry(
                    start: Int32(start), end: Int32(index), firstField: Int32(firstField),
                    fieldCount: Int32(fieldCount - firstField),
                    name: UInt32(bytes[start]) << 16 | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]))
                segmentCount += 1
                ends = index < end
                if index < end, bytes[index] == cr, index + 1 < end, bytes[index + 1] == lf { index += 1 }
                index += 1
            }
        }
        let segments = Array(UnsafeBufferPointer(start: segmentScratch, count: segmentCount))
        let fields = Array(UnsafeBufferPointer(start: fieldScratch, count: fieldCount))
        guard !segments.isEmpty else { throw HL7Error(.empty, "no HL7 segment in the input", offset: range.lowerBound) }
        self.storage = storage
        self.delimiters = delimiters
        self.segmentEntries = segments
        self.fieldStarts = fields
        self.endsWithTerminator = ends
        let last = segments[segments.count - 1]
        self.range = range.lowerBound..<(ends ? Int(last.end) + 1 : Int(last.end))
        if let charset {
            self.charset = charset
        } else {
            self.charset = .utf8  // provisional: MSH-18 is itself read as ASCII
            // Most messages leave MSH-18 empty: decide that without building a path or a string.
            guard let declared = fieldRange(segment: 0, field: 18)?.range, !declared.isEmpty else {
                if highBits & 0x80 != 0 { try validateUTF8() }
                return
            }
            do {
                self.charset = try HL7Charset(hl7Name: self.rawText(at: HL7Path(segment: "MSH", field: 18, component: 1)) ?? "")
            } catch {
                throw HL7Error(.unsupportedCharacterSet, error.reason, offset: Int(fieldStarts[min(17, fieldStarts.count - 1)]),
                               segment: 1, segmentName: "MSH", field: 18)
            }
        }
        if highBits & 0x80 != 0, self.charset == .utf8 {
            try validateUTF8()
        }
    }

    private func validateUTF8() throws(HL7Error) {
        let invalid = storage.withUnsafeBufferPointer { firstInvalidUTF8(in: $0, from: range.lowerBound, to: range.upperBound) }
        guard let invalid else { return }
        let segment = segmentEntries.firstIndex { Int($0.end) >= invalid } ?? segmentEntries.count - 1
        let entry = segmentEntries[segment]
        let field = fieldStarts[Int(entry.firstField)..<Int(entry.firstField + entry.fieldCount)].lastIndex { Int($0) <= invalid }
            .map { $0 - Int(entry.firstField) + (isHeader(entry) ? 1 : 0) }
        throw HL7Error(.invalidEncoding,
                       "byte 0x\(String(storage[invalid], radix: 16)) is not valid \(charset); declare the character set in MSH-18",
                       offset: invalid, segment: segment + 1, segmentName: segmentName(segment), field: field)
    }

    /// Bytes the index occupies beyond the message's own bytes (what parsing adds).
    public var indexByteCount: Int {
        segmentEntries.capacity * MemoryLayout<SegmentEntry>.stride + fieldStarts.capacity * MemoryLayout<Int32>.stride
    }

    // MARK: Segments

    public var segmentCount: Int { segmentEntries.count }

    public func segmentName(_ index: Int) -> String {
        unpackName(segmentEntries[index].name)
    }

    public var segmentNames: [String] { (0..<segmentCount).map(segmentName) }

    /// The number of fields of segment `index` as HL7 numbers them (MSH counts MSH-1).
    public func fieldCount(ofSegment index: Int) -> Int {
        let entry = segmentEntries[index]
        return Int(entry.fieldCount) - 1 + (isHeader(entry) ? 1 : 0)
    }

    /// The raw bytes of segment `index`, without its terminator.
    public func segmentBytes(_ index: Int) -> ArraySlice<UInt8> {
        let entry = segmentEntries[index]
        return storage[Int(entry.start)..<Int(entry.end)]
    }

    /// The bytes of the message: segments joined by `\r`, blank lines dropped and other
    /// terminators (`\n`, `\r\n`) normalised, everything else exactly as received.
    public func serialize(terminateLastSegment: Bool? = nil) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(range.count + 1)
        for index in 0..<segmentCount {
            if index > 0 { output.append(cr) }
            output.append(contentsOf: segmentBytes(index))
        }
        if terminateLastSegment ?? endsWithTerminator { output.append(cr) }
        return output
    }

    @inline(__always) func isHeader(_ entry: SegmentEntry) -> Bool {
        entry.name == headerMSH || entry.name == headerFHS || entry.name == headerBHS
    }
}

// Segment names packed as three bytes, written as literals: a computed global would be lazily
// initialised and cost a `swift_once` on every access in the parse loops.
let headerMSH: UInt32 = 0x4D_5348  // "MSH"
let headerFHS: UInt32 = 0x46_4853  // "FHS"
let headerBHS: UInt32 = 0x42_4853  // "BHS"

func unpackName(_ name: UInt32) -> String {
    // Written in place: three bytes make a small string, with no array to allocate.
    String(unsafeUninitializedCapacity: 3) { bytes in
        bytes[0] = UInt8(name >> 16)
        bytes[1] = UInt8(name >> 8 & 0xff)
        bytes[2] = UInt8(name & 0xff)
        return 3
    }
}

func packName(_ name: String) -> UInt32 {
    name.utf8.prefix(3).reduce(0) { $0 << 8 | UInt32($1) }
}

@inline(__always) func isSegmentName(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
    isUpperOrDigit(a) && isUpperOrDigit(b) && isUpperOrDigit(c) && !(a >= 0x30 && a <= 0x39)
}

@inline(__always) private func isUpperOrDigit(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39)
}
