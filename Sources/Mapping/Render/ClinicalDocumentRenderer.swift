import CDA
import Foundation

/// A clinical document as CDA level 1 under the Luxembourg header: the document code (LOINC) with
/// the national type (DT-nnnnn, 1.3.182.5.9) as its translation, and a nonXMLBody holding the
/// report's text or its PDF.
public struct ClinicalDocumentRenderer: Sendable {
    static let documentTypeSystem = "1.3.182.5.9"

    public init() {}

    public func render(_ document: Canonical.ClinicalDocument) throws(RenderError) -> [UInt8] {
        guard let id = document.id else { throw RenderError("the document has no id") }
        guard let time = document.effectiveTime else { throw RenderError("the document has no effective time") }
        guard let custodian = document.custodian, !custodian.ids.isEmpty else { throw RenderError("the custodian has no identifier") }
        guard let typeCode = document.typeCode, typeCode.wholeMatch(of: /DT-\d{5}/) != nil else {
            throw RenderError("the document type is not DT-nnnnn")
        }
        let body: (mediaType: String, base64: Bool, content: String)
        if let pdf = document.pdfBase64 {
            // Re-encoded from the decoded bytes: senders wrap lines or split the PDF over segments.
            guard let bytes = Data(base64Encoded: pdf, options: .ignoreUnknownCharacters), bytes.starts(with: Array("%PDF".utf8)) else {
                throw RenderError("the attachment is not a base64 PDF")
            }
            body = ("application/pdf", true, bytes.base64EncodedString())
        } else if let text = document.text {
            body = ("text/plain", false, text)
        } else {
            throw RenderError("the document has neither text nor PDF")
        }
        let type = Canonical.Coding(code: typeCode, system: Self.documentTypeSystem)
        let code = document.code.flatMap { $0.code == nil ? nil : $0 }
        var writer = XMLWriter(capacity: 4096 + body.content.utf8.count)
        CDAHeader.open(&writer, templates: [OID.luHeader], id: id, code: code ?? type, codeTranslation: code == nil ? nil : type,
                       title: document.title ?? document.code?.display ?? typeCode, effectiveTime: time, language: nil,
                       setID: nil, version: nil)
        try CDAHeader.recordTarget(&writer, document.patient)
        CDAHeader.author(&writer, document.author, organisation: custodian, time: time)
        CDAHeader.custodian(&writer, custodian)
        writer.start("component")
        writer.start("nonXMLBody")
        writer.start("text")
        writer.attribute("mediaType", body.mediaType)
        if body.base64 { writer.attribute("representation", "B64") }
        writer.text(body.content)
        writer.end()
        writer.end()
        writer.end()
        writer.end()
        do { return try writer.finish() } catch { throw RenderError("XML writing failed: \(error)") }
    }
}
