/// A batch (BHS … BTS) of messages; header and trailer are absent when the input has none.
public struct HL7Batch: Sendable {
    public var header: HL7Message?
    public var messages: [HL7Message]
    public var trailer: HL7Message?
}

/// The whole content of an input: an optional file envelope (FHS … FTS) around batches. Input
/// with no envelope at all is one implicit batch.
public struct HL7File: Sendable {
    public var header: HL7Message?
    public var batches: [HL7Batch]
    public var trailer: HL7Message?

    public var messages: [HL7Message] { batches.flatMap(\.messages) }
}

/// Splits input holding one or many messages — a Kafka payload, an MLLP-less dump, an FHS/BHS
/// batch file — into messages that share the input's storage (no copies).
public enum HL7Stream {
    public static func parse(_ bytes: [UInt8], limits: HL7ParseLimits = HL7ParseLimits()) throws(HL7Error) -> HL7File {
        var file = HL7File(header: nil, batches: [], trailer: nil)
        var batch: HL7Batch?
        var messageStart: Int?
        var segmentNumber = 0
        var lastDelimiters = Delimiters.standard

        func structure(_ reason: String, at offset: Int) -> HL7Error {
            HL7Error(.batchStructure, reason, offset: offset, segment: segmentNumber)
        }
        func closeMessage(at end: Int) throws(HL7Error) {
            guard let start = messageStart else { return }
            messageStart = nil
            let message = try HL7Message(storage: bytes, range: start..<end, limits: limits)
            lastDelimiters = message.delimiters
            if batch == nil { batch = HL7Batch(header: nil, messages: [], trailer: nil) }
            batch!.messages.append(message)
        }
        func envelope(_ start: Int, _ end: Int, header: Bool) throws(HL7Error) -> HL7Message {
            if header {
                let segment = try HL7Message(storage: bytes, range: start..<end, limits: limits, headerNames: [headerFHS, headerBHS])
                lastDelimiters = segment.delimiters
                return segment
            }
            return try HL7Message(storage: bytes, range: start..<end, delimiters: lastDelimiters, charset: .utf8, limits: limits)
        }

        // Only segment starts matter here: the messages index their own fields.
        let end = bytes.count
        var segmentStarts: [(start: Int, end: Int)] = []
        segmentStarts.reserveCapacity(end / 48)  // segments of real messages average well over 48 bytes
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < end {
                let byte = buffer[index]
                if byte == cr || byte == lf { index += 1; continue }
                let start = index
                while index < end, buffer[index] != cr, buffer[index] != lf { index += 1 }
                segmentStarts.append((start, index))
            }
        }
        for (start, lineEnd) in segmentStarts {
            segmentNumber += 1
            let name = lineEnd - start >= 3 ? UInt32(bytes[start]) << 16 | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]) : 0
            switch name {
            case headerMSH:
                try closeMessage(at: start)
                messageStart = start
            case headerFHS:
                try closeMessage(at: start)
                guard file.header == nil, file.batches.isEmpty, batch == nil else {
                    throw structure("File cannot have more than one FHS segment, nor one after its content", at: start)
                }
                file.header = try envelope(start, lineEnd, header: true)
            case headerBHS:
                try closeMessage(at: start)
                if let open = batch {
                    guard open.header == nil, !open.messages.isEmpty || open.trailer != nil else {
                        throw structure("Batch cannot have more than one BHS segment", at: start)
                    }
                    file.batches.append(open)
                }
                batch = HL7Batch(header: try envelope(start, lineEnd, header: true), messages: [], trailer: nil)
            case trailerBTS:
                try closeMessage(at: start)
                if batch == nil { batch = HL7Batch(header: nil, messages: [], trailer: nil) }
                batch!.trailer = try envelope(start, lineEnd, header: false)
                file.batches.append(batch!)
                batch = nil
            case trailerFTS:
                try closeMessage(at: start)
                if let open = batch { file.batches.append(open); batch = nil }
                file.trailer = try envelope(start, lineEnd, header: false)
            default:
                guard messageStart != nil else {
                    throw structure("Segment '\(String(decoding: bytes[start..<min(lineEnd, start + 3)], as: UTF8.self))' received before message header (MSH)", at: start)
                }
            }
        }
        try closeMessage(at: end)
        if let open = batch { file.batches.append(open) }
        guard !file.batches.isEmpty || file.header != nil else { throw HL7Error(.empty, "no HL7 message in the input", offset: 0) }
        return file
    }

    /// Every message of the input, in order, across batches.
    public static func messages(in bytes: [UInt8], limits: HL7ParseLimits = HL7ParseLimits()) throws(HL7Error) -> [HL7Message] {
        try parse(bytes, limits: limits).messages
    }
}

private let trailerBTS: UInt32 = 0x42_5453  // "BTS"
private let trailerFTS: UInt32 = 0x46_5453  // "FTS"
