import CDA
import Foundation

/// An ordonnance as a FHIR R4 transaction Bundle: one MedicationRequest per line, sharing
/// `groupIdentifier` = the ordonnance id, the patient referenced by matricule and the prescriber by
/// hpdID (logical references: the platform resolves them in the MPI and HPD). Each entry is a
/// conditional create on the line's UUID (`ifNoneExist`), so a replayed ordonnance creates nothing.
public struct FHIRPrescriptionRenderer: Sendable {
    /// The national medication code system (DESIGN.md §1).
    public static let medicationSystem = "1.3.182.5.47"
    static let uuidSystem = "urn:ietf:rfc:3986"
    /// FHIR R4's timing-abbreviation value set (HL7 v3 GTSAbbreviation).
    static let timingAbbreviations: Set = ["BID", "TID", "QID", "AM", "PM", "QD", "QOD", "Q1H", "Q2H", "Q3H", "Q4H", "Q6H", "Q8H",
                                           "BED", "WK", "MO"]
    static let timingSystem = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation"

    public init() {}

    public func render(_ ordonnance: Canonical.Ordonnance) throws(RenderError) -> [UInt8] {
        guard let group = ordonnance.id, !group.value.isEmpty else { throw RenderError("the ordonnance has no id") }
        guard let matricule = ordonnance.patient.matricule else { throw RenderError("the patient has no matricule") }
        guard let prescriber = ordonnance.prescriber, let hpd = prescriber.hpdID else { throw RenderError("the prescriber has no hpdID") }
        guard !ordonnance.lines.isEmpty else { throw RenderError("the ordonnance has no line") }
        let groupIdentifier = Self.identifier(group)
        let subject = JSONValue.object([("identifier", .object([("system", .string(Self.uri(OID.matricule))), ("value", .string(matricule))]))])
        let requester = JSONValue.members([
            ("identifier", .object([("system", .string(Self.uri(OID.hpd))), ("value", .string(hpd))])),
            ("display", prescriber.name.flatMap(Self.display).map(JSONValue.string)),
        ])
        var entries: [JSONValue] = []
        for (number, line) in ordonnance.lines.enumerated() {
            guard let id = line.id.flatMap(UUID.init(uuidString:))?.uuidString.lowercased() else {
                throw RenderError("line \(number + 1) has no UUID")
            }
            guard line.product?.code != nil else { throw RenderError("line \(number + 1) has no product code") }
            let urn = "urn:uuid:" + id
            let resource = JSONValue.members([
                ("resourceType", .string("MedicationRequest")),
                ("identifier", .array([.object([("system", .string(Self.uuidSystem)), ("value", .string(urn))])])),
                ("status", .string(line.status ?? "active")),
                ("intent", .string("order")),
                ("groupIdentifier", groupIdentifier),
                ("medicationCodeableConcept", line.product.flatMap(Self.concept)),
                ("subject", subject),
                ("authoredOn", ordonnance.written.map { .string(Self.dateTime($0)) }),
                ("requester", requester),
                ("dosageInstruction", Self.dosage(line).map { .array([$0]) }),
                ("dispenseRequest", Self.dispense(line)),
                ("substitution", line.substitutionAllowed.map { .object([("allowedBoolean", .bool($0))]) }),
            ])
            entries.append(.object([
                ("fullUrl", .string(urn)),
                ("resource", resource),
                ("request", .object([
                    ("method", .string("POST")), ("url", .string("MedicationRequest")),
                    ("ifNoneExist", .string("identifier=\(Self.uuidSystem)|\(urn)")),
                ])),
            ]))
        }
        return JSONValue.object([
            ("resourceType", .string("Bundle")),
            ("identifier", groupIdentifier),
            ("type", .string("transaction")),
            ("entry", .array(entries)),
        ]).serialized()
    }

    private static func dosage(_ line: Canonical.PrescriptionLine) -> JSONValue? {
        let dose = line.dose.flatMap { ValueParsing.decimal($0) }.map { value in
            JSONValue.array([.object([("doseQuantity", quantity(value, unit: line.doseUnit ?? line.form?.display))])])
        }
        let bounds: JSONValue? = line.start == nil && line.end == nil ? nil : .object([("boundsPeriod", .members([
            ("start", line.start.map { .string(dateTime($0)) }), ("end", line.end.map { .string(dateTime($0)) }),
        ]))])
        let code = line.timing.map { timing in
            JSONValue.members([
                ("coding", timingAbbreviations.contains(timing)
                    ? .array([.object([("system", .string(timingSystem)), ("code", .string(timing))])]) : nil),
                ("text", .string(timing)),
            ])
        }
        let timing: JSONValue? = bounds == nil && code == nil ? nil : .members([("repeat", bounds), ("code", code)])
        let members: [(String, JSONValue?)] = [
            ("text", (line.instructions ?? EPrescriptionRenderer.dosage(line)).map(JSONValue.string)),
            ("timing", timing),
            ("route", line.route.flatMap(concept)),
            ("doseAndRate", dose),
        ]
        return members.contains { $0.1 != nil } ? .members(members) : nil
    }

    private static func dispense(_ line: Canonical.PrescriptionLine) -> JSONValue? {
        let quantity = line.quantity.flatMap { ValueParsing.decimal($0) }.map { self.quantity($0, unit: line.quantityUnit) }
        guard quantity != nil || line.repeats != nil else { return nil }
        return .members([("numberOfRepeatsAllowed", line.repeats.map { .number(String($0)) }), ("quantity", quantity)])
    }

    private static func quantity(_ value: String, unit: String?) -> JSONValue {
        .members([("value", .number(value)), ("unit", unit.map(JSONValue.string))])
    }

    private static func identifier(_ identifier: Canonical.Identifier) -> JSONValue {
        .members([("system", identifier.system.map { .string(uri($0)) }), ("value", .string(identifier.value))])
    }

    /// A CodeableConcept: the coding when there is a code, the display as text.
    static func concept(_ coding: Canonical.Coding) -> JSONValue? {
        let code = coding.code.map { code in
            JSONValue.members([("system", coding.system.map { .string(uri($0)) }), ("code", .string(code)),
                               ("display", coding.display.map(JSONValue.string))])
        }
        guard code != nil || coding.display != nil else { return nil }
        return .members([("coding", code.map { .array([$0]) }), ("text", coding.display.map(JSONValue.string))])
    }

    /// An OID as FHIR writes a system (`urn:oid:…`); URIs are kept.
    static func uri(_ system: String) -> String { isOID(system) ? "urn:oid:" + system : system }

    /// FHIR dateTime: a time of day needs seconds, and always has its offset here.
    static func dateTime(_ value: Canonical.DateTime) -> String {
        guard value.precision > .day, value.precision < .second else { return value.description }
        var full = value
        full.precision = .second
        return full.description
    }

    static func display(_ name: Canonical.PersonName) -> String? {
        let parts = [name.prefix] + name.given.map(Optional.some) + [name.family, name.suffix]
        let text = parts.compactMap { $0 }.joined(separator: " ")
        return text.isEmpty ? nil : text
    }
}
