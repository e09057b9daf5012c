/// A product of the national medication reference (code system 1.3.182.5.47).
public struct MedicationProduct: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case authorised, suspended, withdrawn
    }

    public var code: String
    public var name: String
    public var form: String?
    public var strength: String?
    /// The ATC classification code, e.g. `N02BE01`.
    public var atc: String?
    public var status: Status
    public var authorisedFrom: CalendarDate
    /// The last day of the authorisation; nil while it runs.
    public var authorisedUntil: CalendarDate?

    public init(code: String, name: String, form: String? = nil, strength: String? = nil, atc: String? = nil,
                status: Status, authorisedFrom: CalendarDate, authorisedUntil: CalendarDate? = nil) {
        self.code = code
        self.name = name
        self.form = form
        self.strength = strength
        self.atc = atc
        self.status = status
        self.authorisedFrom = authorisedFrom
        self.authorisedUntil = authorisedUntil
    }

    /// Within the authorisation period; a withdrawn product was authorised until its end date (a
    /// prescription written before the withdrawal stays valid), a suspended one is not for now.
    public func isAuthorised(on date: CalendarDate) -> Bool {
        let inPeriod = authorisedFrom <= date && authorisedUntil.map { date <= $0 } ?? true
        switch status {
        case .authorised: return inPeriod
        case .withdrawn: return authorisedUntil != nil && inPeriod
        case .suspended: return false
        }
    }
}

/// One period of a product on the CNS positive list: reimbursed at `rate` percent, under the
/// `conditions` when there are any.
public struct PositiveListEntry: Sendable, Hashable, Codable {
    public static let rates: Set<Int> = [40, 80, 100]

    public var code: String
    public var rate: Int
    public var conditions: String?
    public var validFrom: CalendarDate
    public var validUntil: CalendarDate?

    public init(code: String, rate: Int, conditions: String? = nil, validFrom: CalendarDate, validUntil: CalendarDate? = nil) {
        self.code = code
        self.rate = rate
        self.conditions = conditions
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    public func isValid(on date: CalendarDate) -> Bool {
        validFrom <= date && validUntil.map { date <= $0 } ?? true
    }
}
