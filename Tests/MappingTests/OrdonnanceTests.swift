import CDA
import Foundation
import HL7v2
import Mapping
import Testing

/// The shipped OMP^O09 and RDE^O11 mappings on their fixtures: the canonical ordonnance, its FHIR
/// Bundle and its CDA ePrescription, byte for byte against the expected files, then their shape.
@Suite struct OrdonnanceTests {
    struct Fixture: CustomTestStringConvertible, Sendable {
        let name: String
        var testDescription: String { name }
        var mapping: URL { TestFiles.mappings.appendingPathComponent("\(name)-to-ordonnance.yaml") }
        func file(_ suffix: String) -> URL { TestFiles.mappings.appendingPathComponent("fixtures/\(name)-ordonnance\(suffix)") }
    }

    static let fixtures = [Fixture(name: "omp-o09"), Fixture(name: "rde-o11")]

    func ordonnance(_ fixture: Fixture) throws -> (CanonicalValue, Canonical.Ordonnance) {
        let value = try MappingPlan.load(contentsOf: fixture.mapping).map(TestFiles.message(fixture.file(".hl7"))).value
        guard case .ordonnance(let ordonnance) = value else { throw RenderError("not an ordonnance") }
        return (value, ordonnance)
    }

    @Test(arguments: fixtures) func outputsMatchTheExpectedFiles(_ fixture: Fixture) throws {
        let (value, _) = try ordonnance(fixture)
        for (format, suffix) in [(OutputFormat.json, ".expected.json"), (.fhir, ".expected.fhir.json"), (.cda, ".expected.cda.xml")] {
            let expected = try String(contentsOf: fixture.file(suffix), encoding: .utf8)
            #expect(String(decoding: try value.rendered(as: format), as: UTF8.self) + "\n" == expected, "\(format)")
        }
        #expect(try JSONDecoder().decode(CanonicalValue.self, from: Data(contentsOf: fixture.file(".expected.json"))) == value)
    }

    @Test(arguments: fixtures) func linesHaveStableDistinctUUIDsAndTheirOwnGroupSegments(_ fixture: Fixture) throws {
        let (_, ordonnance) = try ordonnance(fixture)
        let ids = ordonnance.lines.compactMap(\.id)
        #expect(ids.count == ordonnance.lines.count && Set(ids).count == ids.count)
        #expect(ids.allSatisfy { UUID(uuidString: $0) != nil })
        #expect(try self.ordonnance(fixture).1.lines.map(\.id) == ordonnance.lines.map(\.id), "a replay gives the same ids")
        #expect(ordonnance.patient.matricule != nil && ordonnance.prescriber?.hpdID != nil)
        #expect(ordonnance.lines.allSatisfy { $0.product?.system == FHIRPrescriptionRenderer.medicationSystem && $0.status == "active" })
    }

    @Test func ompLinesReadOnlyTheirOwnTQ1AndRXR() throws {
        let (_, ordonnance) = try ordonnance(Self.fixtures[0])
        #expect(ordonnance.id == .init(system: "1.3.182.3.1.1.9.4", value: "ORDO-2026-000417"))
        #expect(ordonnance.lines.map(\.product?.code) == ["0123456", "0234567", "0345678"])
        #expect(ordonnance.lines.map(\.timing) == ["BID", "Q8H", nil])
        #expect(ordonnance.lines.map(\.route?.code) == ["PO", "PO", nil])
        #expect(ordonnance.lines.map(\.substitutionAllowed) == [true, false, true])
        #expect(ordonnance.lines.map(\.repeats) == [0, 0, 2])
        #expect(ordonnance.lines[0].start?.hl7 == "20261127" && ordonnance.lines[0].end?.hl7 == "20261202")
        #expect(ordonnance.prescriber?.cnsCode == "901234-56")
    }

    @Test(arguments: fixtures) func fhirBundleIsWhatTheEPrescriptionServerTakes(_ fixture: Fixture) throws {
        let (value, ordonnance) = try ordonnance(fixture)
        let bundle = try #require(JSONSerialization.jsonObject(with: Data(value.rendered(as: .fhir))) as? [String: Any])
        #expect(bundle["resourceType"] as? String == "Bundle" && bundle["type"] as? String == "transaction")
        let entries = try #require(bundle["entry"] as? [[String: Any]])
        #expect(entries.count == ordonnance.lines.count)
        for (entry, line) in zip(entries, ordonnance.lines) {
            let urn = "urn:uuid:" + (line.id ?? "").lowercased()
            let request = try #require(entry["request"] as? [String: String])
            #expect(request["method"] == "POST" && request["url"] == "MedicationRequest")
            #expect(request["ifNoneExist"] == "identifier=urn:ietf:rfc:3986|\(urn)")
            let resource = try #require(entry["resource"] as? [String: Any])
            #expect(resource["intent"] as? String == "order" && resource["status"] as? String == "active")
            #expect((resource["identifier"] as? [[String: String]])?.first?["value"] == urn)
            #expect((resource["groupIdentifier"] as? [String: String])?["value"] == ordonnance.id?.value)
            #expect(((resource["subject"] as? [String: Any])?["identifier"] as? [String: String])
                == ["system": "urn:oid:1.3.182.4.4", "value": ordonnance.patient.matricule!])
            #expect(((resource["requester"] as? [String: Any])?["identifier"] as? [String: String])
                == ["system": "urn:oid:1.3.182.4.1", "value": ordonnance.prescriber!.hpdID!])
            let coding = ((resource["medicationCodeableConcept"] as? [String: Any])?["coding"] as? [[String: Any]])?.first
            #expect(coding?["system"] as? String == "urn:oid:1.3.182.5.47" && coding?["code"] as? String == line.product?.code)
            let dispense = try #require(resource["dispenseRequest"] as? [String: Any])
            #expect(dispense["numberOfRepeatsAllowed"] as? Int == line.repeats)
            #expect((resource["substitution"] as? [String: Bool])?["allowedBoolean"] == line.substitutionAllowed)
        }
    }

    @Test(.enabled(if: TestFiles.hasCorpus, "the shared corpus with the CDA R2 schema is absent"), arguments: fixtures)
    func cdaValidatesAndCarriesOneSubstanceAdministrationPerLine(_ fixture: Fixture) throws {
        let (value, ordonnance) = try ordonnance(fixture)
        let document = try XMLDocument(bytes: value.rendered(as: .cda))
        let schema = try XMLSchema(path: TestFiles.cdaSchemaPath())
        #expect(schema.validate(document) + LuxembourgHeaderRules().check(document) == [])
        #expect(try document.strings(XPathExpression("/hl7:ClinicalDocument/hl7:templateId/@root")) == [OID.luHeader, "1.3.182.11.5.1"])
        let lines = "//hl7:substanceAdministration[@moodCode='INT'][hl7:templateId/@root='1.3.182.11.5.2.3.1']"
        #expect(try document.strings(XPathExpression(lines + "/hl7:id/@root")) == ordonnance.lines.compactMap(\.id))
        #expect(try document.strings(XPathExpression(lines + "//hl7:manufacturedMaterial/hl7:code[@codeSystem='1.3.182.5.47']/@code"))
            == ordonnance.lines.compactMap(\.product?.code))
    }

    @Test func renderersRefuseWhatThePlatformWouldRefuse() throws {
        var (_, ordonnance) = try ordonnance(Self.fixtures[0])
        var noMatricule = ordonnance
        noMatricule.patient.matricule = nil
        #expect(throws: RenderError("the patient has no matricule")) { try FHIRPrescriptionRenderer().render(noMatricule) }
        ordonnance.lines[1].id = nil
        #expect(throws: RenderError("line 2 has no UUID")) { try FHIRPrescriptionRenderer().render(ordonnance) }
        #expect(throws: RenderError("line 2 has no UUID")) { try EPrescriptionRenderer().render(ordonnance) }
        ordonnance.lines = []
        #expect(throws: RenderError("the ordonnance has no line")) { try FHIRPrescriptionRenderer().render(ordonnance) }
    }

    @Test func aMissingPrescriberHPDIDStopsTheMappingWithoutValues() throws {
        let text = try String(contentsOf: Self.fixtures[0].file(".hl7"), encoding: .utf8).replacingOccurrences(of: "1.3.182.4.1&", with: "9.9&")
        let plan = try MappingPlan.load(contentsOf: Self.fixtures[0].mapping)
        #expect(throws: MappingRunError(mapping: "omp-o09-to-ordonnance", rule: "map.prescriber.hpd_id", path: "ORC-12.1",
                                        message: "a required value is missing")) {
            try plan.map(HL7Message(Array(text.utf8)))
        }
    }
}
