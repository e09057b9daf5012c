import Benchmark
import CDA
import Foundation

// Issue 4's CDA workloads. Benchmarks/compare-cda-lxml runs the same ones through lxml on the same
// inputs (the files under Fixtures/ and the test fixture below), and prints both side by side.

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
private let repository = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func contents(_ url: URL) -> [UInt8] { Array(try! Data(contentsOf: url)) }

private let labReport = contents(repository.appendingPathComponent("Tests/CDATests/Fixtures/lu-lab-report.xml"))
private let labReport20K = contents(fixtures.appendingPathComponent("lu-lab-report-20k.xml"))

/// Compiled once, as an integrator's mapping would.
private let reads: [XPathExpression] = try! String(contentsOf: fixtures.appendingPathComponent("xpath-reads.txt"), encoding: .utf8)
    .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { try XPathExpression(String($0)) }

/// The HL7 CDA R2 schema set from the shared corpus (the project does not ship HL7's files), loaded once.
private let schema: XMLSchema = {
    let corpus = ProcessInfo.processInfo.environment["PASSERELLE_SHARED_CORPUS"]
        ?? repository.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    return try! XMLSchema(path: corpus + "/hl7-cda-core-2.0/schema/normative/infrastructure/cda/CDA.xsd")
}()

private struct ResultRow {
    var code, display, value, unit, low, high, interpretation: String
}

private let resultRows: [ResultRow] = try! String(contentsOf: fixtures.appendingPathComponent("lab-results.tsv"), encoding: .utf8)
    .split(separator: "\n").dropFirst().map { line in
        let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return ResultRow(code: cells[0], display: cells[1], value: cells[2], unit: cells[3], low: cells[4], high: cells[5],
                         interpretation: cells[6])
    }

/// The calls XDLabRenderer (Sources/Mapping/Render) makes for a report with one chemistry battery
/// holding every row: the national header, the item section with its narrative table, then the
/// data-processing entry. compare-cda-lxml builds the same elements and attributes with lxml.
private func renderLabReport(_ rows: [ResultRow]) throws -> [UInt8] {
    let loinc = "2.16.840.1.113883.6.1"
    // The renderer writes repeated elements with start/attribute/end (no attribute literal to
    // build and destroy) and literal names.
    func coding(_ writer: inout XMLWriter, _ name: StaticString, _ code: String, _ display: String) {
        writer.start(name)
        writer.attribute("code", code)
        writer.attribute("codeSystem", loinc)
        writer.attribute("codeSystemName", "LOINC")
        writer.attribute("displayName", display)
        writer.end()
    }
    func element(_ writer: inout XMLWriter, _ name: StaticString, _ attribute: StaticString, _ value: String) {
        writer.start(name)
        writer.attribute(attribute, value)
        writer.end()
    }
    func quantity(_ writer: inout XMLWriter, _ name: StaticString, _ value: String, _ unit: String) {
        writer.start(name)
        writer.attribute("value", value)
        writer.attribute("unit", unit)
        writer.end()
    }
    func name(_ writer: inout XMLWriter, _ given: String, _ family: String) {
        writer.start("name")
        writer.element("given", text: given)
        writer.element("family", text: family)
        writer.end()
    }
    func organisation(_ writer: inout XMLWriter, _ element: StaticString) {
        writer.start(element)
        writer.element("id", ["root": "1.3.182.3.1.1.7", "extension": "LAB-KETTERTHILL"])
        writer.element("name", text: "Laboratoire Ketterthill")
        writer.end()
    }
    var writer = XMLWriter(capacity: 4096 + 4096)
    writer.start("ClinicalDocument", namespaces: ["": XPathNamespaces.hl7, "xsi": XPathNamespaces.xsi])
    writer.element("realmCode", ["code": "LU"])
    writer.element("typeId", ["root": "2.16.840.1.113883.1.3", "extension": "POCD_HD000040"])
    for template in ["1.3.182.11.1", "1.3.182.11.3", "1.3.6.1.4.1.19376.1.3.3"] { element(&writer, "templateId", "root", template) }
    writer.element("id", ["root": "1.3.182.3.1.1.7.1.20240305.123"])
    coding(&writer, "code", "11502-2", "Laboratory report")
    writer.element("title", text: "Rapport de laboratoire")
    element(&writer, "effectiveTime", "value", "20240305143000+0100")
    writer.element("confidentialityCode", ["code": "N", "codeSystem": "2.16.840.1.113883.5.25"])
    writer.element("languageCode", ["code": "fr-LU"])
    writer.element("setId", ["root": "1.3.182.3.1.1.7.2.20240305.123"])
    writer.element("versionNumber", ["value": "1"])
    writer.start("recordTarget")
    writer.start("patientRole")
    writer.element("id", ["root": "1.3.182.3.1.1.7.3", "extension": "P-884211"])
    writer.element("id", ["root": "1.3.182.4.4", "extension": "7000010105084"])
    writer.element("id", ["root": "1.3.182.2.4.2", "extension": "DSP0004711"])
    writer.start("addr")
    writer.element("streetAddressLine", text: "12, rue de l'Église")
    writer.element("postalCode", text: "L-1234")
    writer.element("city", text: "Luxembourg")
    writer.element("country", text: "LU")
    writer.end()
    writer.start("patient")
    name(&writer, "Marie", "Schmit")
    writer.element("administrativeGenderCode", ["code": "F", "codeSystem": "2.16.840.1.113883.5.1"])
    writer.element("birthTime", ["value": "19700101"])
    writer.end()
    writer.end()
    writer.end()
    writer.start("author")
    writer.element("time", ["value": "20240305143000+0100"])
    writer.start("assignedAuthor")
    writer.element("id", ["root": "1.3.182.4.1", "extension": "HPD-0042"])
    writer.start("assignedPerson")
    name(&writer, "Luc", "Weber")
    writer.end()
    organisation(&writer, "representedOrganization")
    writer.end()
    writer.end()
    writer.start("custodian")
    writer.start("assignedCustodian")
    organisation(&writer, "representedCustodianOrganization")
    writer.end()
    writer.end()
    writer.start("component")
    writer.start("structuredBody")
    writer.start("component")
    writer.start("section")
    element(&writer, "templateId", "root", "1.3.6.1.4.1.19376.1.3.3.2.1")
    coding(&writer, "code", "18719-5", "Chemistry studies")
    writer.element("title", text: "Chemistry studies")
    writer.start("component")
    writer.start("section")
    element(&writer, "templateId", "root", "1.3.6.1.4.1.19376.1.3.3.2.2")
    coding(&writer, "code", "24323-8", "Comprehensive metabolic panel")
    writer.element("title", text: "Comprehensive metabolic panel")
    writer.start("text")
    writer.start("table")
    writer.start("thead")
    writer.start("tr")
    for heading in ["Analyse", "Résultat", "Unité", "Valeurs de référence", "Interprétation"] { writer.element("th", text: heading) }
    writer.end()
    writer.end()
    writer.start("tbody")
    for row in rows {
        writer.start("tr")
        writer.element("td", text: row.display)
        writer.element("td", text: row.value)
        writer.element("td", text: row.unit)
        writer.start("td")
        writer.text(row.low)
        writer.text("–")
        writer.text(row.high)
        writer.end()
        writer.element("td", text: row.interpretation)
        writer.end()
    }
    writer.end()
    writer.end()
    writer.end()
    writer.start("entry")
    writer.attribute("typeCode", "DRIV")
    element(&writer, "templateId", "root", "1.3.6.1.4.1.19376.1.3.1")
    writer.start("act")
    writer.attribute("classCode", "ACT")
    writer.attribute("moodCode", "EVN")
    coding(&writer, "code", "24323-8", "Comprehensive metabolic panel")
    element(&writer, "statusCode", "code", "completed")
    writer.start("entryRelationship")
    writer.attribute("typeCode", "COMP")
    writer.start("organizer")
    writer.attribute("classCode", "BATTERY")
    writer.attribute("moodCode", "EVN")
    element(&writer, "templateId", "root", "1.3.6.1.4.1.19376.1.3.1.4")
    writer.element("id", ["root": "1.3.182.3.1.1.7.4", "extension": "ORD-2024-000123"])
    coding(&writer, "code", "24323-8", "Comprehensive metabolic panel")
    element(&writer, "statusCode", "code", "completed")
    element(&writer, "effectiveTime", "value", "20240305081500+0100")
    for row in rows {
        writer.start("component")
        writer.start("observation")
        writer.attribute("classCode", "OBS")
        writer.attribute("moodCode", "EVN")
        element(&writer, "templateId", "root", "1.3.6.1.4.1.19376.1.3.1.6")
        coding(&writer, "code", row.code, row.display)
        element(&writer, "statusCode", "code", "completed")
        element(&writer, "effectiveTime", "value", "20240305081500+0100")
        writer.start("value")
        writer.attribute("xsi:type", "PQ")
        writer.attribute("value", row.value)
        writer.attribute("unit", row.unit)
        writer.end()
        writer.start("interpretationCode")
        writer.attribute("code", row.interpretation)
        writer.attribute("codeSystem", "2.16.840.1.113883.5.83")
        writer.end()
        writer.start("referenceRange")
        writer.start("observationRange")
        writer.start("value")
        writer.attribute("xsi:type", "IVL_PQ")
        quantity(&writer, "low", row.low, row.unit)
        quantity(&writer, "high", row.high, row.unit)
        for _ in 0..<5 { writer.end() }  // value, observationRange, referenceRange, observation, component
    }
    for _ in 0..<11 { writer.end() }  // organizer … ClinicalDocument
    return try writer.finish()
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        // CPU time is what compare-cda-lxml reads: on a shared machine it leaves out the time spent
        // waiting for the core, which wall-clock time does not.
        metrics: [.throughput, .wallClock, .cpuTotal, .mallocCountTotal],
        scalingFactor: .kilo, maxDuration: .seconds(5), maxIterations: 1_000)
    // Parsing and validating are libxml2's allocations, thousands per document: counting each one
    // (an atomic add in the interposer) would be charged to Passerelle and not to lxml.
    let libxml2Bound = Benchmark.Configuration(metrics: [.throughput, .wallClock, .cpuTotal])

    for (name, bytes) in [("lu-lab-report.xml", labReport), ("lu-lab-report-20k.xml", labReport20K)] {
        // Every read must hit, or the benchmark would time lookups that find nothing.
        let sample = try! XMLDocument(bytes: bytes)
        for read in reads {
            let value = try! sample.string(read)
            precondition(!value.isEmpty && value != "0", "\(read) reads nothing in \(name)")
        }
        Benchmark("parse + 20 XPath reads, \(name) (\(bytes.count / 1000) KB)", configuration: libxml2Bound) { benchmark in
            for _ in benchmark.scaledIterations {
                let document = try XMLDocument(bytes: bytes)
                for read in reads { blackHole(try document.string(read)) }
            }
        }
    }

    Benchmark("XSD validation, lu-lab-report-20k.xml (\(labReport20K.count / 1000) KB) against CDA.xsd",
              configuration: libxml2Bound) { benchmark in
        // Loading the schema set and parsing are not part of the measure, as with lxml's XMLSchema.validate.
        let document = try XMLDocument(bytes: labReport20K)
        precondition(schema.validate(document).isEmpty, "lu-lab-report-20k.xml is not valid against \(schema.path)")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(schema.validate(document))
        }
    }

    let rendered = try! XMLDocument(bytes: try! renderLabReport(resultRows))
    precondition(schema.validate(rendered).isEmpty, "the rendered report is not valid against \(schema.path)")
    Benchmark("XMLWriter render, XD-LAB report with \(resultRows.count) results") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try renderLabReport(resultRows))
        }
    }
}
