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
        expectFinishing(writer, toThrow: .undeclaredPrefix("xsi", in: "xsi:type"))
    }

    @Test func prefixGoesOutOfScopeWithItsElement() {
        var writer = XMLWriter(declaration: false)
        writer.start("a")
        writer.start("s:b", namespaces: ["s": XPathNamespaces.sdtc])
        writer.end()
        writer.start("s:c")
        writer.end()
        writer.end()
        expectFinishing(writer, toThrow: .undeclaredPrefix("s", in: "s:c"))
    }

    @Test func misuseIsReported() {
        var unclosed = XMLWriter()
        unclosed.start("a")
        expectFinishing(unclosed, toThrow: .unclosed("a"))

        var late = XMLWriter()
        late.start("a")
        late.text("x")
        late.attribute("b", "c")
        late.end()
        expectFinishing(late, toThrow: .attributeOutsideStartTag("b"))

        var badName = XMLWriter()
        badName.start("1a")
        badName.end()
        expectFinishing(badName, toThrow: .invalidName("1a"))

        var extraEnd = XMLWriter()
        extraEnd.end()
        expectFinishing(extraEnd, toThrow: .unbalancedEnd)
    }
}

@Suite struct XMLWriterEscapingTests {
    /// Writes `value` as an attribute and as text, and reads both back through libxml2.
    private func roundTrip(_ value: String) throws -> (attribute: String, text: String, bytes: [UInt8]) {
        var writer = XMLWriter(declaration: false)
        writer.start("a")
        writer.attribute("v", value)
        writer.text(value)
        writer.end()
        let bytes = try writer.finish()
        let document = try XMLDocument(bytes: bytes)
        return (try document.string(XPathExpression("/a/@v")), try document.string(XPathExpression("/a")), bytes)
    }

    @Test func controlCharactersXMLCannotCarryBecomeReplacementCharacters() throws {
        let controls = (0..<0x20).filter { ![0x09, 0x0A, 0x0D].contains($0) }.map { String(UnicodeScalar(UInt8($0))) }.joined()
        let expected = String(repeating: "\u{FFFD}", count: 29)
        let read = try roundTrip("<" + controls + ">")
        #expect(read.attribute == "<" + expected + ">")
        #expect(read.text == "<" + expected + ">")
    }

    @Test func charactersXMLAllowsAreKeptAsTheyAre() throws {
        // DEL, C1 controls, U+FFFD itself, the last characters before the non-characters, and
        // characters beyond the BMP; apostrophes need nothing inside double quotes.
        let allowed = "\u{7F}\u{85}\u{9F}\u{FFFD}\u{FFBE}\u{FFFC}\u{10FFFF}\u{E000}'é😀"
        let read = try roundTrip(allowed)
        #expect(read.attribute == allowed)
        #expect(read.text == allowed)
    }

    @Test func nonCharactersAndUnpairedSurrogatesNeverReachTheOutput() throws {
        // A String cannot hold an unpaired surrogate: decoding its UTF-8 form (ED A0 80) already
        // gives replacement characters, which the writer copies; U+FFFE and U+FFFF it replaces.
        let surrogate = String(decoding: [0x61, 0xED, 0xA0, 0x80, 0x62], as: UTF8.self)
        let read = try roundTrip(surrogate + "\u{FFFE}\u{FFFF}")
        #expect(!read.bytes.contains(0xED))
        #expect(read.text == surrogate + "\u{FFFD}\u{FFFD}")
        #expect(read.attribute == read.text)
        #expect(read.text.unicodeScalars.allSatisfy { $0.value < 0xD800 || $0.value > 0xDFFF })
    }

    @Test func attributeValuesSurviveNormalization() throws {
        // Quotes, markup, and white space that attribute-value normalization would otherwise
        // turn into spaces (tab, line feed, carriage return, CRLF).
        let value = #"a "b" 'c' <d> & e]]>"# + "\t\n\r\n\r f"
        let read = try roundTrip(value)
        #expect(read.attribute == value)
        #expect(read.text == value)
        let text = String(decoding: read.bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"<a v="a &quot;b&quot; 'c' &lt;d> &amp; e]]>&#9;&#10;&#13;&#10;&#13; f">"#))
        #expect(text.contains(">a \"b\" 'c' &lt;d&gt; &amp; e]]&gt;\t\n&#13;\n&#13; f</a>"))
    }

    @Test func emptyAndLongValuesRoundTrip() throws {
        #expect(try roundTrip("").attribute == "")
        let long = String(repeating: "0123456789<>&\"é", count: 2_000)
        let read = try roundTrip(long)
        #expect(read.attribute == long)
        #expect(read.text == long)
    }

    @Test func outputGrowsPastTheInitialCapacity() throws {
        var writer = XMLWriter(declaration: false, capacity: 1)
        writer.start("list")
        for index in 0..<1_000 { writer.element("item", ["n": String(index)], text: "value \(index)") }
        writer.end()
        let document = try XMLDocument(bytes: try writer.finish())
        #expect(try document.string(XPathExpression("count(/list/item)")) == "1000")
        #expect(try document.string(XPathExpression("/list/item[1000]/@n")) == "999")
    }

    @Test func deepNestingAndManyAttributesGrowTheirBuffers() throws {
        func deep() -> XMLWriter {
            var writer = XMLWriter(declaration: false)
            for depth in 0..<100 { writer.start("e\(depth)") }
            for index in 0..<20 { writer.attribute("a\(index)", String(index)) }
            return writer
        }
        var duplicate = deep()
        duplicate.attribute("a7", "again")
        for _ in 0..<100 { duplicate.end() }
        expectFinishing(duplicate, toThrow: .duplicateAttribute("a7"))
        var unclosed = deep()
        unclosed.end()
        expectFinishing(unclosed, toThrow: .unclosed("e98"))

        var valid = deep()
        for _ in 0..<100 { valid.end() }
        let document = try XMLDocument(bytes: try valid.finish())
        #expect(try document.string(XPathExpression("count(//@*)")) == "20")
        #expect(try document.string(XPathExpression("name(/e0/e1/e2/e3/e4/e5/e6/e7/e8/e9/e10/e11/e12/e13/e14/e15/e16/e17/e18/e19/e20/e21/e22/e23/e24/e25/e26/e27/e28/e29/e30/e31/e32/e33)")) == "e33")
    }
}

@Suite struct XMLWriterNameTests {
    @Test func duplicateAttributesAreRefused() {
        var writer = XMLWriter()
        writer.element("a", ["x": "1", "y": "2", "x": "3"])
        expectFinishing(writer, toThrow: .duplicateAttribute("x"))

        var declarations = XMLWriter()
        declarations.start("a", namespaces: ["p": "urn:one", "p": "urn:two"])
        declarations.end()
        expectFinishing(declarations, toThrow: .duplicateAttribute("xmlns:p"))
    }

    @Test func sameLocalNameUnderTwoPrefixesIsNotADuplicate() throws {
        var writer = XMLWriter(declaration: false)
        writer.start("a", namespaces: ["p": "urn:one", "q": "urn:two"])
        writer.attribute("p:x", "1")
        writer.attribute("q:x", "2")
        writer.attribute("x", "3")
        writer.start("b")
        writer.attribute("x", "4")  // a new element: its own attributes
        writer.end()
        writer.end()
        #expect(String(decoding: try writer.finish(), as: UTF8.self)
            == #"<a xmlns:p="urn:one" xmlns:q="urn:two" p:x="1" q:x="2" x="3"><b x="4"/></a>"#)
    }

    @Test func namesAreCheckedOnTheirBytes() {
        for bad in ["", ":a", "a:", "a:b:c", "a::b", "-a", "a:1b", "a b", "a>", "a\"", "p:"] {
            var writer = XMLWriter()
            writer.start(bad)
            writer.end()
            expectFinishing(writer, toThrow: .invalidName(bad))
        }
        var attribute = XMLWriter()
        attribute.start("a")
        attribute.attribute("b=", "c")
        attribute.end()
        expectFinishing(attribute, toThrow: .invalidName("b="))

        var prefix = XMLWriter()
        prefix.start("a", namespaces: ["p:q": "urn:x"])
        prefix.end()
        expectFinishing(prefix, toThrow: .invalidName("p:q"))
    }

    @Test func goodNamesAndTheXMLPrefixAreAccepted() throws {
        var writer = XMLWriter(declaration: false)
        writer.start("Élément_1.x-y", namespaces: ["": "urn:d", "sdtc": XPathNamespaces.sdtc])
        writer.element("sdtc:raceCode", ["xml:lang": "fr", "_a": "1"])
        writer.end()
        let bytes = try writer.finish()
        #expect(String(decoding: bytes, as: UTF8.self).hasSuffix(#"<sdtc:raceCode xml:lang="fr" _a="1"/></Élément_1.x-y>"#))
        _ = try XMLDocument(bytes: bytes)
    }

    @Test func prefixDeclaredOnTheElementItselfMayNameIt() throws {
        var writer = XMLWriter(declaration: false)
        writer.start("s:a", namespaces: ["s": XPathNamespaces.sdtc])
        writer.start("s:b")
        writer.end()
        writer.end()
        #expect(String(decoding: try writer.finish(), as: UTF8.self) == #"<s:a xmlns:s="urn:hl7-org:sdtc"><s:b/></s:a>"#)
    }

    @Test func unclosedElementIsNamedInTheError() {
        var writer = XMLWriter()
        writer.start("outer")
        writer.start("p:inner", namespaces: ["p": "urn:p"])
        expectFinishing(writer, toThrow: .unclosed("p:inner"))
    }
}

@Suite struct XMLWriterOutputTests {
    /// The exact bytes of a small lab report with every kind of call, so that a faster writer
    /// cannot change its output unnoticed.
    @Test func outputIsPinned() throws {
        var writer = XMLWriter(capacity: 16)
        writer.start("ClinicalDocument", namespaces: ["": XPathNamespaces.hl7, "xsi": XPathNamespaces.xsi])
        writer.element("realmCode", ["code": "LU"])
        writer.element("templateId", ["root": "1.3.6.1.4.1.19376.1.3.3", "extension": nil])
        writer.element("title", text: "Rapport de laboratoire — Église")
        writer.start("section")
        writer.start("sdtc:text", namespaces: ["sdtc": XPathNamespaces.sdtc])
        writer.attribute("ID", "n1")
        writer.text("a < b & \"c\" > d\r\n\tok")
        writer.end()
        writer.start("observation")
        writer.attribute("classCode", "OBS")
        writer.attribute("moodCode", "EVN")
        writer.element("code", ["code": "2951-2", "codeSystem": "2.16.840.1.113883.6.1",
                                "displayName": "Sodium \"Na\" <serum> & plasma\t\n\r"])
        writer.element("value", ["xsi:type": "PQ", "value": "149", "unit": "mmol/L"])
        writer.element("comment", text: "x\u{1}y\u{FFFE}z\u{FFFF}😀")
        writer.element("empty", text: "")
        writer.end()
        writer.end()
        writer.end()
        let expected = #"<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3" "#
            + #"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><realmCode code="LU"/>"#
            + #"<templateId root="1.3.6.1.4.1.19376.1.3.3"/><title>Rapport de laboratoire — Église</title>"#
            + #"<section><sdtc:text xmlns:sdtc="urn:hl7-org:sdtc" ID="n1">a &lt; b &amp; "c" &gt; d&#13;"# + "\n\tok"
            + #"</sdtc:text><observation classCode="OBS" moodCode="EVN"><code code="2951-2" "#
            + #"codeSystem="2.16.840.1.113883.6.1" displayName="Sodium &quot;Na&quot; &lt;serum> &amp; plasma&#9;&#10;&#13;"/>"#
            + #"<value xsi:type="PQ" value="149" unit="mmol/L"/><comment>x"# + "\u{FFFD}y\u{FFFD}z\u{FFFD}😀"
            + #"</comment><empty></empty></observation></section></ClinicalDocument>"#
        #expect(String(decoding: try writer.finish(), as: UTF8.self) == expected)
    }
}

@Suite struct XMLWriterOverloadTests {
    /// Literal names take the `StaticString` overloads, names in variables the `String` ones: the
    /// same calls write the same bytes and are checked the same way.
    @Test func literalAndStringNamesWriteTheSameBytes() throws {
        func write(_ names: [String]) throws -> String {
            var writer = XMLWriter(declaration: false)
            writer.start(names[0], namespaces: ["xsi": XPathNamespaces.xsi])
            writer.start(names[1])
            writer.attribute(names[2], "a < \"b\" & c")
            writer.attribute(names[3], "PQ")
            writer.end()
            writer.element(names[1], [names[2]: "1", names[3]: nil], text: "x > y")
            writer.end()
            return String(decoding: try writer.finish(), as: UTF8.self)
        }
        var literal = XMLWriter(declaration: false)
        literal.start("doc", namespaces: ["xsi": XPathNamespaces.xsi])
        literal.start("value")
        literal.attribute("unit", "a < \"b\" & c")
        literal.attribute("xsi:type", "PQ")
        literal.end()
        literal.element("value", ["unit": "1", "xsi:type": nil], text: "x > y")
        literal.end()
        let expected = #"<doc xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><value unit="a &lt; &quot;b&quot; &amp; c" "#
            + #"xsi:type="PQ"/><value unit="1">x &gt; y</value></doc>"#
        #expect(String(decoding: try literal.finish(), as: UTF8.self) == expected)
        #expect(try write(["doc", "value", "unit", "xsi:type"]) == expected)
    }

    @Test func literalNamesAreCheckedToo() {
        var element = XMLWriter()
        element.start("a b")
        element.end()
        expectFinishing(element, toThrow: .invalidName("a b"))

        var prefix = XMLWriter()
        prefix.start("a")
        prefix.attribute("xsi:type", "ST")
        prefix.end()
        expectFinishing(prefix, toThrow: .undeclaredPrefix("xsi", in: "xsi:type"))

        var duplicate = XMLWriter()
        duplicate.start("a")
        duplicate.attribute("b", "1")
        Array("2".utf8).withUnsafeBufferPointer { duplicate.attribute("b", utf8: $0) }
        duplicate.end()
        expectFinishing(duplicate, toThrow: .duplicateAttribute("b"))
    }

    /// Values given as UTF-8 bytes are escaped as String values are, and bytes that are not UTF-8
    /// never reach the output.
    @Test func byteValuesAreEscapedAndRepaired() throws {
        var writer = XMLWriter(declaration: false)
        writer.start("a")
        Array("20240305143000+0100".utf8).withUnsafeBufferPointer { writer.attribute("value", utf8: $0) }
        Array("x<\"&\"\t>é".utf8).withUnsafeBufferPointer { writer.attribute("text", utf8: $0) }
        [0x61, 0xFF, 0xC3, 0x62].withUnsafeBufferPointer { writer.attribute("broken", utf8: $0) }
        [UInt8]().withUnsafeBufferPointer { writer.attribute("empty", utf8: $0) }
        writer.end()
        let bytes = try writer.finish()
        #expect(String(decoding: bytes, as: UTF8.self)
            == "<a value=\"20240305143000+0100\" text=\"x&lt;&quot;&amp;&quot;&#9;>é\" broken=\"a\u{FFFD}\u{FFFD}b\" empty=\"\"/>")
        let document = try XMLDocument(bytes: bytes)
        #expect(try document.string(XPathExpression("/a/@text")) == "x<\"&\"\t>é")
    }

    /// `element(name, text:)` writes a text element whole, without opening it; the bytes must be
    /// those of starting it, writing the text and ending it.
    @Test func aTextElementWritesWhatStartTextEndWrite() throws {
        func document(_ body: (inout XMLWriter) -> Void) throws -> String {
            var writer = XMLWriter(declaration: false)
            writer.start("doc", namespaces: ["s": XPathNamespaces.sdtc])
            body(&writer)
            writer.end()
            return String(decoding: try writer.finish(), as: UTF8.self)
        }
        let direct = try document { writer in
            writer.start("tr")
            writer.attribute("class", "row")
            for (name, text) in [("td", "5 < 6 & \"x\""), ("td", ""), ("s:td", "é\u{1}")] {
                writer.start(name)
                writer.text(text)
                writer.end()
            }
            writer.start("td")
            writer.text("≥ ")
            writer.text("3.5–")
            writer.text("5.1")
            writer.end()
            writer.end()
        }
        let whole = try document { writer in
            writer.start("tr")
            writer.attribute("class", "row")
            writer.element("td", text: "5 < 6 & \"x\"")
            writer.element("td", text: "")
            writer.element("s:td", text: "é\u{1}")
            writer.element("td", texts: ("≥ ", "3.5–", "5.1"))
            writer.end()
        }
        #expect(whole == direct)
        #expect(whole.contains(#"<tr class="row"><td>5 &lt; 6 &amp; "x"</td><td></td><s:td>é\#u{FFFD}</s:td><td>≥ 3.5–5.1</td></tr>"#))
    }

    @Test func aTextElementsNameIsChecked() {
        var badName = XMLWriter(declaration: false)
        badName.start("doc")
        badName.element("1td", text: "x")
        badName.end()
        expectFinishing(badName, toThrow: .invalidName("1td"))

        var unbound = XMLWriter(declaration: false)
        unbound.start("doc")
        unbound.element("s:note", texts: ("x", "", ""))
        unbound.end()
        expectFinishing(unbound, toThrow: .undeclaredPrefix("s", in: "s:note"))
    }
}

/// Expects finishing `writer` to throw `expected` (finishing consumes a writer, which a closure
/// given to `#expect(throws:)` cannot do).
func expectFinishing(_ writer: consuming XMLWriter, toThrow expected: XMLWriterError,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try writer.finish()
        Issue.record("finish() did not throw \(expected)", sourceLocation: sourceLocation)
    } catch {
        #expect(error == expected, sourceLocation: sourceLocation)
    }
}
