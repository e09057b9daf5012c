import CDA
import Foundation
import Testing

@Suite struct CDAReaderTests {
    static func read(_ text: String) throws -> ClinicalDocument {
        try ClinicalDocument(XMLDocument(string: text))
    }

    @Test func readsTheLuxembourgHeader() throws {
        let cda = try Self.read(TestFiles.fixtureText("lu-lab-report.xml"))
        #expect(cda.id == InstanceIdentifier(root: "1.3.182.3.1.1.7.1", extension: "LAB-2024-000123"))
        #expect(cda.realmCodes == ["LU"])
        #expect(cda.templateIds.map(\.root) == ["1.3.182.11.1", "1.3.182.11.3", "1.3.6.1.4.1.19376.1.3.3"])
        #expect(cda.isLabReport)
        #expect(cda.code?.code == "11502-2")
        #expect(cda.code?.codeSystem == OID.loinc)
        #expect(cda.title == "Rapport de laboratoire")
        #expect(cda.effectiveTime == Timestamp("20240305143000+0100"))
        #expect(cda.effectiveTime?.iso8601 == "2024-03-05T14:30:00+01:00")
        #expect(cda.effectiveTime?.utcOffset == "+01:00")
        #expect(cda.confidentialityCode?.code == "N")
        #expect(cda.languageCode == "fr-LU")
        #expect(cda.versionNumber == "1")

        let patient = try #require(cda.patient)
        #expect(patient.ids.map(\.root) == ["1.3.182.3.1.1.7.3", OID.matricule, OID.dspPatient])
        #expect(patient.matricule == "7000010105084")
        #expect(patient.dspID == "DSP0004711")
        #expect(patient.names == [PersonName(given: ["Marie", "Anne"], family: ["Schmit"])])
        #expect(patient.birthTime?.iso8601 == "1970-01-01")
        #expect(patient.administrativeGenderCode?.code == "F")

        let author = try #require(cda.authors.first)
        #expect(cda.authors.count == 1)
        #expect(author.hpdID == "HPD-0042")
        #expect(author.name == PersonName(prefixes: ["Dr"], given: ["Luc"], family: ["Weber"]))
        #expect(author.organization?.name == "Laboratoire Exemple")
        #expect(author.time?.value == "20240305142500+0100")
        #expect(cda.custodian == Organization(ids: [InstanceIdentifier(root: "1.3.182.3.1.1.7", extension: "LAB01")],
                                              name: "Laboratoire Exemple"))
    }

    @Test func readsXDLabSectionsAndResults() throws {
        let cda = try Self.read(TestFiles.fixtureText("lu-lab-report.xml"))
        #expect(cda.sections.map { $0.code?.code } == ["18719-5", "18725-2"])
        #expect(cda.sections.map(\.title) == ["Chimie", "Microbiologie"])

        let chemistry = cda.sections[0].results
        #expect(chemistry.map { $0.code?.code } == ["2345-7", "2951-2"])
        let sodium = chemistry[1]
        #expect(sodium.ids == [InstanceIdentifier(root: "1.3.182.3.1.1.7.4", extension: "R2")])
        #expect(sodium.battery?.code == "24326-1")
        #expect(sodium.value == ObservationValue(type: "PQ", value: "149", unit: "mmol/L"))
        #expect(sodium.referenceRanges == [ReferenceRange(low: Quantity(value: "136", unit: "mmol/L"),
                                                          high: Quantity(value: "145", unit: "mmol/L"))])
        #expect(sodium.interpretations.map(\.code) == ["H"])
        #expect(sodium.status == "completed")
        #expect(sodium.effectiveTime?.iso8601 == "2024-03-05T08:15:00+01:00")

        let culture = try #require(cda.sections[1].results.first)
        #expect(cda.sections[1].results.count == 1)
        #expect(culture.battery == nil)
        #expect(culture.value == ObservationValue(type: "ST", text: "Pas de croissance"))
        #expect(culture.effectiveTime?.value == "20240304")
    }

    @Test func resultsAreReadOnlyForXDLabReports() throws {
        let text = try TestFiles.fixtureText("lu-lab-report.xml")
            .replacingOccurrences(of: #"<templateId root="1.3.6.1.4.1.19376.1.3.3"/>"#, with: "")
        let cda = try Self.read(text)
        #expect(!cda.isLabReport)
        #expect(cda.sections.count == 2)
        #expect(cda.sections.allSatisfy { $0.results.isEmpty })
    }

    @Test func codedValuesKeepTranslationsAndOriginalText() throws {
        let cda = try Self.read("""
            <ClinicalDocument xmlns="urn:hl7-org:v3"><code code="x" codeSystem="1.2"><originalText>Bilan</originalText>\
            <translation code="DT-00002" codeSystem="1.3.182.5.9"/></code></ClinicalDocument>
            """)
        #expect(cda.code?.originalText == "Bilan")
        #expect(cda.code?.translations == [CodedValue(code: "DT-00002", codeSystem: "1.3.182.5.9")])
        #expect(cda.patient == nil)
        #expect(cda.sections.isEmpty)
    }

    @Test(arguments: [
        ("20240305", "2024-03-05", nil),
        ("202403051430", "2024-03-05T14:30", nil),
        ("20240305143000.123-0500", "2024-03-05T14:30:00.123-05:00", "-05:00"),
        ("20240305+0100", "2024-03-05", "+01:00"),
        ("not a time", nil, nil),
    ] as [(String, String?, String?)])
    func timestamps(value: String, iso8601: String?, offset: String?) {
        let time = Timestamp(value)
        #expect(time.value == value)
        #expect(time.iso8601 == iso8601)
        #expect(time.utcOffset == offset)
    }

    @Test func nonCDARootIsRefused() throws {
        let error = #expect(throws: CDAReadError.self) { try Self.read(#"<Bundle xmlns="http://hl7.org/fhir"/>"#) }
        #expect(error?.message == "not a CDA document: not a ClinicalDocument in urn:hl7-org:v3: root is <{http://hl7.org/fhir}Bundle>")
    }

    @Test func clinicalDocumentWithoutTheHL7NamespaceIsRefused() {
        let error = #expect(throws: CDAReadError.self) { try Self.read("<ClinicalDocument/>") }
        #expect(error?.message == "not a CDA document: not a ClinicalDocument in urn:hl7-org:v3: root is <ClinicalDocument>")
    }

    @Test func modelRoundTripsThroughJSON() throws {
        let cda = try Self.read(TestFiles.fixtureText("lu-lab-report.xml"))
        let json = try JSONEncoder().encode(cda)
        #expect(try JSONDecoder().decode(ClinicalDocument.self, from: json) == cda)
    }
}
