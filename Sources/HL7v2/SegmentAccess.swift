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
        // Through a buffer pointer: every path read looks its segment up, scope by scope.
        segmentEntries.withUnsafeBufferPointer { entries in
            var seen = 0
            for index in range.clamped(to: 0..<entries.count) where entries[index].name == path.packedSegment {
                seen += 1
                if seen == path.occurrence { return index }
            }
            return nil
        }
    }

    /// The value of segment `index` at a field, repetition, component and subcomponent (1-based,
    /// numbered as in `HL7Path`), as `value(at:)` reads it; nil when absent. For readers that have
    /// located the segment once and read several values from it.
    public func value(inSegment index: Int, field: Int, repetition: Int = 1, component: Int? = nil, subcomponent: Int? = nil,
                      formatting: FormattingEscapes = .keep) -> String? {
        guard let span = locate(segment: index, field: field, repetition: repetition, component: component, subcomponent: subcomponent) else {
            return nil
        }
        return value(span, formatting: formatting)
    }

    /// `value(inSegment:…)`, nil also when the value is empty or HL7's explicit null `""`: for
    /// readers that take both as absent. Settled on the bytes, before a String is made.
    public func presentValue(inSegment index: Int, field: Int, repetition: Int = 1, component: Int? = nil,
                             subcomponent: Int? = nil, formatting: FormattingEscapes = .keep) -> String? {
        // Closures here would capture, and so copy, the message: a retain of each of its arrays per read.
        guard let span = presentSpan(index, field, repetition, component, subcomponent) else { return nil }
        return text(of: span, formatting: formatting)
    }

    /// `presentValue(inSegment:…)` as UTF-8: where its bytes lie in `storage` when they are its
    /// text (a UTF-8 message, no escapes), so that comparing or looking up a value makes no String.
    public func presentUTF8(inSegment index: Int, field: Int, repetition: Int = 1, component: Int? = nil,
                            subcomponent: Int? = nil, formatting: FormattingEscapes = .keep) -> PresentUTF8? {
        guard let span = presentSpan(index, field, repetition, component, subcomponent) else { return nil }
        if charset == .utf8, !span.needsUnescaping { return .bytes(span.range) }
        return text(of: span, formatting: formatting).map(PresentUTF8.text)
    }

    /// A present span's text; nil when escapes decode to nothing or to `""`.
    private func text(of span: Span, formatting: FormattingEscapes) -> String? {
        span.needsUnescaping ? HL7Message.present(unescape(span.range, formatting: formatting)) : decode(span.range)
    }

    private func presentSpan(_ index: Int, _ field: Int, _ repetition: Int, _ component: Int?, _ subcomponent: Int?) -> Span? {
        guard let span = locate(segment: index, field: field, repetition: repetition, component: component, subcomponent: subcomponent),
              !isEmptyOrNull(span) else { return nil }
        return span
    }

    /// The number of repetitions of field `field` of segment `index` (0 when absent or empty).
    public func repetitionCount(inSegment index: Int, field: Int) -> Int {
        guard let (range, literal) = fieldRange(segment: index, field: field), !range.isEmpty else { return 0 }
        let separator = delimiters.repetition
        return literal ? 1 : storage[range].reduce(1) { $1 == separator ? $0 + 1 : $0 }
    }

    /// The number of segments named `name` among the segments at `range`.
    public func count(of name: String, in range: Range<Int>) -> Int {
        let packed = packName(name)
        return segmentEntries[range.clamped(to: 0..<segmentEntries.count)].reduce(0) { $0 + ($1.name == packed ? 1 : 0) }
    }

    /// Indices of the segments named `name` among the segments at `range`, in order.
    public func segmentIndices(named name: String, in range: Range<Int>) -> [Int] {
        let packed = packName(name)
        // Loops over the entries in place (`filter` on the range cost a hundred instructions a
        // segment), counting first: one allocation, not one per doubling.
        return segmentEntries.withUnsafeBufferPointer { entries in
            let range = range.clamped(to: 0..<entries.count)
            var count = 0
            for index in range where entries[index].name == packed { count &+= 1 }
            var indices: [Int] = []
            indices.reserveCapacity(count)
            for index in range where entries[index].name == packed { indices.append(index) }
            return indices
        }
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

/// A present value read as UTF-8 (see `presentUTF8(inSegment:…)`).
public enum PresentUTF8: Sendable {
    /// The value is the bytes of the message's `storage` at this range.
    case bytes(Range<Int>)
    /// The value had to be decoded: it has escapes, or the message is not in UTF-8.
    case text(String)
}

extension HL7Message {
    /// `text`, nil when empty or HL7's explicit null `""` (which means "delete the value").
    @inlinable
    public static func present(_ text: String) -> String? {
        // The length first: comparing Strings that differ goes through Unicode normalisation.
        text.isEmpty || (text.utf8.count == 2 && text == "\"\"") ? nil : text
    }
}
