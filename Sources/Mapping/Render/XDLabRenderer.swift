import CDA

/// A laboratory report as an IHE XD-LAB CDA document under the Luxembourg header: one specialty
/// section per laboratory specialty, one item section per battery holding its data-processing
/// entry, and the human-readable text of each item section generated from its results.
public struct XDLabRenderer: Sendable {
    static let documentCode = Canonical.Coding(code: "11502-2", system: Canonical.loincOID, systemName: "LOINC",
                                               display: "Laboratory report")
    static let templates = [OID.luHeader, OID.luLabReport, OID.xdLab]
    static let specialtySection = "1.3.6.1.4.1.19376.1.3.3.2.1"
    static let itemSection = "1.3.6.1.4.1.19376.1.3.3.2.2"
    static let dataProcessingEntry = "1.3.6.1.4.1.19376.1.3.1"
    static let batteryOrganizer = "1.3.6.1.4.1.19376.1.3.1.4"
    static let resultObservation = "1.3.6.1.4.1.19376.1.3.1.6"
    static let interpretationSystem = "2.16.840.1.113883.5.83"

    // The markup every section, battery and result repeats, made once (see `XMLFragment`).
    static let specialtySectionStart = XMLFragment.fixed { writer in
        writer.start("component")
        writer.start("section")
        CDAHeader.templateID(&writer, specialtySection)
    }
    static let itemSectionStart = XMLFragment.fixed { writer in
        writer.start("component")
        writer.start("section")
        CDAHeader.templateID(&writer, itemSection)
    }
    static let entryStart = XMLFragment.fixed { writer in
        writer.start("entry")
        writer.attribute("typeCode", "DRIV")
        CDAHeader.templateID(&writer, dataProcessingEntry)
        writer.start("act")
        writer.attribute("classCode", "ACT")
        writer.attribute("moodCode", "EVN")
    }
    static let organizerStart = XMLFragment.fixed { writer in
        writer.start("entryRelationship")
        writer.attribute("typeCode", "COMP")
        writer.start("organizer")
        writer.attribute("classCode", "BATTERY")
        writer.attribute("moodCode", "EVN")
        CDAHeader.templateID(&writer, batteryOrganizer)
    }
    static let observationStart = XMLFragment.fixed { writer in
        writer.start("component")
        writer.start("observation")
        writer.attribute("classCode", "OBS")
        writer.attribute("moodCode", "EVN")
        CDAHeader.templateID(&writer, resultObservation)
    }
    static let quantityStart = XMLFragment.fixed(prefixes: ["xsi"]) { writer in
        writer.start("value")
        writer.attribute("xsi:type", "PQ")
    }
    static let intervalStart = XMLFragment.fixed(prefixes: ["xsi"]) { writer in
        writer.start("value")
        writer.attribute("xsi:type", "IVL_PQ")
    }
    static let referenceRangeStart = XMLFragment.fixed { writer in
        writer.start("referenceRange")
        writer.start("observationRange")
    }
    static let narrativeStart = XMLFragment.narrativeTableStart(
        headings: ["Analyse", "Résultat", "Unité", "Valeurs de référence", "Interprétation"])

    public init() {}

    public func render(_ report: Canonical.LabReport) throws(RenderError) -> [UInt8] {
        guard let id = report.id else { throw RenderError("the report has no id") }
        guard let time = report.effectiveTime else { throw RenderError("the report has no effective time") }
        guard let laboratory = report.laboratory, !laboratory.ids.isEmpty else { throw RenderError("the laboratory has no identifier") }
        guard !report.batteries.isEmpty else { throw RenderError("the report has no results") }
        // About a kilobyte per result (its entry and its table row) and per battery: no regrowth.
        let results = report.batteries.reduce(0) { $0 + $1.observations.count }
        var writer = XMLWriter(capacity: 4096 + (report.batteries.count + results) * 1024)
        CDAHeader.open(&writer, templates: Self.templates, id: id, code: Self.documentCode,
                       title: report.title ?? "Rapport de laboratoire", effectiveTime: time, language: report.language,
                       setID: report.setID, version: report.version)
        try CDAHeader.recordTarget(&writer, report.patient)
        CDAHeader.author(&writer, report.author, organisation: laboratory, time: time)
        CDAHeader.custodian(&writer, laboratory)
        writer.start("component")
        writer.start("structuredBody")
        for section in report.sections {
            writer.write(Self.specialtySectionStart)
            CDAHeader.coding(&writer, "code", section.specialty)
            writer.element("title", text: section.specialty.display ?? section.specialty.code ?? "Laboratoire")
            for battery in section.batteries { item(&writer, battery) }
            writer.end()
            writer.end()
        }
        writer.end()
        writer.end()
        writer.end()
        do { return try writer.finish() } catch { throw RenderError("XML writing failed: \(error)") }
    }

    /// An item section: the battery's results as a table, then the entry that carries them.
    private func item(_ writer: inout XMLWriter, _ battery: Canonical.LabBattery) {
        writer.write(Self.itemSectionStart)
        if battery.code?.code != nil { CDAHeader.coding(&writer, "code", battery.code) }
        writer.element("title", text: battery.code?.display ?? battery.code?.code ?? "Résultats")
        narrative(&writer, battery.observations)
        writer.write(Self.entryStart)
        CDAHeader.coding(&writer, "code", battery.code ?? battery.specialty)
        CDAHeader.status(&writer, battery.status ?? "completed")
        writer.write(Self.organizerStart)
        if let id = battery.id { CDAHeader.identifier(&writer, system: id.system, value: id.value) }
        CDAHeader.coding(&writer, "code", battery.code)
        CDAHeader.status(&writer, battery.status ?? "completed")
        if let time = battery.effectiveTime { CDAHeader.time(&writer, "effectiveTime", time) }
        for observation in battery.observations { self.observation(&writer, observation) }
        writer.end()
        writer.end()
        writer.end()
        writer.end()
        writer.end()
        writer.end()
    }

    /// A result's `component`. The result is copied once, whole, rather than read through a
    /// pointer (`forEachInPlace`): through the pointer each optional field it read was copied, the
    /// writer being `inout` (the compiler cannot tell that writing leaves the pointee unchanged).
    private func observation(_ writer: inout XMLWriter, _ observation: borrowing Canonical.Observation) {
        writer.write(Self.observationStart)
        if let id = observation.id { CDAHeader.identifier(&writer, system: id.system, value: id.value) }
        CDAHeader.coding(&writer, "code", observation.code)
        CDAHeader.status(&writer, observation.status ?? "completed")
        if let time = observation.effectiveTime { CDAHeader.time(&writer, "effectiveTime", time) }
        if let value = observation.value { self.value(&writer, value) }
        if let interpretation = observation.interpretation, let code = interpretation.code {
            writer.start("interpretationCode")
            writer.attribute("code", code)
            writer.attribute("codeSystem", interpretation.system ?? Self.interpretationSystem)
            writer.end()
        }
        if let range = observation.referenceRange { referenceRange(&writer, range, unit: observation.value?.unit) }
        writer.end()
        writer.end()
    }

    private func value(_ writer: inout XMLWriter, _ value: Canonical.ObservationValue) {
        switch value {
        case .quantity(let number, let unit, let comparator):
            guard let unit = Self.ucum(unit) else { return text(&writer, value.display) }
            guard let comparator else {
                writer.write(Self.quantityStart)
                writer.attribute("value", number)
                writer.attribute("unit", unit)
                return writer.end()
            }
            writer.write(Self.intervalStart)
            if comparator.hasPrefix("<") { writer.start("high") } else { writer.start("low") }
            writer.attribute("value", number)
            writer.attribute("unit", unit)
            writer.attribute("inclusive", comparator.hasSuffix("=") ? "true" : "false")
            writer.end()
            writer.end()
        case .range(let low, let high, let unit):
            guard let unit = Self.ucum(unit) else { return text(&writer, value.display) }
            interval(&writer, low: low, high: high, unit: unit)
        case .coded(let coding):
            CDAHeader.coding(&writer, "value", coding, type: "CD")
        case .text:
            text(&writer, value.display)
        case .dateTime(let time):
            writer.start("value")
            writer.attribute("xsi:type", "TS")
            time.withHL7 { writer.attribute("value", utf8: $0) }
            writer.end()
        }
    }

    private func text(_ writer: inout XMLWriter, _ text: String) {
        writer.start("value")
        writer.attribute("xsi:type", "ST")
        writer.text(text)
        writer.end()
    }

    /// `<value xsi:type="IVL_PQ">` with its bounds.
    private func interval(_ writer: inout XMLWriter, low: String?, high: String?, unit: String) {
        writer.write(Self.intervalStart)
        if let low { quantity(&writer, "low", low, unit: unit) }
        if let high { quantity(&writer, "high", high, unit: unit) }
        writer.end()
    }

    private func quantity(_ writer: inout XMLWriter, _ name: StaticString, _ value: String, unit: String) {
        writer.start(name)
        writer.attribute("value", value)
        writer.attribute("unit", unit)
        writer.end()
    }

    private func referenceRange(_ writer: inout XMLWriter, _ range: Canonical.ReferenceRange, unit: String?) {
        writer.write(Self.referenceRangeStart)
        let ucum = Self.ucum(unit)
        if let text = range.text ?? (ucum == nil ? range.display : nil) {
            writer.element("text", text: text)
        } else {
            interval(&writer, low: range.low, high: range.high, unit: ucum ?? "1")
        }
        writer.end()
        writer.end()
    }

    /// The section text: one row per result, what a clinician reads.
    private func narrative(_ writer: inout XMLWriter, _ observations: [Canonical.Observation]) {
        writer.narrativeTable(Self.narrativeStart, rows: observations) { writer, observation in
            writer.cell(observation.pointee.code?.display ?? observation.pointee.code?.code ?? "")
            writer.cell(observation.pointee.value?.displayParts ?? ("", "", ""))
            writer.cell(observation.pointee.value?.unit ?? "")
            writer.cell(observation.pointee.referenceRange?.displayParts ?? ("", "", ""))
            writer.cell(observation.pointee.interpretation?.display ?? observation.pointee.interpretation?.code ?? "")
        }
    }

    /// A unit CDA's PQ can carry (no white space); none means dimensionless ("1").
    static func ucum(_ unit: String?) -> String? {
        guard let unit else { return "1" }
        return unit.isEmpty || containsWhitespace(unit) ? nil : unit
    }

    /// `unit.contains(where: \.isWhitespace)`, answered from the UTF-8 bytes when they are
    /// printable ASCII (units nearly always are) rather than from Unicode properties per Character.
    private static func containsWhitespace(_ unit: String) -> Bool {
        !unit.allUTF8 { $0 > 0x20 && $0 < 0x7F } && unit.contains(where: \.isWhitespace)
    }
}

extension Canonical.ObservationValue {
    /// The value as a person reads it, without its unit.
    public var display: String {
        let (first, second, third) = displayParts
        return first + second + third
    }

    /// `display` in up to three parts, so that the narrative table writes them without joining.
    var displayParts: (String, String, String) {
        switch self {
        case .quantity(let value, _, let comparator): (comparator ?? "", value, "")
        case .range(let low, let high, _): (low ?? "", "–", high ?? "")
        case .coded(let coding): (coding.display ?? coding.code ?? "", "", "")
        case .text(let text): (text, "", "")
        case .dateTime(let time): (time.description, "", "")
        }
    }

    public var unit: String? {
        switch self {
        case .quantity(_, let unit, _), .range(_, _, let unit): unit
        case .coded, .text, .dateTime: nil
        }
    }
}

extension Canonical.ReferenceRange {
    public var display: String {
        let (first, second, third) = displayParts
        return first + second + third
    }

    /// `display` in up to three parts, so that the narrative table writes them without joining.
    var displayParts: (String, String, String) {
        if let text { return (text, "", "") }
        switch (low, high) {
        case let (low?, high?): return (low, "–", high)
        case let (low?, nil): return ("≥ ", low, "")
        case let (nil, high?): return ("≤ ", high, "")
        case (nil, nil): return ("", "", "")
        }
    }
}
