import CDA
import Foundation
import HL7v2
import Mapping
import Testing

/// The shipped MDM^T02 / text ORU mapping on an emergency summary, an imaging report and a
/// pathology report sent as PDF: the canonical document and its CDA level 1, byte for byte
/// against the expected files, valid against CDA R2 and the Luxembourg header rules.
@Suite struct ClinicalDocumentTests {
    static let mapping = TestFiles.mappings.appendingPathComponent("mdm-t02-to-clinical-document.yaml")
    static let plan = try! MappingPlan.load(contentsOf: mapping)
    static let fixtures = ["mdm-t02-emergency-summary", "oru-r01-imaging-report", "mdm-t02-pathology-report"]

    static func file(_ name: String, _ suffix: String) -> URL { TestFiles.mappings.appendingPathComponent("fixtures/\(name)\(suffix)") }

    func document(_ name: String) throws -> (CanonicalValue, Canonical.ClinicalDocument) {
        let value = try Self.plan.map(TestFiles.message(Self.file(name, ".hl7"))).value
        guard case .document(let document) = value else { throw RenderError("not a clinical document") }
        return (value, document)
    }

    @Test(arguments: fixtures) func outputsMatchTheExpectedFiles(_ name: String) throws {
        let (value, _) = try document(name)
        #expect(String(decoding: try value.json(), as: UTF8.self) + "\n"
            == (try String(contentsOf: Self.file(name, ".expected.json"), encoding: .utf8)))
        #expect(String(decoding: try value.rendered(as: .cda), as: UTF8.self) + "\n"
            == (try String(contentsOf: Self.file(name, ".expected.cda.xml"), encoding: .utf8)))
        #expect(try JSONDecoder().decode(CanonicalValue.self, from: Data(contentsOf: Self.file(name, ".expected.json"))) == value)
    }

    @Test(.enabled(if: TestFiles.hasCorpus, "the shared corpus with the CDA R2 schema is absent"), arguments: fixtures)
    func cdaValidatesAgainstTheSchemaAndTheLuxembourgRules(_ name: String) throws {
        let (value, document) = try document(name)
        let xml = try XMLDocument(bytes: value.rendered(as: .cda))
        #expect(try XMLSchema(path: TestFiles.cdaSchemaPath()).validate(xml) + LuxembourgHeaderRules().check(xml) == [])
        let read = try ClinicalDocument(xml)
        #expect(read.hasTemplate(OID.luHeader) && read.patient?.matricule == document.patient.matricule)
        #expect(read.authors.first?.hpdID == document.author?.hpdID)
        #expect(try xml.strings(XPathExpression("/hl7:ClinicalDocument/hl7:code/hl7:translation[@codeSystem='1.3.182.5.9']/@code"))
            == [document.typeCode ?? ""])
    }

    @Test func emergencySummaryIsTextFromTheTXAAndItsOBX() throws {
        let (_, document) = try document(Self.fixtures[0])
        #expect(document.typeCode == "DT-00005" && document.code?.code == "59258-4")
        #expect(document.title == "Résumé de passage aux urgences")
        #expect(document.author?.hpdID == "HPD-0043" && document.custodian?.ids == [.init(system: "1.3.182.3.1.1.2", value: "CHL")])
        #expect(document.effectiveTime?.hl7 == "20261127031200+0100")
        #expect(document.text?.split(separator: "\n").count == 3 && document.pdfBase64 == nil)
    }

    @Test func imagingReportComesFromAnORUWithFormattedText() throws {
        let (value, document) = try document(Self.fixtures[1])
        #expect(document.typeCode == "DT-00003" && document.code?.code == "18748-4")
        #expect(document.title == "Compte rendu d'imagerie — Radiographie du thorax, 2 incidences")
        #expect(document.author?.hpdID == "HPD-0042")
        #expect(document.text?.hasPrefix("Indication : toux persistante.\nTechnique : thorax face et profil.\nPas de foyer") == true)
        let xml = try XMLDocument(bytes: value.rendered(as: .cda))
        #expect(try xml.strings(XPathExpression("//hl7:nonXMLBody/hl7:text/@mediaType")) == ["text/plain"])
    }

    @Test func pathologyReportCarriesThePDFSplitOverTwoOBX() throws {
        let (value, document) = try document(Self.fixtures[2])
        #expect(document.typeCode == "DT-00007" && document.code?.code == "11526-1")
        let pdf = try #require(document.pdfBase64.flatMap { Data(base64Encoded: $0) })
        #expect(pdf.starts(with: Array("%PDF-1.4".utf8)) && pdf.suffix(6) == Data("%%EOF\n".utf8))
        let xml = try XMLDocument(bytes: value.rendered(as: .cda))
        #expect(try xml.strings(XPathExpression("//hl7:nonXMLBody/hl7:text[@representation='B64']/@mediaType")) == ["application/pdf"])
        #expect(try xml.strings(XPathExpression("//hl7:nonXMLBody/hl7:text")).first.flatMap { Data(base64Encoded: $0) } == pdf)
    }

    @Test func theRendererRefusesWhatItCannotDeliver() throws {
        var (_, document) = try document(Self.fixtures[2])
        document.pdfBase64 = "bm90IGEgUERG"  // "not a PDF"
        #expect(throws: RenderError("the attachment is not a base64 PDF")) { try ClinicalDocumentRenderer().render(document) }
        document.pdfBase64 = nil
        #expect(throws: RenderError("the document has neither text nor PDF")) { try ClinicalDocumentRenderer().render(document) }
        document.typeCode = "00005"
        #expect(throws: RenderError("the document type is not DT-nnnnn")) { try ClinicalDocumentRenderer().render(document) }
    }
}
