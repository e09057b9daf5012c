/// The version of a terminology pack, e.g. `2.81`, `2025.06.1`, `2025.1-sample`. Parts
/// separated by `.` or `-` compare as numbers when both are numbers, as text otherwise, so that
/// `2.10` is newer than `2.9`.
public struct PackVersion: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let description: String

    public init(_ text: String) {
        description = text
    }

    private var parts: [Substring] { description.split(whereSeparator: { $0 == "." || $0 == "-" }) }

    public static func < (lhs: PackVersion, rhs: PackVersion) -> Bool {
        for (left, right) in zip(lhs.parts, rhs.parts) where left != right {
            if let left = Int(left), let right = Int(right) { return left < right }
            return left < right
        }
        return lhs.parts.count < rhs.parts.count
    }

    public static func == (lhs: PackVersion, rhs: PackVersion) -> Bool { !(lhs < rhs) && !(rhs < lhs) }

    public func hash(into hasher: inout Hasher) {
        parts.forEach { hasher.combine(Int($0).map(String.init) ?? String($0)) }
    }

    public init(from decoder: any Decoder) throws {
        description = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
