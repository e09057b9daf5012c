import CDA
import Foundation

/// An ITI-41 Provide-and-Register request for one document, as MTOM/XOP: the SOAP 1.2 envelope
/// with the ebRIM metadata as root part, the document as an attachment.
struct XDSEnvelope {
    var contentType: String
    var body: [UInt8]

    static let rootContentID = "root.message@passerelle"
    static let documentContentID = "document1@passerelle"

    init(metadata: XDSDocumentMetadata, document: [UInt8], settings: XDSSourceSettings, endpoint: String) throws(XMLWriterError) {
        let envelope = try Self.soap(metadata: metadata, settings: settings, endpoint: endpoint)
        var boundary = "MIMEBoundary_" + UUID().uuidString
        // A boundary must not occur in any part.
        while document.containsBytes(of: boundary) { boundary = "MIMEBoundary_" + UUID().uuidString }
        contentType = #"multipart/related; type="application/xop+xml"; boundary="\#(boundary)"; "#
            + #"start="<\#(Self.rootContentID)>"; start-info="application/soap+xml"; action="\#(XDS.provideAndRegisterAction)""#
        body = Array("""
            --\(boundary)\r
            Content-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"\r
            Content-Transfer-Encoding: binary\r
            Content-ID: <\(Self.rootContentID)>\r
            \r\n
            """.utf8)
        body += envelope
        body += Array("""
            \r
            --\(boundary)\r
            Content-Type: \(metadata.mimeType)\r
            Content-Transfer-Encoding: binary\r
            Content-ID: <\(Self.documentContentID)>\r
            \r\n
            """.utf8)
        body += document
        body += Array("\r\n--\(boundary)--\r\n".utf8)
    }

    /// The SOAP envelope alone, its Document an `xop:Include` of the second part.
    static func soap(metadata: XDSDocumentMetadata, settings: XDSSourceSettings, endpoint: String) throws(XMLWriterError) -> [UInt8] {
        let entry = "urn:uuid:" + UUID().uuidString.lowercased()
        let set = "urn:uuid:" + UUID().uuidString.lowercased()
        var writer = XMLWriter()
        writer.start("soap:Envelope", namespaces: ["soap": XDS.Namespace.soap, "wsa": XDS.Namespace.addressing])
        writer.start("soap:Header")
        writer.start("wsa:Action")
        writer.attribute("soap:mustUnderstand", "true")
        writer.text(XDS.provideAndRegisterAction)
        writer.end()
        writer.element("wsa:MessageID", text: "urn:uuid:" + UUID().uuidString.lowercased())
        writer.element("wsa:To", text: endpoint)
        writer.end()
        writer.start("soap:Body")
        writer.start("xdsb:ProvideAndRegisterDocumentSetRequest", namespaces: [
            "xdsb": XDS.Namespace.xdsb, "lcm": XDS.Namespace.lcm, "rim": XDS.Namespace.rim, "xop": XDS.Namespace.xop,
        ])
        writer.start("lcm:SubmitObjectsRequest")
        writer.start("rim:RegistryObjectList")
        writer.documentEntry(entry, metadata)
        writer.submissionSet(set, metadata: metadata, settings: settings)
        writer.element("rim:Classification", [
            "id": "urn:uuid:" + UUID().uuidString.lowercased(), "classifiedObject": set,
            "classificationNode": XDS.submissionSetNode,
        ])
        writer.start("rim:Association")
        writer.attribute("id", "urn:uuid:" + UUID().uuidString.lowercased())
        writer.attribute("associationType", XDS.hasMember)
        writer.attribute("sourceObject", set)
        writer.attribute("targetObject", entry)
        writer.slot("SubmissionSetStatus", ["Original"])
        writer.end()
        writer.end()  // RegistryObjectList
        writer.end()  // SubmitObjectsRequest
        writer.start("xdsb:Document")
        writer.attribute("id", entry)
        writer.element("xop:Include", ["href": "cid:" + documentContentID])
        writer.end()
        writer.end()  // ProvideAndRegisterDocumentSetRequest
        writer.end()  // Body
        writer.end()  // Envelope
        return try writer.finish()
    }
}

private extension XMLWriter {
    mutating func documentEntry(_ id: String, _ metadata: XDSDocumentMetadata) {
        start("rim:ExtrinsicObject")
        attribute("id", id)
        attribute("mimeType", metadata.mimeType)
        attribute("objectType", XDS.stableDocumentEntry)
        slot("creationTime", [metadata.creationTime])
        slot("hash", [metadata.hash])
        slot("size", [String(metadata.size)])
        slot("languageCode", [metadata.languageCode])
        slot("sourcePatientId", [metadata.sourcePatientId])
        if !metadata.referenceIds.isEmpty { slot("urn:ihe:iti:xds:2013:referenceIdList", metadata.referenceIds) }
        if let title = metadata.title { name(title) }
        start("rim:Classification")
        attribute("id", "urn:uuid:" + UUID().uuidString.lowercased())
        attribute("classificationScheme", XDS.DocumentEntry.author)
        attribute("classifiedObject", id)
        attribute("nodeRepresentation", "")
        slot("authorPerson", [metadata.authorPerson])
        end()
        let codes: [(String, XDSCode)] = [
            (XDS.DocumentEntry.classCode, metadata.classCode), (XDS.DocumentEntry.confidentialityCode, metadata.confidentialityCode),
            (XDS.DocumentEntry.formatCode, metadata.formatCode),
            (XDS.DocumentEntry.healthcareFacilityTypeCode, metadata.healthcareFacilityTypeCode),
            (XDS.DocumentEntry.practiceSettingCode, metadata.practiceSettingCode), (XDS.DocumentEntry.typeCode, metadata.typeCode),
        ]
        for (scheme, code) in codes { classification(scheme, of: id, code) }
        externalIdentifier(XDS.DocumentEntry.patientId, of: id, metadata.patientId, name: "XDSDocumentEntry.patientId")
        externalIdentifier(XDS.DocumentEntry.uniqueId, of: id, metadata.uniqueId, name: "XDSDocumentEntry.uniqueId")
        end()
    }

    mutating func submissionSet(_ id: String, metadata: XDSDocumentMetadata, settings: XDSSourceSettings) {
        start("rim:RegistryPackage")
        attribute("id", id)
        slot("submissionTime", [Self.utcNow()])
        start("rim:Classification")
        attribute("id", "urn:uuid:" + UUID().uuidString.lowercased())
        attribute("classificationScheme", XDS.SubmissionSet.author)
        attribute("classifiedObject", id)
        attribute("nodeRepresentation", "")
        slot("authorPerson", [metadata.authorPerson])
        end()
        classification(XDS.SubmissionSet.contentTypeCode, of: id, metadata.classCode)
        externalIdentifier(XDS.SubmissionSet.uniqueId, of: id, "2.25." + Self.randomDecimal(), name: "XDSSubmissionSet.uniqueId")
        externalIdentifier(XDS.SubmissionSet.sourceId, of: id, settings.sourceId, name: "XDSSubmissionSet.sourceId")
        externalIdentifier(XDS.SubmissionSet.patientId, of: id, metadata.patientId, name: "XDSSubmissionSet.patientId")
        end()
    }

    mutating func slot(_ name: String, _ values: [String]) {
        start("rim:Slot")
        attribute("name", name)
        start("rim:ValueList")
        for value in values { element("rim:Value", text: value) }
        end()
        end()
    }

    mutating func name(_ value: String) {
        start("rim:Name")
        element("rim:LocalizedString", ["value": value])
        end()
    }

    mutating func classification(_ scheme: String, of object: String, _ code: XDSCode) {
        start("rim:Classification")
        attribute("id", "urn:uuid:" + UUID().uuidString.lowercased())
        attribute("classificationScheme", scheme)
        attribute("classifiedObject", object)
        attribute("nodeRepresentation", code.code)
        slot("codingScheme", [code.scheme])
        if let display = code.displayName { name(display) }
        end()
    }

    mutating func externalIdentifier(_ scheme: String, of object: String, _ value: String, name label: String) {
        start("rim:ExternalIdentifier")
        attribute("id", "urn:uuid:" + UUID().uuidString.lowercased())
        attribute("identificationScheme", scheme)
        attribute("registryObject", object)
        attribute("value", value)
        name(label)
        end()
    }

    static func utcNow() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMddHHmmss"
        return formatter.string(from: Date())
    }

    /// A random UUID as the decimal integer a `2.25.` OID takes.
    static func randomDecimal() -> String {
        XDSDocumentMetadata.decimal(withUnsafeBytes(of: UUID().uuid, Array.init))
    }
}

private extension [UInt8] {
    func containsBytes(of text: String) -> Bool {
        let needle = Array(text.utf8)
        guard count >= needle.count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
