import CDA
import Foundation
import Testing

@Suite struct SafeParsingTests {
    @Test func parsesAWellFormedDocument() throws {
        let document = try XMLDocument(string: #"<ClinicalDocument xmlns="urn:hl7-org:v3"><title>Résultats</title></ClinicalDocument>"#)
        let root = try #require(document.root)
        #expect(root.name == "ClinicalDocument")
        #expect(root.namespaceURI == "urn:hl7-org:v3")
        #expect(root.stringValue == "Résultats")
    }

    @Test func errorsCarryLineColumnAndLibxml2sMessage() {
        let error = #expect(throws: XMLParseError.self) {
            try XMLDocument(string: "<a>\n  <b>\n</a>")
        }
        #expect(error?.line == 3)
        #expect(error?.column == 5)
        #expect(error?.message.contains("Opening and ending tag mismatch: b line 2 and a") == true, "\(String(describing: error))")
    }

    @Test func utf8ByteOrderMarkIsAccepted() throws {
        let document = try XMLDocument(bytes: [0xEF, 0xBB, 0xBF] + Array("<a>é</a>".utf8))
        #expect(document.root?.stringValue == "é")
    }

    @Test func declaredLatin1IsDecoded() throws {
        let bytes = Array(#"<?xml version="1.0" encoding="ISO-8859-1"?><a>"#.utf8) + [0xE9] + Array("</a>".utf8)
        #expect(try XMLDocument(bytes: bytes).root?.stringValue == "é")
    }

    @Test func invalidUTF8IsAnErrorAtItsPosition() {
        let bytes = Array("<a>\nok ".utf8) + [0xC3, 0x28] + Array("</a>".utf8)
        let error = #expect(throws: XMLParseError.self) { try XMLDocument(bytes: bytes) }
        #expect(error?.line == 2)
        #expect(error?.message.contains("UTF-8") == true, "\(String(describing: error))")
    }

    @Test func undeclaredNamespacePrefixIsAnError() {
        let error = #expect(throws: XMLParseError.self) { try XMLDocument(string: #"<a><b xsi:type="CD"/></a>"#) }
        #expect(error?.message.contains("xsi") == true, "\(String(describing: error))")
    }

    @Test func emptyInputIsAnError() {
        let error = #expect(throws: XMLParseError.self) { try XMLDocument(bytes: [UInt8]()) }
        #expect(error?.message == "document is empty")
    }

    @Test func concurrentParsesKeepTheirOwnErrors() async {
        // Each parse reports its own line: no error crosses from one context to another.
        let lines = await withTaskGroup(of: (Int, Int?).self) { group in
            for line in 1...40 {
                group.addTask {
                    let text = String(repeating: "\n", count: line - 1) + "<a><b></a>"
                    do { _ = try XMLDocument(string: text); return (line, nil) }
                    catch { return (line, (error as? XMLParseError)?.line) }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(lines.count == 40)
        for (line, reported) in lines { #expect(reported == line) }
    }
}
