import CDA
import Testing

@Suite struct LibXMLTests {
    @Test func runtimeVersionIsDotted() {
        #expect(LibXML.version.wholeMatch(of: /2\.\d+\.\d+/) != nil, "\(LibXML.version)")
    }
}
