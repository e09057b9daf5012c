import HL7v2
import Testing

/// Values read in one pass over their bytes: plain leaves are their bytes, escapes are still
/// decoded, and values above the leaves keep their encoding.
@Suite struct ValueDecodingTests {
    static let message = try! HL7Message([
        "MSH|^~\\&|LAB|HRS|||20240101||ORU^R01|C1|P|2.5",
        "OBX|1|ST|a^b&c^\\T\\d||x\\E\\y&z\\F\\^plain~r2\\S\\|\\.br\\|é\\X41\\",
    ].joined(separator: "\r"))

    func read(_ field: Int, _ component: Int? = nil, _ subcomponent: Int? = nil, repetition: Int = 1,
              formatting: FormattingEscapes = .keep) -> String? {
        Self.message.value(inSegment: 1, field: field, repetition: repetition, component: component, subcomponent: subcomponent,
                           formatting: formatting)
    }

    @Test func leavesAreUnescaped() {
        #expect(read(3, 3) == "&d")
        #expect(read(5, 1) == "x\\E\\y&z\\F\\")  // a component holding subcomponents keeps its encoding
        #expect(read(5, 1, 1) == "x\\y")
        #expect(read(5, 1, 2) == "z|")
        #expect(read(5, 2) == "plain")
        #expect(read(5, 1, repetition: 2) == "r2^")
        #expect(read(5, repetition: 2) == "r2^")  // no component delimiter: a leaf
        #expect(read(7) == "éA")
        #expect(read(6) == "\\.br\\")
        #expect(read(6, formatting: .render) == "\n")
    }

    @Test func compositesKeepTheirEncoding() {
        #expect(read(3) == "a^b&c^\\T\\d")
        #expect(read(3, 2) == "b&c")
        #expect(read(3, 2, 2) == "c")
        #expect(read(5) == "x\\E\\y&z\\F\\^plain")
    }

    @Test func pathsHoldTheirSegmentName() throws {
        let path = try HL7Path("OBX[2]-5.1")
        #expect(path.segment == "OBX")
        #expect(path == HL7Path(segment: "OBX", occurrence: 2, field: 5, component: 1))
        #expect(path.description == "OBX[2]-5.1")
    }

    @Test func presentValuesLeaveOutEmptyAndNull() {
        let message = try! HL7Message(["MSH|^~\\&|LAB|HRS|||20240101||ORU^R01|C1|P|2.5",
                                       "OBX|1|\"\"||\\X22\\\\X22\\|a^^\"\"|\\H\\|x~~y"].joined(separator: "\r"))
        func present(_ field: Int, _ component: Int? = nil, repetition: Int = 1, formatting: FormattingEscapes = .keep) -> String? {
            message.presentValue(inSegment: 1, field: field, repetition: repetition, component: component, formatting: formatting)
        }
        #expect(message.value(inSegment: 1, field: 2) == "\"\"")
        #expect(present(2) == nil)                          // HL7's null
        #expect(present(3) == nil)                          // empty
        #expect(present(4) == nil)                          // escapes that spell the null
        #expect(present(5) == "a^^\"\"")                     // a composite is its encoding
        #expect(present(5, 2) == nil)
        #expect(present(5, 3) == nil)
        #expect(present(6) == "\\H\\")
        #expect(present(6, formatting: .render) == nil)     // rendered to nothing
        #expect(present(7, repetition: 2) == nil)
        #expect(present(7, repetition: 3) == "y")
        #expect(present(9) == nil)                          // absent
    }

    @Test func presentUTF8IsTheMessagesBytesWhenTheyAreTheText() {
        let message = try! HL7Message(["MSH|^~\\&|LAB|HRS|||20240101||ORU^R01|C1|P|2.5",
                                       "OBX|1|plain|a\\T\\b|\"\""].joined(separator: "\r"))
        guard case .bytes(let range) = message.presentUTF8(inSegment: 1, field: 2) else { Issue.record("not in place"); return }
        #expect(String(decoding: message.storage[range], as: UTF8.self) == "plain")
        guard case .text(let text) = message.presentUTF8(inSegment: 1, field: 3) else { Issue.record("not decoded"); return }
        #expect(text == "a&b")
        #expect(message.presentUTF8(inSegment: 1, field: 4) == nil)
    }
}
