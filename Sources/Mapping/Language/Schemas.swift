/// The keys a mapping may give for each canonical type. A key's name is the property's name in
/// snake_case; its kind decides what the value may be (see Mappings/README.md).
enum Schemas {
    static let identifier = Schema<Canonical.Identifier>([
        ("system", .text(\.system)),
        ("value", .value("text", { $0 }) { $0.value = $1 }),
    ])

    static let coding = Schema<Canonical.Coding>([
        ("code", .text(\.code)), ("system", .text(\.system)), ("system_name", .text(\.systemName)), ("display", .text(\.display)),
    ])

    static let name = Schema<Canonical.PersonName>([
        ("family", .text(\.family)), ("given", .texts(\.given)), ("prefix", .text(\.prefix)), ("suffix", .text(\.suffix)),
    ])

    static let address = Schema<Canonical.Address>([
        ("street", .text(\.street)), ("city", .text(\.city)), ("postal_code", .text(\.postalCode)), ("country", .text(\.country)),
    ])

    static let patient = Schema<Canonical.Patient>([
        ("local_ids", .bySource(hl7: .identifiers(\.localIDs), cda: .cdaIdentifiers(\.localIDs))),
        ("matricule", .text(\.matricule)),
        ("dsp_id", .text(\.dspID)),
        ("name", .optional(\.name, name, empty: .init())),
        ("birth_date", .dateTime(\.birthDate)),
        ("sex", .text(\.sex)),
        ("address", .optional(\.address, address, empty: .init())),
    ])

    static let organisation = Schema<Canonical.Organisation>([
        ("ids", .list(\.ids, identifier, empty: .init(value: ""))),
        ("name", .text(\.name)),
    ])

    static let professional = Schema<Canonical.Professional>([
        ("hpd_id", .text(\.hpdID)),
        ("cns_code", .text(\.cnsCode)),
        ("name", .optional(\.name, name, empty: .init())),
        ("role", .optional(\.role, coding, empty: .init())),
        ("organisation", .optional(\.organisation, organisation, empty: .init())),
    ])

    static let observation = Schema<Canonical.Observation>([
        ("id", .optional(\.id, identifier, empty: .init(value: ""))),
        ("code", .optional(\.code, coding, empty: .init())),
        ("value", .bySource(hl7: .observationValue(\.value), cda: .cdaObservationValue(\.value))),
        ("reference_range", .bySource(hl7: .referenceRange(\.referenceRange), cda: .cdaReferenceRange(\.referenceRange))),
        ("interpretation", .optional(\.interpretation, coding, empty: .init())),
        ("status", .text(\.status)),
        ("effective_time", .dateTime(\.effectiveTime)),
        ("performer", .optional(\.performer, professional, empty: .init())),
        ("comment", .text(\.comment)),
    ])

    static let battery = Schema<Canonical.LabBattery>([
        ("id", .optional(\.id, identifier, empty: .init(value: ""))),
        ("code", .optional(\.code, coding, empty: .init())),
        ("specialty", .optional(\.specialty, coding, empty: .init())),
        ("status", .text(\.status)),
        ("effective_time", .dateTime(\.effectiveTime)),
        ("observations", .list(\.observations, observation, empty: .init())),
    ])

    static let labReport = Schema<Canonical.LabReport>([
        ("id", .text(\.id)),
        ("set_id", .text(\.setID)),
        ("version", .integer(\.version)),
        ("effective_time", .dateTime(\.effectiveTime)),
        ("title", .text(\.title)),
        ("language", .text(\.language)),
        ("patient", .nested(\.patient, patient)),
        ("author", .optional(\.author, professional, empty: .init())),
        ("laboratory", .optional(\.laboratory, organisation, empty: .init())),
        ("orderer", .optional(\.orderer, professional, empty: .init())),
        ("batteries", .list(\.batteries, battery, empty: .init())),
    ])

    static let prescriptionLine = Schema<Canonical.PrescriptionLine>([
        ("id", .text(\.id)),
        ("status", .text(\.status)),
        ("product", .optional(\.product, coding, empty: .init())),
        ("form", .optional(\.form, coding, empty: .init())),
        ("route", .optional(\.route, coding, empty: .init())),
        ("dose", .text(\.dose)),
        ("dose_unit", .text(\.doseUnit)),
        ("timing", .text(\.timing)),
        ("start", .dateTime(\.start)),
        ("end", .dateTime(\.end)),
        ("quantity", .text(\.quantity)),
        ("quantity_unit", .text(\.quantityUnit)),
        ("repeats", .integer(\.repeats)),
        ("substitution_allowed", .boolean(\.substitutionAllowed)),
        ("instructions", .text(\.instructions)),
    ])

    static let ordonnance = Schema<Canonical.Ordonnance>([
        ("id", .optional(\.id, identifier, empty: .init(value: ""))),
        ("written", .dateTime(\.written)),
        ("patient", .nested(\.patient, patient)),
        ("prescriber", .optional(\.prescriber, professional, empty: .init())),
        ("lines", .list(\.lines, prescriptionLine, empty: .init())),
    ])

    static let document = Schema<Canonical.ClinicalDocument>([
        ("id", .text(\.id)),
        ("type_code", .text(\.typeCode)),
        ("code", .optional(\.code, coding, empty: .init())),
        ("title", .text(\.title)),
        ("effective_time", .dateTime(\.effectiveTime)),
        ("patient", .nested(\.patient, patient)),
        ("author", .optional(\.author, professional, empty: .init())),
        ("custodian", .optional(\.custodian, organisation, empty: .init())),
        ("text", .text(\.text)),
        ("pdf_base64", .text(\.pdfBase64)),
    ])
}
