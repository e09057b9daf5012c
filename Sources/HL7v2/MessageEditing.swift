/// Writing values. A message is immutable; `setting` returns a new one whose bytes differ only
/// where the value went, with delimiters added where the path did not exist yet.
extension HL7Message {
    /// Sets the value at `path`, escaping it so that it reads back unchanged.
    public func setting(_ path: HL7Path, to value: String) throws(HL7Error) -> HL7Message {
        try setting(path, toEncoded: delimiters.escape(value, charset: charset))
    }

    /// Sets already-encoded bytes (delimiters and escapes as they should appear) at `path`.
    public func setting(_ path: HL7Path, toEncoded encoded: [UInt8]) throws(HL7Error) -> HL7Message {
        let packed = path.packedSegment
        let isHeaderSegment = packed == headerMSH || packed == headerFHS || packed == headerBHS
        if isHeaderSegment && path.field <= 2 {
            throw HL7Error(.invalidPath, "\(path): the delimiters of a message cannot be set as a value")
        }
        var segments = (0..<segmentCount).map { Array(segmentBytes($0)) }
        let target: Int
        if let existing = segmentIndex(packedName: packed, occurrence: path.occurrence) {
            target = existing
        } else if count(of: path.segment) + 1 == path.occurrence {
            segments.append(Array(path.segment.utf8))
            target = segments.count - 1
        } else {
            throw HL7Error(.invalidPath, "\(path): the message has \(count(of: path.segment)) \(path.segment) segments")
        }
        var indices = [isHeaderSegment ? path.field - 1 : path.field, path.repetition - 1]
        if let component = path.component { indices.append(component - 1) }
        if let subcomponent = path.subcomponent { indices.append(subcomponent - 1) }
        let separators = [delimiters.field, delimiters.repetition, delimiters.component, delimiters.subcomponent]
        segments[target] = replacing(in: segments[target][...], separators: separators[...], indices: indices[...], with: encoded)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count + encoded.count + 8)
        for (index, segment) in segments.enumerated() {
            if index > 0 { bytes.append(cr) }
            bytes.append(contentsOf: segment)
        }
        if endsWithTerminator { bytes.append(cr) }
        return try HL7Message(storage: bytes, range: 0..<bytes.count, delimiters: delimiters,
                              charset: charset, limits: HL7ParseLimits())
    }
}

/// Replaces the piece at `indices` (one per separator level) of `bytes`, padding with separators.
private func replacing(in bytes: ArraySlice<UInt8>, separators: ArraySlice<UInt8>, indices: ArraySlice<Int>,
                       with value: [UInt8]) -> [UInt8] {
    guard let separator = separators.first, let index = indices.first else { return value }
    var pieces = bytes.split(separator: separator, omittingEmptySubsequences: false)
    while pieces.count <= index { pieces.append([]) }
    pieces[index] = replacing(in: pieces[index], separators: separators.dropFirst(), indices: indices.dropFirst(), with: value)[...]
    var output: [UInt8] = []
    for (position, piece) in pieces.enumerated() {
        if position > 0 { output.append(separator) }
        output.append(contentsOf: piece)
    }
    return output
}
