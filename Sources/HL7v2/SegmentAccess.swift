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
