/// What Passerelle reads from a CDA R2 `ClinicalDocument`: the header, the sections and, for
/// XD-LAB laboratory reports, their results. The mapping engine's canonical model converts from it.
public struct ClinicalDocument: Sendable, Hashable, Codable {
    public var id: InstanceIdentifier?
    public var realmCodes: [String]
    public var templateIds: [InstanceIdentifier]
    public var code: CodedValue?
    public var title: String?
    public var effectiveTime: Timestamp?
    public var confidentialityCode: CodedValue?
    public var languageCode: String?
    public var setId: InstanceIdentifier?
    public var versionNumber: String?
    public var patient: Patient?
    public var authors: [Author]
    public var custodian: Organization?
    public var sections: [Section]

    /// An IHE XD-LAB laboratory report, whose sections carry `results`.
    public var isLabReport: Bool { hasTemplate(OID.xdLab) }

    public func hasTemplate(_ root: String) -> Bool { templateIds.contains { $0.root == root } }
}

public struct Patient: Sendable, Hashable, Codable {
    /// In document order: local ids, then the matricule, then the DSP id on the national platform.
    public var ids: [InstanceIdentifier]
    public var names: [PersonName]
    public var birthTime: Timestamp?
    public var administrativeGenderCode: CodedValue?

    public var matricule: String? { ids.first { $0.root == OID.matricule }?.extension }
    public var dspID: String? { ids.first { $0.root == OID.dspPatient }?.extension }
}

public struct Author: Sendable, Hashable, Codable {
    public var time: Timestamp?
    public var ids: [InstanceIdentifier]
    /// A person author's name; nil for a device.
    public var name: PersonName?
    /// A device author's software name.
    public var softwareName: String?
    public var organization: Organization?

    public var hpdID: String? { ids.first { $0.root == OID.hpd }?.extension }
}

public struct Organization: Sendable, Hashable, Codable {
    public var ids: [InstanceIdentifier]
    public var name: String?

    public init(ids: [InstanceIdentifier] = [], name: String? = nil) {
        self.ids = ids
        self.name = name
    }
}

public struct Section: Sendable, Hashable, Codable {
    public var templateIds: [InstanceIdentifier]
    /// For XD-LAB, the LOINC specialty code, e.g. 18719-5 chemistry.
    public var code: CodedValue?
    public var title: String?
    /// The laboratory results of the section, nested item sections included (XD-LAB only).
    public var results: [LabResult]
}

/// One XD-LAB laboratory result: an `observation` of a section's entries.
public struct LabResult: Sendable, Hashable, Codable {
    public var ids: [InstanceIdentifier]
    public var code: CodedValue?
    /// The battery (`organizer`) the result belongs to, if any.
    public var battery: CodedValue?
    public var value: ObservationValue?
    public var referenceRanges: [ReferenceRange]
    public var interpretations: [CodedValue]
    /// `statusCode`, e.g. `completed`, `aborted`.
    public var status: String?
    /// `effectiveTime`, or its `low` when given as an interval.
    public var effectiveTime: Timestamp?
}

/// An observation's `value`, whose meaning depends on its `xsi:type`.
public struct ObservationValue: Sendable, Hashable, Codable {
    /// The `xsi:type` without prefix: `PQ`, `IVL_PQ`, `ST`, `CD`, `CE`, `INT`, `REAL`, `BL`, …
    public var type: String?
    /// PQ, INT, REAL, BL: the `value` attribute.
    public var value: String?
    public var unit: String?
    /// CD, CE, CV, CO: the code.
    public var code: CodedValue?
    /// ST, ED: the text content.
    public var text: String?
    /// IVL_PQ: the bounds.
    public var low: Quantity?
    public var high: Quantity?

    public init(type: String? = nil, value: String? = nil, unit: String? = nil, code: CodedValue? = nil,
                text: String? = nil, low: Quantity? = nil, high: Quantity? = nil) {
        self.type = type
        self.value = value
        self.unit = unit
        self.code = code
        self.text = text
        self.low = low
        self.high = high
    }
}

public struct ReferenceRange: Sendable, Hashable, Codable {
    public var low: Quantity?
    public var high: Quantity?
    public var text: String?
    public var interpretation: CodedValue?

    public init(low: Quantity? = nil, high: Quantity? = nil, text: String? = nil, interpretation: CodedValue? = nil) {
        self.low = low
        self.high = high
        self.text = text
        self.interpretation = interpretation
    }
}
