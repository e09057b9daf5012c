import CDA
import Foundation
@testable import Sinks
import Testing

/// The XDS sink's metadata and envelope, without a server.
@Suite struct XDSMetadataTests {
    static let settings = XDSSourceSettings(
        sourceId: "1.3.182.3.1.1.7.99", healthcareFacilityTypeCode: XDSCode(code: "LAB", scheme: "1.3.182.5.30"),
        practiceSettingCode: XDSCode(code: "BIO", scheme: "1.3.182.5.31"))

    /// The CDA module's Luxembourg lab report fixture.
    static func labReport() throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CDATests/Fixtures/lu-lab-report.xml")
        return Array(try Data(contentsOf: url))
    }

    static func payload(key: String = "LAB-2024-000123", metadata: [String: String] = ["typeCode": "DT-00002"]) throws -> SinkPayload {
        SinkPayload(body: try labReport(), contentType: "application/hl7-v3+xml", idempotencyKey: key, metadata: metadata)
    }

    @Test func theCDAHeaderFillsWhatTheMetadataLeavesOut() throws {
        let metadata = try XDSDocumentMetadata(payload: Self.payload(), settings: Self.settings)
        #expect(metadata.patientId == "7000010105084^^^&1.3.182.4.4&ISO")
        #expect(metadata.sourcePatientId == "P-884211^^^&1.3.182.3.1.1.7.3&ISO")
        #expect(metadata.classCode == XDSCode(code: "11502-2", scheme: OID.loinc, displayName: "Laboratory report"))
        #expect(metadata.typeCode == XDSCode(code: "DT-00002", scheme: "1.3.182.5.9"))
        #expect(metadata.formatCode == XDSDocumentMetadata.xdLabFormat)
        #expect(metadata.confidentialityCode.code == "N")
        #expect(metadata.authorPerson == "HPD-0042^Weber^Luc^^^Dr^^^&1.3.182.4.1&ISO")
        #expect(metadata.creationTime == "20240305133000", "20240305143000+0100 in UTC")
        #expect(metadata.languageCode == "fr-LU")
        #expect(metadata.title == "Rapport de laboratoire")
        #expect(metadata.mimeType == "text/xml")
        #expect(metadata.hash == "f6c8533ceecb28219827b93bfe11b34c76061126")
        #expect(metadata.size == 6266)
        #expect(metadata.healthcareFacilityTypeCode == Self.settings.healthcareFacilityTypeCode)
    }

    @Test func metadataOverridesTheHeader() throws {
        let metadata = try XDSDocumentMetadata(payload: Self.payload(metadata: [
            "typeCode": "DT-00007", "patientId": "1985031512345", "classCode": "18842-5", "creationTime": "20240101",
            "confidentialityCode": "R", "practiceSettingCode": "ONC^1.3.182.5.31",
        ]), settings: Self.settings)
        #expect(metadata.patientId == "1985031512345^^^&1.3.182.4.4&ISO")
        #expect(metadata.classCode == XDSCode(code: "18842-5", scheme: OID.loinc))
        #expect(metadata.creationTime == "20240101")
        #expect(metadata.confidentialityCode.code == "R")
        #expect(metadata.practiceSettingCode == XDSCode(code: "ONC", scheme: "1.3.182.5.31"))
    }

    @Test func aLevelOneBodyGivesXDSSDsFormatForItsMediaType() throws {
        func format(_ mediaType: String) throws -> XDSCode? {
            XDSDocumentMetadata.levelOneFormat(of: try XMLDocument(bytes: Array("""
                <ClinicalDocument xmlns="urn:hl7-org:v3"><component><nonXMLBody>\
                <text mediaType="\(mediaType)" representation="B64">JVBERi0=</text></nonXMLBody></component></ClinicalDocument>
                """.utf8)))
        }
        #expect(try format("application/pdf")?.code == "urn:ihe:iti:xds-sd:pdf:2008")
        #expect(try format("text/plain")?.code == "urn:ihe:iti:xds-sd:text:2008")
        #expect(try format("image/png") == nil)
        #expect(XDSDocumentMetadata.levelOneFormat(of: try XMLDocument(bytes: try Self.labReport())) == nil)
    }

    @Test func whatNeitherGivesIsReportedByName() throws {
        let payload = SinkPayload(body: Array("%PDF-1.4".utf8), contentType: "application/pdf", idempotencyKey: "k")
        let error = #expect(throws: XDSDocumentMetadata.Missing.self) { try XDSDocumentMetadata(payload: payload, settings: Self.settings) }
        #expect(error?.problems == ["patientId (no matricule)", "typeCode (DT-nnnnn)", "classCode", "formatCode",
                                     "authorHpdId (no author with an hpdID)", "creationTime"])
    }

    @Test func theUniqueIdIsTheKeyWhenItIsAnOIDAndDerivedFromItOtherwise() {
        #expect(XDSDocumentMetadata.documentUniqueId(forKey: "1.3.182.3.1.1.7.1^LAB-2024-00012") == "1.3.182.3.1.1.7.1^LAB-2024-00012")
        #expect(XDSDocumentMetadata.documentUniqueId(forKey: "LAB-2024-000123") == "2.25.172253652600014405451450439335602829021")
        #expect(XDSDocumentMetadata.documentUniqueId(forKey: "1.3.182^an extension longer than sixteen").hasPrefix("2.25."))
    }

    @Test func theEnvelopeCarriesTheMetadataAndTheDocumentAsAnAttachment() throws {
        let payload = try Self.payload()
        let metadata = try XDSDocumentMetadata(payload: payload, settings: Self.settings)
        let envelope = try XDSEnvelope(metadata: metadata, document: payload.body, settings: Self.settings, endpoint: "http://x/dsp")
        let boundary = try #require(envelope.contentType.firstMatch(of: /boundary="([^"]+)"/)?.1)
        #expect(envelope.contentType.hasPrefix("multipart/related;"))
        let body = String(decoding: envelope.body, as: UTF8.self)
        #expect(body.hasPrefix("--\(boundary)\r\n"))
        #expect(body.hasSuffix("\r\n--\(boundary)--\r\n"))
        #expect(body.contains(String(decoding: payload.body, as: UTF8.self) + "\r\n--\(boundary)--"))

        let soap = try XMLDocument(bytes: XDSEnvelope.soap(metadata: metadata, settings: Self.settings, endpoint: "http://x/dsp"))
        soap.bind(prefix: "rim", to: XDS.Namespace.rim)
        soap.bind(prefix: "xdsb", to: XDS.Namespace.xdsb)
        soap.bind(prefix: "xop", to: XDS.Namespace.xop)
        func values(_ path: String) throws -> [String] { try soap.strings(XPathExpression(path)) }
        #expect(try values("//rim:ExtrinsicObject/rim:ExternalIdentifier[@identificationScheme='\(XDS.DocumentEntry.uniqueId)']/@value")
                == ["2.25.172253652600014405451450439335602829021"])
        #expect(try values("//rim:ExtrinsicObject/rim:Slot[@name='hash']/rim:ValueList/rim:Value") == [metadata.hash])
        #expect(try values("//rim:RegistryPackage/rim:ExternalIdentifier[@identificationScheme='\(XDS.SubmissionSet.patientId)']/@value")
                == [metadata.patientId])
        #expect(try values("//rim:Classification[@classificationScheme='\(XDS.DocumentEntry.typeCode)']/@nodeRepresentation") == ["DT-00002"])
        #expect(try values("//xdsb:Document/xop:Include/@href") == ["cid:" + XDSEnvelope.documentContentID])
        let entryId = try values("//rim:ExtrinsicObject/@id")
        #expect(try values("//rim:Association/@targetObject") == entryId)
        #expect(try values("//xdsb:Document/@id") == entryId)
    }
}
