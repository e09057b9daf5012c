import CDA
import Foundation
import Testing

/// Sections and entries cut out of a CDA document, as implementation guides publish them.
@Suite struct CDAFragmentTests {
    static let section = """
        <section>
          <code code="30954-2" codeSystem="2.16.840.1.113883.6.1"/>
          <entry>
            <observation classCode="OBS" moodCode="EVN">
              <value xsi:type="PQ" value="5.4" unit="mmol/L"/>
              <sdtc:statusCode code="x"/>
            </observation>
          </entry>
        </section>
        """

    @Test func fragmentUsingTheDocumentsPrefixesParsesWithTheCDANamespacesInScope() throws {
        #expect(throws: XMLParseError.self) { try XMLDocument(string: Self.section) }
        let fragment = try XMLDocument(cdaFragment: Array(Self.section.utf8))
        #expect(CDADocumentKind(fragment) == .fragment(rootElement: "section"))
        #expect(fragment.root?.namespaceURI == XPathNamespaces.hl7)
        #expect(try fragment.string(XPathExpression("/hl7:section/hl7:entry/hl7:observation/hl7:value/@xsi:type")) == "PQ")
        #expect(try fragment.string(XPathExpression("count(//sdtc:statusCode)")) == "1")
        #expect(try fragment.nodes(XPathExpression("//hl7:value")).first?.line == 5)
    }

    @Test func readerSaysTheRootOfAFragment() throws {
        let fragment = try XMLDocument(cdaFragment: Array(Self.section.utf8))
        let error = #expect(throws: CDAReadError.self) { try ClinicalDocument(fragment) }
        #expect(error?.message == "not a CDA document: not a ClinicalDocument: root is <section>")

        let standalone = try XMLDocument(string: "<entry><act/></entry>")
        #expect(CDADocumentKind(standalone) == .fragment(rootElement: "entry"))
        #expect((#expect(throws: CDAReadError.self) { try ClinicalDocument(standalone) })?.message.contains("root is <entry>") == true)
    }

    @Test func kindsOfRoot() throws {
        #expect(CDADocumentKind(try XMLDocument(string: #"<ClinicalDocument xmlns="urn:hl7-org:v3"/>"#)) == .clinicalDocument)
        #expect(CDADocumentKind(try XMLDocument(string: "<ClinicalDocument/>")) == .other(rootElement: "ClinicalDocument"))
        #expect(CDADocumentKind(try XMLDocument(string: #"<Bundle xmlns="http://hl7.org/fhir"/>"#))
            == .other(rootElement: "{http://hl7.org/fhir}Bundle"))
        #expect(CDADocumentKind(try XMLDocument(string: #"<h:section xmlns:h="urn:hl7-org:v3"/>"#)) == .fragment(rootElement: "section"))
        #expect(CDADocumentKind(try XMLDocument(cdaFragment: Array("<sdtc:signatureText/>".utf8))) == .fragment(rootElement: "signatureText"))
        // A complete document read as a fragment is still a complete document.
        #expect(CDADocumentKind(try XMLDocument(cdaFragment: try TestFiles.fixture("lu-lab-report.xml"))) == .clinicalDocument)
    }

    @Test func ownDeclarationsWinAndTheTreeStaysSelfContained() throws {
        let text = #"<?xml version="1.0"?><x:section xmlns:x="urn:other" xmlns:xsi="urn:not-xsi" xsi:a="1"><entry/></x:section>"#
        let fragment = try XMLDocument(cdaFragment: Array(text.utf8))
        #expect(CDADocumentKind(fragment) == .other(rootElement: "{urn:other}section"))
        #expect(fragment.root?.attribute("a", namespace: "urn:not-xsi") == "1")
        // The unprefixed child is in the default namespace the wrapper declared, now on the root.
        #expect(fragment.root?.elements.first?.namespaceURI == XPathNamespaces.hl7)
    }

    @Test func declaredEncodingAndByteOrderMarkAreHonoured() throws {
        let latin1: [UInt8] = Array(#"<?xml version="1.0" encoding="ISO-8859-1"?>"#.utf8) + Array("\n<title>r".utf8) + [0xE9]
            + Array("sultat</title>".utf8)
        let fragment = try XMLDocument(cdaFragment: latin1)
        #expect(fragment.root?.stringValue == "résultat")
        #expect(fragment.root?.line == 2)

        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<title>é</title>".utf8)
        #expect(try XMLDocument(cdaFragment: bom).root?.stringValue == "é")
    }

    @Test func errorsPointIntoTheFragmentItself() throws {
        let error = #expect(throws: XMLParseError.self) { try XMLDocument(cdaFragment: Array("<section><title></section>".utf8)) }
        #expect(error?.line == 1)
        #expect(error.map { $0.column <= 27 } == true, "\(String(describing: error))")

        let later = #expect(throws: XMLParseError.self) { try XMLDocument(cdaFragment: Array("<section>\n  <a b=1/>\n</section>".utf8)) }
        #expect(later?.line == 2)
    }

    @Test func aFragmentHasOneRootElementAndNothingElse() {
        for (text, message) in [
            ("<entry/><entry/>", "more than one root element"),
            ("<entry/>text", "text outside its root element"),
            ("<!-- only a comment -->", "no root element"),
            // Closing the wrapper early, or a DTD where only content may stand.
            ("</passerelle-cda-fragment><entry/>", "Extra content"),
            (#"<!DOCTYPE entry [<!ENTITY x SYSTEM "file:///etc/passwd">]><entry>&x;</entry>"#, "invalid element name"),
        ] {
            let error = #expect(throws: XMLParseError.self, "\(text)") { try XMLDocument(cdaFragment: Array(text.utf8)) }
            #expect(error?.message.contains(message) == true, "\(text): \(String(describing: error))")
        }
        #expect(throws: XMLParseError.self) { try XMLDocument(cdaFragment: [UInt8]()) }
    }

    @Test func limitsApplyToTheFragment() throws {
        let deep = String(repeating: "<a>", count: 10) + String(repeating: "</a>", count: 10)
        #expect(throws: Never.self) { try XMLDocument(cdaFragment: Array(deep.utf8), options: XMLParseOptions(maxDepth: 10)) }
        #expect(throws: XMLParseError.self) { try XMLDocument(cdaFragment: Array(deep.utf8), options: XMLParseOptions(maxDepth: 9)) }
        let error = #expect(throws: XMLParseError.self) {
            try XMLDocument(cdaFragment: Array(deep.utf8), options: XMLParseOptions(maxBytes: deep.utf8.count - 1))
        }
        #expect(error?.message.contains("over the limit") == true)
    }
}
