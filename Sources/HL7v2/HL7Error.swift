/// Why a message could not be parsed, read or built, and where: the byte offset in the input,
/// the segment (1-based, with its name) and the field.
public struct HL7Error: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case empty
        /// The first segment is not MSH (or FHS/BHS where a batch may start).
        case missingHeader
        case invalidDelimiters
        case invalidSegmentName
        case unsupportedCharacterSet
        /// Bytes that are not valid in the message's character set.
        case invalidEncoding
        case limitExceeded
        case batchStructure
        case invalidPath
        case unrepresentableValue
    }

    public var kind: Kind
    public var reason: String
    public var offset: Int?
    public var segment: Int?
    public var segmentName: String?
    public var field: Int?

    public init(_ kind: Kind, _ reason: String, offset: Int? = nil, segment: Int? = nil, segmentName: String? = nil,
                field: Int? = nil) {
        self.kind = kind
        self.reason = reason
        self.offset = offset
        self.segment = segment
        self.segmentName = segmentName
        self.field = field
    }

    public var description: String {
        var location: [String] = []
        if let offset { location.append("byte \(offset)") }
        if let segment { location.append("segment \(segment)" + (segmentName.map { " (\($0))" } ?? "")) }
        if let field { location.append("field \(field)") }
        return "\(reason)" + (location.isEmpty ? "" : " at \(location.joined(separator: ", "))")
    }
}
