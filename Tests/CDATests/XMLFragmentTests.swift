import CDA
import Testing

@Suite struct XMLFragmentTests {
    /// An entry's start as a renderer writes it: two elements left open, the second inside its
    /// start tag, and a closed `templateId` between them.
    private static let entryStart: XMLFragment = try! XMLFragment(prefixes: ["xsi"]) { writer in
        writer.start("entry")
        writer.attribute("typeCode", "DRIV")
        writer.element("templateId", ["root": "1.3.6.1.4.1.19376.1.3.1"])
        writer.start("value")
        writer.attribute("xsi:type", "PQ")
    }

    private static func document(_ body: (inout XMLWriter) -> Void) throws -> String {
        var writer = XMLWriter(declaration: false)
        writer.start("doc", namespaces: ["": XPathNamespaces.hl7, "xsi": XPathNamespaces.xsi])
        body(&writer)
        writer.end()
        return String(decoding: try writer.finish(), as: UTF8.self)
    }

    @Test func writingAFragmentGivesTheBytesOfWritingItsCalls() throws {
        let direct = try Self.document { writer in
            writer.start("entry")
            writer.attribute("typeCode", "DRIV")
            writer.element("templateId", ["root": "1.3.6.1.4.1.19376.1.3.1"])
            writer.start("value")
            writer.attribute("xsi:type", "PQ")
            writer.attribute("value", "5.4")
            writer.end()
            writer.end()
        }
        let throughFragment = try Self.document { writer in
            writer.write(Self.entryStart)
            writer.attribute("value", "5.4")
            writer.end()
            writer.end()
        }
        #expect(throughFragment == direct)
        #expect(throughFragment.contains(#"<entry typeCode="DRIV"><templateId root="1.3.6.1.4.1.19376.1.3.1"/><value xsi:type="PQ" value="5.4"/></entry>"#))
        #expect(Self.entryStart.text == #"<entry typeCode="DRIV"><templateId root="1.3.6.1.4.1.19376.1.3.1"/><value xsi:type="PQ""#)
        _ = try XMLDocument(bytes: Array(throughFragment.utf8))
    }

    @Test func elementsTheFragmentLeavesOpenAreClosedByName() throws {
        let open = try XMLFragment { writer in
            writer.start("component")
            writer.start("section")
        }
        let text = try Self.document { writer in
            writer.write(open)
            writer.element("title", text: "Résultats")
            writer.end()
            writer.write(open)
            writer.end()
            writer.end()
            writer.end()
        }
        // The end tags copy the names the fragment wrote, wherever in the output it was copied.
        #expect(text.hasSuffix("<component><section><title>Résultats</title></section><component><section/></component></component></doc>"))
    }

    @Test func aClosedFragmentCanFollowAnOpenStartTag() throws {
        let template = try XMLFragment { writer in writer.element("templateId", ["root": "1.2.3"]) }
        let text = try Self.document { writer in
            writer.start("act")
            writer.attribute("classCode", "ACT")
            writer.write(template)
            writer.write(template)
            writer.end()
        }
        #expect(text.contains(#"<act classCode="ACT"><templateId root="1.2.3"/><templateId root="1.2.3"/></act>"#))
    }

    @Test func theStartTagItEndsInKeepsItsAttributeNames() {
        var writer = XMLWriter(declaration: false)
        writer.start("doc", namespaces: ["xsi": XPathNamespaces.xsi])
        writer.write(Self.entryStart)
        writer.attribute("xsi:type", "IVL_PQ")
        writer.end()
        writer.end()
        writer.end()
        expectFinishing(writer, toThrow: .duplicateAttribute("xsi:type"))
    }

    @Test func itsPrefixesMustBeInScopeWhereItIsWritten() {
        var writer = XMLWriter(declaration: false)
        writer.start("doc")
        writer.write(Self.entryStart)
        expectFinishing(writer, toThrow: .undeclaredPrefix("xsi", in: "a fragment"))
    }

    @Test func misuseIsRefusedWhenTheFragmentIsMade() {
        #expect(throws: XMLWriterError.undeclaredPrefix("xsi", in: "xsi:type")) {
            try XMLFragment { writer in
                writer.start("value")
                writer.attribute("xsi:type", "PQ")
            }
        }
        #expect(throws: XMLWriterError.unbalancedEnd) {
            try XMLFragment { writer in writer.end() }
        }
        #expect(throws: XMLWriterError.invalidName("1a")) {
            try XMLFragment { writer in writer.element("1a") }
        }
        #expect(throws: XMLWriterError.invalidName("x:y")) {
            try XMLFragment(prefixes: ["x:y"]) { writer in writer.element("a") }
        }
        // A namespace declared on an element left open would have to stay in scope wherever the
        // fragment is written; one declared on a closed element is fine.
        #expect(throws: XMLWriterError.invalidFragment("element s:a declares namespaces and is left open")) {
            try XMLFragment { writer in writer.start("s:a", namespaces: ["s": XPathNamespaces.sdtc]) }
        }
        #expect(throws: Never.self) {
            try XMLFragment { writer in
                writer.start("s:a", namespaces: ["s": XPathNamespaces.sdtc])
                writer.end()
            }
        }
    }

    @Test func aFailureBeforeTheFragmentIsKept() {
        var writer = XMLWriter(declaration: false)
        writer.start("doc")
        writer.end()
        writer.end()
        writer.write(Self.entryStart)
        expectFinishing(writer, toThrow: .unbalancedEnd)
    }
}
