import CDA
import Findings
import Foundation
import HL7v2
import Mapping
import Testing

/// The shipped ORU^R01 → XD-LAB mapping on its fixture and on the corpus's ORUs: the canonical
/// model, the CDA R2 schema, the Luxembourg header rules, and the CDA module's reader.
@Suite struct OruToXDLabTests {
    static let plan = try! MappingPlan.load(contentsOf: TestFiles.oruMapping)

    func report(_ message: HL7Message) throws -> Canonical.LabReport {
        guard case .labReport(let report) = try Self.plan.map(message).value else { throw RenderError("not a lab report") }
        return report
    }

    func validate(_ bytes: [UInt8], schema: XMLSchema) throws -> [Finding] {
        let document = try XMLDocument(bytes: bytes)
        return schema.validate(document) + LuxembourgHeaderRules().check(document)
    }

    @Test func fixtureMapsToTheExpectedCanonicalReport() throws {
        let report = try report(TestFiles.message(TestFiles.oruFixture))
        #expect(report.patient.localIDs == [.init(system: "1.3.182.3.1.1.7.3", value: "P-884211")])
        #expect(report.patient.matricule == "7000010105084")
        #expect(report.patient.dspID == "DSP0004711")
        #expect(report.patient.birthDate?.hl7 == "19700101")
        #expect(report.author?.hpdID == "HPD-0042")
        #expect(report.effectiveTime?.hl7 == "20240305143000+0100")
        #expect(report.batteries.map { $0.specialty?.code } == ["18719-5", "18723-7", "18725-2"])
        // OBX-11 D (deleted) is left out; SN "<^0.5" is a bound; CWE is coded; TX repetitions are lines.
        #expect(report.batteries.map(\.observations.count) == [3, 2, 1])
        #expect(report.batteries[0].observations[2].value == .quantity(value: "0.5", unit: "g/dL", comparator: "<"))
        #expect(report.batteries[0].observations[0].effectiveTime?.hl7 == "20240305081500+0100")
        #expect(report.batteries[1].observations[1].value == .coded(.init(code: "278149003", system: "2.16.840.1.113883.6.96",
                                                                           systemName: "SCT", display: "Groupe A Rh positif")))
        #expect(report.batteries[2].observations[0].value == .text("Pas de croissance\naprès 48 h"))
        #expect(report.batteries[2].status == "active")
    }

    @Test func fixtureJSONMatchesTheExpectedFile() throws {
        let result = try Self.plan.map(TestFiles.message(TestFiles.oruFixture))
        let expected = try Data(contentsOf: TestFiles.mappings.appendingPathComponent("fixtures/oru-r01-lab.expected.json"))
        #expect(String(decoding: try result.value.json(), as: UTF8.self) + "\n" == String(decoding: expected, as: UTF8.self))
        #expect(try JSONDecoder().decode(CanonicalValue.self, from: expected) == result.value)
    }

    @Test func xdLabOutputValidatesAgainstTheCDASchemaAndTheLuxembourgRules() throws {
        let schema = try XMLSchema(path: TestFiles.cdaSchemaPath())
        let bytes = try Self.plan.map(TestFiles.message(TestFiles.oruFixture)).value.rendered(as: .cda)
        #expect(try validate(bytes, schema: schema) == [])

        // The CDA module reads back what was written: ids in order, specialty sections, results.
        let xml = try XMLDocument(bytes: bytes)
        let document = try ClinicalDocument(xml)
        #expect(document.isLabReport && document.hasTemplate(OID.luHeader) && document.hasTemplate(OID.luLabReport))
        #expect(document.patient?.ids.map(\.root) == ["1.3.182.3.1.1.7.3", OID.matricule, OID.dspPatient])
        #expect(document.authors.first?.hpdID == "HPD-0042")
        #expect(document.sections.map { $0.code?.code } == ["18719-5", "18723-7", "18725-2"])
        #expect(document.sections.map(\.results.count) == [3, 2, 1])
        #expect(document.sections[0].results[0].value?.value == "5.4")
        #expect(document.sections[0].results[1].interpretations.first?.code == "H")
        // The section text is generated from the entries.
        let text = try xml.strings(XPathExpression("//hl7:section/hl7:component/hl7:section/hl7:text//hl7:td"))
        #expect(text.contains("Glucose [Moles/volume] in Serum or Plasma") && text.contains("136–145"))
    }

    @Test func aReplayGivesTheSameBytes() throws {
        let message = try TestFiles.message(TestFiles.oruFixture)
        let first = try Self.plan.map(message).value.rendered(as: .cda)
        #expect(try Self.plan.map(message).value.rendered(as: .cda) == first)
        let reloaded = try MappingPlan.load(contentsOf: TestFiles.oruMapping)
        #expect(try reloaded.map(message).value.rendered(as: .cda) == first)
    }

    @Test func aBrokenHeaderRuleIsCaught() throws {
        // The check has teeth: a patient whose ids come in the wrong order is reported.
        var report = try report(TestFiles.message(TestFiles.oruFixture))
        report.patient.matricule = "12345"
        let bytes = try XDLabRenderer().render(report)
        let findings = try validate(bytes, schema: XMLSchema(path: TestFiles.cdaSchemaPath()))
        #expect(findings.map(\.rule) == ["lu-header.matricule"])
        report.batteries = []
        #expect(throws: RenderError.self) { try XDLabRenderer().render(report) }
    }

    /// Every ORU^R01 of the shared corpus maps, and its XD-LAB document is schema-valid.
    @Test func corpusORUsMapToSchemaValidDocuments() throws {
        let corpus = try TestFiles.corpus()
        let schema = try XMLSchema(path: TestFiles.cdaSchemaPath())
        let files = FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { ["hl7", "txt", "er7"].contains($0.pathExtension) && !$0.path.contains("__template") }
        var mapped = 0, unmappable = 0
        for file in files {
            guard let messages = try? HL7Stream.messages(in: Array(Data(contentsOf: file))) else { continue }
            for message in messages where message.messageType.hasPrefix("ORU^R01") {
                let result: MappingResult
                do { result = try Self.plan.map(message) } catch {
                    // Only a missing message time or result code may stop the shipped mapping.
                    #expect(error.rule.hasSuffix("effective_time") || error.rule.hasSuffix("code.code") || error.rule.hasSuffix("ids.value"),
                            "\(file.lastPathComponent): \(error)")
                    unmappable += 1
                    continue
                }
                guard case .labReport(let report) = result.value, !report.batteries.isEmpty else { continue }
                let bytes: [UInt8]
                do { bytes = try result.value.rendered(as: .cda) } catch {
                    #expect(error.description == "the patient has no identifier", "\(file.lastPathComponent)")
                    unmappable += 1
                    continue
                }
                let errors = try validate(bytes, schema: schema).filter { $0.severity == .error }
                #expect(errors == [], "\(file.lastPathComponent)")
                mapped += 1
            }
        }
        print("corpus: \(mapped) ORU^R01 messages mapped to schema-valid XD-LAB, \(unmappable) refused (no message time, result code, laboratory or patient id), from \(files.count) files")
        #expect(mapped >= 2)
    }
}
