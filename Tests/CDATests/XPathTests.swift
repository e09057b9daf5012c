import CDA
import Testing

@Suite struct XPathTests {
    static let patientIDs = try! XPathExpression("/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole/hl7:id/@root")

    @Test func defaultPrefixesSelectCDAElementsAndAttributes() throws {
        let document = try XMLDocument(bytes: TestFiles.fixture("lu-lab-report.xml"))
        #expect(try document.strings(Self.patientIDs) == ["1.3.182.3.1.1.7.3", "1.3.182.4.4", "1.3.182.2.4.2"])
        #expect(try document.string(XPathExpression("//hl7:observation[hl7:code/@code='2951-2']/hl7:value/@xsi:type")) == "PQ")
    }

    @Test func stringNumberAndBooleanResults() throws {
        let document = try XMLDocument(bytes: TestFiles.fixture("lu-lab-report.xml"))
        #expect(try document.strings(XPathExpression("count(//hl7:observation)")) == ["3"])
        #expect(try document.strings(XPathExpression("string(/hl7:ClinicalDocument/hl7:title)")) == ["Rapport de laboratoire"])
        #expect(try document.strings(XPathExpression("boolean(//hl7:realmCode[@code='LU'])")) == ["true"])
        #expect(try document.strings(XPathExpression("sum(//hl7:observation/hl7:value/@value) div 2")) == ["77.2"])
        #expect(try document.nodes(XPathExpression("//hl7:nothing")).isEmpty)
    }

    @Test func evaluatesRelativeToAContextNode() throws {
        let document = try XMLDocument(bytes: TestFiles.fixture("lu-lab-report.xml"))
        let sections = try document.nodes(XPathExpression("//hl7:section"))
        #expect(sections.count == 2)
        let codes = try XPathExpression(".//hl7:observation/hl7:code/@code")
        #expect(try document.strings(codes, at: sections[0]) == ["2345-7", "2951-2"])
        #expect(try document.strings(codes, at: sections[1]) == ["630-4"])
    }

    @Test func syntaxErrorsAreReportedAtCompileTime() {
        let error = #expect(throws: XPathError.self) { try XPathExpression("//hl7:observation[") }
        #expect(error?.expression == "//hl7:observation[")
        #expect(error?.message == "Invalid expression at offset 18", "\(String(describing: error))")
    }

    @Test func unboundPrefixIsAnEvaluationError() throws {
        let document = try XMLDocument(string: "<a/>")
        let error = #expect(throws: XPathError.self) { try document.nodes(XPathExpression("//nope:a")) }
        #expect(error?.message.hasPrefix("Undefined namespace prefix") == true, "\(String(describing: error))")
    }

    @Test func extraPrefixesCanBeBound() throws {
        let document = try XMLDocument(string: #"<r xmlns:f="http://hl7.org/fhir"><f:id value="x"/></r>"#)
        document.bind(prefix: "fhir", to: "http://hl7.org/fhir")
        #expect(try document.strings(XPathExpression("//fhir:id/@value")) == ["x"])
    }

    @Test func nodePathSelectsTheNodeAgain() throws {
        let document = try XMLDocument(bytes: TestFiles.fixture("lu-lab-report.xml"))
        let matricule = try #require(document.nodes(XPathExpression("//hl7:patientRole/hl7:id[@root='1.3.182.4.4']")).first)
        #expect(matricule.path == "/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole/hl7:id[2]")
        #expect(matricule.line == 20)
        let again = try document.nodes(XPathExpression(matricule.path))
        #expect(again.map(\.line) == [20])
    }

    @Test func oneCompiledExpressionServesManyDocumentsAcrossThreads() async throws {
        let text = try TestFiles.fixtureText("lu-lab-report.xml")
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var total = 0
                    for _ in 0..<50 {
                        guard let document = try? XMLDocument(string: text),
                              let ids = try? document.strings(Self.patientIDs) else { return -1 }
                        total += ids.count
                    }
                    return total
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 150, count: 16))
    }
}
