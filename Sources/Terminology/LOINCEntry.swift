import Foundation

/// LOINC's status of a term (column STATUS).
public enum LOINCStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case active = "ACTIVE", trial = "TRIAL", discouraged = "DISCOURAGED", deprecated = "DEPRECATED"
}

/// One row of the LOINC table, with the columns Passerelle uses; the others are not kept, which
/// keeps the full table well under its memory budget.
public struct LOINCEntry: Sendable, Hashable, Codable {
    public var code: LOINCCode
    public var component: String
    public var property: String
    public var timeAspect: String
    public var system: String
    public var scale: String
    public var method: String?
    public var loincClass: String
    /// 1 laboratory, 2 clinical, 3 claims attachments, 4 surveys.
    public var classType: Int
    public var status: LOINCStatus
    /// The example UCUM units, as published (several are separated by `;`).
    public var exampleUCUMUnits: String?
    public var longCommonName: String
    public var shortName: String?
    /// `Order`, `Observation`, `Both` or `Subset`.
    public var orderObservation: String?

    public init(code: LOINCCode, component: String, property: String, timeAspect: String, system: String,
                scale: String, method: String? = nil, loincClass: String, classType: Int, status: LOINCStatus,
                exampleUCUMUnits: String? = nil, longCommonName: String, shortName: String? = nil,
                orderObservation: String? = nil) {
        self.code = code
        self.component = component
        self.property = property
        self.timeAspect = timeAspect
        self.system = system
        self.scale = scale
        self.method = method
        self.loincClass = loincClass
        self.classType = classType
        self.status = status
        self.exampleUCUMUnits = exampleUCUMUnits
        self.longCommonName = longCommonName
        self.shortName = shortName
        self.orderObservation = orderObservation
    }

    /// The example UCUM units one by one.
    public var expectedUnits: [String] {
        exampleUCUMUnits?.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty } ?? []
    }

    /// Whether `unit` is one of the example UCUM units (true when there are none).
    public func expects(unit: String) -> Bool {
        Self.units(exampleUCUMUnits, contain: unit)
    }

    /// Usually the column holds one unit and a string comparison decides; it runs for every result.
    static func units(_ units: String?, contain unit: String) -> Bool {
        guard let units, !units.isEmpty else { return true }
        if units == unit { return true }
        guard units.utf8.contains(UInt8(ascii: ";")) else { return false }
        return units.split(separator: ";").contains { $0.trimmingCharacters(in: .whitespaces) == unit }
    }

    enum CodingKeys: String, CodingKey {
        case code, component, property, timeAspect, system, scale, method, loincClass = "class", classType, status,
             exampleUCUMUnits, longCommonName, shortName, orderObservation
    }
}
