/// Reading values by path. Absent parts read as nil; nothing here allocates until a value is decoded.
extension HL7Message {
    /// How an addressed range is to be read.
    enum Level {
        /// MSH-1 or MSH-2: literal characters, never split or unescaped.
        case literal
        case repetition, component, subcomponent
    }

    /// Index of the `occurrence`-th segment named `packedName`.
    func segmentIndex(packedName: UInt32, occurrence: Int) -> Int? {
        var seen = 0
        for (index, entry) in segmentEntries.enumerated() where entry.name == packedName {
            seen += 1
            if seen == occurrence { return index }
        }
        return nil
    }

    /// The bytes of field `field` (HL7 numbering) of segment `index`, nil when absent.
    func fieldRange(segment index: Int, field: Int) -> (range: Range<Int>, literal: Bool)? {
        let entry = segmentEntries[index]
        var split = field
        if isHeader(entry) {
            // A later header segment written as its bare name has no MSH-1: the byte after the name is
            // its terminator or past the input (found by Tests/Fuzz).
            if field == 1 { return entry.fieldCount > 1 ? (Int(entry.start) + 3..<Int(entry.start) + 4, true) : nil }
            split = field - 1
        }
        guard split < Int(entry.fieldCount) else { return nil }
        let position = Int(entry.firstField) + split
        let start = Int(fieldStarts[position])
        let end = split + 1 < Int(entry.fieldCount) ? Int(fieldStarts[position + 1]) - 1 : Int(entry.end)
        return (start..<end, isHeader(entry) && field == 2)
    }

    /// All pieces of `range` split on `separator` (an empty range gives one empty piece).
    func pieces(of range: Range<Int>, separatedBy separator: UInt8) -> [Range<Int>] {
        storage.withUnsafeBufferPointer { bytes in
            var result: [Range<Int>] = []
            var start = range.lowerBound
            for index in range where bytes[index] == separator {
                result.append(start..<index)
                start = index + 1
            }
            result.append(start..<range.upperBound)
            return result
        }
    }

    /// A located value: its bytes, and what reading them as text takes.
    struct Span {
        var range: Range<Int>
        var level: Level
        /// The bytes hold an escape sequence to decode.
        var escaped = false
        /// The bytes hold separators of a lower level: a value above the leaves, read as encoded.
        var composite = false

        /// Whether the value is read by unescaping rather than decoding its bytes as they are.
        var needsUnescaping: Bool { escaped && !composite && level != .literal }
    }

    func locate(_ path: HL7Path) -> Span? {
        segmentIndex(packedName: path.packedSegment, occurrence: path.occurrence).flatMap { segment in
            locate(segment: segment, field: path.field, repetition: path.repetition, component: path.component,
                   subcomponent: path.subcomponent)
        }
    }

    /// Finds the value in one pass over its field that stops at the value's end, noting its escapes
    /// and lower separators on the way: splitting level by level rescanned the field (to the end of
    /// its repetition) for every component read, and the value again to classify it.
    func locate(segment: Int, field: Int, repetition: Int, component: Int?, subcomponent: Int?) -> Span? {
        guard let (fieldBytes, literal) = fieldRange(segment: segment, field: field) else { return nil }
        if literal {
            guard repetition == 1, (component ?? 1) == 1, (subcomponent ?? 1) == 1 else { return nil }
            return Span(range: fieldBytes, level: .literal)
        }
        let repetitionSeparator = delimiters.repetition, componentSeparator = delimiters.component
        let subcomponentSeparator = delimiters.subcomponent, escape = delimiters.escape
        return storage.withUnsafeBufferPointer { bytes -> Span? in
            var index = fieldBytes.lowerBound
            let end = fieldBytes.upperBound
            /// Moves `index` past the `count`-th next `separator`; false when a byte of `stops` (a
            /// higher level's separator) or the end comes first.
            func skip(_ count: Int, of separator: UInt8, stoppingAt stops: (UInt8, UInt8)) -> Bool {
                var remaining = count
                while remaining > 0 {
                    while index < end, bytes[index] != separator {
                        if bytes[index] == stops.0 || bytes[index] == stops.1 { return false }
                        index += 1
                    }
                    guard index < end else { return false }
                    index += 1
                    remaining -= 1
                }
                return true
            }
            guard skip(repetition - 1, of: repetitionSeparator, stoppingAt: (repetitionSeparator, repetitionSeparator)) else { return nil }
            var level = Level.repetition
            if let component {
                guard skip(component - 1, of: componentSeparator, stoppingAt: (repetitionSeparator, repetitionSeparator)) else { return nil }
                level = .component
                if let subcomponent {
                    guard skip(subcomponent - 1, of: subcomponentSeparator, stoppingAt: (repetitionSeparator, componentSeparator)) else { return nil }
                    level = .subcomponent
                }
            }
            let start = index
            var span = Span(range: start..<end, level: level)
            // The separators that end the value: a repetition's always, a component's below the
            // repetition, a subcomponent's at the leaves; others inside make it composite. Ordinary
            // bytes, nearly all of them, are passed in a loop of their own, four comparisons each.
            let endsAtComponent = level != .repetition, endsAtSubcomponent = level == .subcomponent
            while true {
                while index < end, bytes[index] != escape, bytes[index] != repetitionSeparator, bytes[index] != componentSeparator,
                      bytes[index] != subcomponentSeparator {
                    index += 1
                }
                guard index < end else { break }
                let byte = bytes[index]
                if byte == escape {
                    span.escaped = true
                } else if byte == repetitionSeparator || (byte == componentSeparator ? endsAtComponent : endsAtSubcomponent) {
                    break
                } else {
                    span.composite = true
                }
                index += 1
            }
            span.range = start..<index
            return span
        }
    }

    /// Decodes a located value as `value(at:)` describes.
    func value(_ span: Span, formatting: FormattingEscapes) -> String {
        span.needsUnescaping ? unescape(span.range, formatting: formatting) : decode(span.range)
    }

    /// Whether a located value is empty or HL7's explicit null `""`, told from its bytes.
    func isEmptyOrNull(_ span: Span) -> Bool {
        let range = span.range
        return range.isEmpty || (range.count == 2 && storage[range.lowerBound] == UInt8(ascii: "\"") && storage[range.lowerBound + 1] == UInt8(ascii: "\""))
    }

    /// The value at `path`, unescaped; nil when absent. A path that stops above the leaves of a
    /// composite value (`PID-5` of `DOE^JOHN`) reads its encoded text, delimiters and escapes kept,
    /// so that it can be split again.
    public func value(at path: HL7Path, formatting: FormattingEscapes = .keep) -> String? {
        locate(path).map { value($0, formatting: formatting) }
    }

    /// The value at `path` as text, `""` when empty or absent.
    public func string(_ path: String, formatting: FormattingEscapes = .keep) throws(HL7Error) -> String {
        value(at: try HL7Path(path), formatting: formatting) ?? ""
    }

    /// The encoded text at `path` (escapes and delimiters kept), nil when absent.
    public func rawText(at path: HL7Path) -> String? {
        locate(path).map { decode($0.range) }
    }

    /// Whether the value at `path` is HL7's explicit null `""` (delete the value), which differs
    /// from empty or absent (no change).
    public func isNull(at path: HL7Path) -> Bool {
        locate(path).map { !$0.range.isEmpty && isEmptyOrNull($0) } ?? false
    }

    /// The number of repetitions of the field at `path` (0 when absent or empty).
    public func repetitionCount(at path: HL7Path) -> Int {
        segmentIndex(packedName: path.packedSegment, occurrence: path.occurrence)
            .map { repetitionCount(inSegment: $0, field: path.field) } ?? 0
    }

    /// The number of segments named `name`.
    public func count(of name: String) -> Int {
        count(of: name, in: 0..<segmentCount)
    }

    func decode(_ range: Range<Int>) -> String {
        storage.withUnsafeBufferPointer { charset.decode(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    // MARK: Header shortcuts

    /// MSH-9 as written, e.g. `ORU^R01^ORU_R01`.
    public var messageType: String { rawText(at: HL7Path(segment: "MSH", field: 9)) ?? "" }
    /// MSH-10.
    public var controlID: String { value(at: HL7Path(segment: "MSH", field: 10)) ?? "" }
    /// MSH-12.1.
    public var version: String { value(at: HL7Path(segment: "MSH", field: 12, component: 1)) ?? "" }
}
