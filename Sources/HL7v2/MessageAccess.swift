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

    /// The `number`-th (1-based) piece of `range` split on `separator`, nil when there are fewer.
    func piece(of range: Range<Int>, separatedBy separator: UInt8, number: Int) -> Range<Int>? {
        storage.withUnsafeBufferPointer { bytes in
            var start = range.lowerBound
            var remaining = number - 1
            var index = start
            while index < range.upperBound {
                if bytes[index] == separator {
                    if remaining == 0 { return start..<index }
                    remaining -= 1
                    start = index + 1
                }
                index += 1
            }
            return remaining == 0 ? start..<range.upperBound : nil
        }
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

    func locate(_ path: HL7Path) -> (range: Range<Int>, level: Level)? {
        segmentIndex(packedName: path.packedSegment, occurrence: path.occurrence).flatMap { segment in
            locate(segment: segment, field: path.field, repetition: path.repetition, component: path.component,
                   subcomponent: path.subcomponent)
        }
    }

    func locate(segment: Int, field: Int, repetition: Int, component: Int?,
                subcomponent: Int?) -> (range: Range<Int>, level: Level)? {
        guard let (fieldBytes, literal) = fieldRange(segment: segment, field: field) else { return nil }
        if literal {
            guard repetition == 1, (component ?? 1) == 1, (subcomponent ?? 1) == 1 else { return nil }
            return (fieldBytes, .literal)
        }
        guard let repetitionBytes = piece(of: fieldBytes, separatedBy: delimiters.repetition, number: repetition) else { return nil }
        guard let component else { return (repetitionBytes, .repetition) }
        guard let componentBytes = piece(of: repetitionBytes, separatedBy: delimiters.component, number: component) else { return nil }
        guard let subcomponent else { return (componentBytes, .component) }
        guard let subcomponentBytes = piece(of: componentBytes, separatedBy: delimiters.subcomponent, number: subcomponent) else { return nil }
        return (subcomponentBytes, .subcomponent)
    }

    /// Decodes a located value as `value(at:)` describes.
    func value(_ located: (range: Range<Int>, level: Level), formatting: FormattingEscapes) -> String {
        let (range, level) = located
        if level == .literal { return decode(range) }
        // One pass over the bytes settles the common case (a leaf without escapes: its bytes
        // decoded) without the slices, and their retains, of three separate scans.
        let escape = delimiters.escape, component = delimiters.component, subcomponent = delimiters.subcomponent
        let splitsComponents = level == .repetition, splitsSubcomponents = level != .subcomponent
        return storage.withUnsafeBufferPointer { bytes in
            var escaped = false
            for index in range {
                let byte = bytes[index]
                if byte == escape {
                    escaped = true
                } else if (splitsSubcomponents && byte == subcomponent) || (splitsComponents && byte == component) {
                    return charset.decode(UnsafeBufferPointer(rebasing: bytes[range]))
                }
            }
            return escaped ? unescape(range, formatting: formatting) : charset.decode(UnsafeBufferPointer(rebasing: bytes[range]))
        }
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
        guard let (range, _) = locate(path), range.count == 2 else { return false }
        return storage[range.lowerBound] == UInt8(ascii: "\"") && storage[range.lowerBound + 1] == UInt8(ascii: "\"")
    }

    /// The number of repetitions of the field at `path` (0 when absent or empty).
    public func repetitionCount(at path: HL7Path) -> Int {
        segmentIndex(packedName: path.packedSegment, occurrence: path.occurrence)
            .map { repetitionCount(inSegment: $0, field: path.field) } ?? 0
    }

    /// The number of segments named `name`.
    public func count(of name: String) -> Int {
        let packed = packName(name)
        return segmentEntries.reduce(0) { $0 + ($1.name == packed ? 1 : 0) }
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
