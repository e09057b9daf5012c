/// Reading by segment index, for consumers that walk groups (an OBR with the OBX after it) rather
/// than address segments by their occurrence in the whole message.
extension HL7Message {
    /// Index of the `occurrence`-th segment named `name` among the segments at `range`; nil when fewer.
    public func segmentIndex(named name: String, occurrence: Int = 1, in range: Range<Int>) -> Int? {
        let packed = packName(name)
        var seen = 0
        for index in range.clamped(to: 0..<segmentEntries.count) where segmentEntries[index].name == packed {
            seen += 1
            if seen == occurrence { return index }
        }
        return nil
    }

    /// Index of the `path.occurrence`-th segment named like `path` among the segments at `range`;
    /// nil when fewer. The name was packed when the path was made, so this only scans.
    public func segmentIndex(of path: HL7Path, in range: Range<Int>) -> Int? {
        var seen = 0
        for index in range.clamped(to: 0..<segmentEntries.count) where segmentEntries[index].name == path.packedSegment {
            seen += 1
            if seen == path.occurrence { return index }
        }
        return nil
    }

    /// The value of segment `index` at a field, repetition, component and subcomponent (1-based,
    /// numbered as in `HL7Path`), as `value(at:)` reads it; nil when absent. For readers that have
    /// located the segment once and read several values from it.
    public func value(inSegment index: Int, field: Int, repetition: Int = 1, component: Int? = nil, subcomponent: Int? = nil,
                      formatting: FormattingEscapes = .keep) -> String? {
        locate(segment: index, field: field, repetition: repetition, component: component, subcomponent: subcomponent)
            .map { value($0, formatting: formatting) }
    }

    /// The number of repetitions of field `field` of segment `index` (0 when absent or empty).
    public func repetitionCount(inSegment index: Int, field: Int) -> Int {
        guard let (range, literal) = fieldRange(segment: index, field: field), !range.isEmpty else { return 0 }
        let separator = delimiters.repetition
        return literal ? 1 : storage[range].reduce(1) { $1 == separator ? $0 + 1 : $0 }
    }

    /// Indices of the segments named `name` among the segments at `range`, in order.
    public func segmentIndices(named name: String, in range: Range<Int>) -> [Int] {
        let packed = packName(name)
        return range.clamped(to: 0..<segmentEntries.count).filter { segmentEntries[$0].name == packed }
    }

    /// `path` addressed to segment `index` (its occurrence rewritten to that segment's among the
    /// segments of its name), for the path-based readers; nil when segment `index` is not named
    /// like `path`.
    public func path(_ path: HL7Path, atSegment index: Int) -> HL7Path? {
        guard segmentEntries.indices.contains(index), segmentEntries[index].name == path.packedSegment else { return nil }
        let occurrence = segmentEntries[..<index].reduce(1) { $0 + ($1.name == path.packedSegment ? 1 : 0) }
        return HL7Path(segment: path.segment, occurrence: occurrence, field: path.field, repetition: path.repetition,
                       component: path.component, subcomponent: path.subcomponent)
    }
}
