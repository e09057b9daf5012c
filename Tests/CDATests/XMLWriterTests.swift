import CDA
import Testing

@Suite struct XMLWriterTests {
    @Test func writesANamespaceCorrectCDAThatParsesBack() throws {
        let tricky = "5 < 6 & \"quoted\" 'single' > ]]> \t tab\nline\r\nCRLF é 😀"
        var writer = XMLWriter()
        writer.start("ClinicalDocument", namespaces: ["": XPathNamespaces.hl7, "xsi": XPathNamespaces.xsi])
        writer.element("realmCode", ["code": "LU"])
        writer.element("title", text: tricky)
        writer.start("observation")
        writer.element("value", ["xsi:type": "ST", "nullFlavor": nil], text: "a\u{1}b\u{FFFE}c")
        writer.element("code", ["code": "2951-2", "displayName": tricky])
        writer.end()
        writer.end()
        let bytes = try writer.finish()

        let document = try XMLDocument(bytes: bytes)
        #expect(try document.string(XPathExpression("/hl7:ClinicalDocument/hl7:title")) == tricky)
        #expect(try document.string(XPathExpression("//hl7:code/@displayName")) == tricky)
        #expect(try document.string(XPathExpression("//hl7:value/@xsi:type")) == "ST")
        #expect(try document.string(XPathExpression("//hl7:value")) == "a\u{FFFD}b\u{FFFD}c")
        #expect(try document.nodes(XPathExpression("//hl7:value/@nullFlavor")).isEmpty)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="#))
        #expect(text.contains(#"<realmCode code="LU"/>"#))
    }

    @Test func undeclaredPrefixIsRefused() {
        var writer = XMLWriter()
        writer.start("ClinicalDocument", namespaces: ["": XPathNamespaces.hl7])
        writer.element("value", ["xsi:type": "PQ"])
        writer.end()
        #expect(throws: XMLWriterError.undeclaredPrefix("xsi", in: "xsi:type")) { try writer.finish() }
    }

    @Test func prefixGoesOutOfScopeWithItsElement() {
        var writer = XMLWriter(declaration: false)
        writer.start("a")
        writer.start("s:b", namespaces: ["s": XPathNamespaces.sdtc])
        writer.end()
        writer.start("s:c")
        writer.end()
        writer.end()
        #expect(throws: XMLWriterError.undeclaredPrefix("s", in: "s:c")) { try writer.finish() }
    }

    @Test func misuseIsReported() {
        var unclosed = XMLWriter()
        unclosed.start("a")
        #expect(throws: XMLWriterError.unclosed("a")) { try unclosed.finish() }

        var late = XMLWriter()
        late.start("a")
        late.text("x")
        late.attribute("b", "c")
        late.end()
        #expect(throws: XMLWriterError.attributeOutsideStartTag("b")) { try late.finish() }

        var badName = XMLWriter()
        badName.start("1a")
        badName.end()
        #expect(throws: XMLWriterError.invalidName("1a")) { try badName.finish() }

        var extraEnd = XMLWriter()
        extraEnd.end()
        #expect(throws: XMLWriterError.unbalancedEnd) { try extraEnd.finish() }
    }
}
