import CDA
import Findings
import Foundation
import Testing

@Suite struct SchemaValidationTests {
    /// Loaded once for the suite, as the engine does.
    static let schema = Result { try XMLSchema(path: TestFiles.cdaSchema.path) }

    @Test func luxembourgFixtureIsValidCDA() throws {
        let document = try XMLDocument(bytes: TestFiles.fixture("lu-lab-report.xml"))
        #expect(try Self.schema.get().validate(document, file: "lu-lab-report.xml") == [])
    }

    @Test func findingsNameTheLineAndTheElement() throws {
        // `title` moved after `effectiveTime`, and an element CDA does not have.
        let text = try TestFiles.fixtureText("lu-lab-report.xml")
            .replacingOccurrences(of: "  <title>Rapport de laboratoire</title>\n", with: "")
            .replacingOccurrences(of: "<languageCode code=\"fr-LU\"/>", with: "<languageCode code=\"fr-LU\"/><title>late</title>")
        let document = try XMLDocument(string: text)
        let findings = try Self.schema.get().validate(document, file: "bad.xml")
        let finding = try #require(findings.first)
        #expect(finding.severity == .error)
        #expect(finding.rule == "xsd")
        #expect(finding.location?.file == "bad.xml")
        #expect(finding.location?.line == 13)
        #expect(finding.location?.path == "/hl7:ClinicalDocument/hl7:title")
        #expect(finding.message.contains("Element '{urn:hl7-org:v3}title': This element is not expected."), "\(finding)")
    }

    @Test func wrongDataTypeIsReportedOnItsElement() throws {
        let text = try TestFiles.fixtureText("lu-lab-report.xml")
            .replacingOccurrences(of: #"<versionNumber value="1"/>"#, with: #"<versionNumber value="one"/>"#)
        let findings = try Self.schema.get().validate(XMLDocument(string: text))
        #expect(findings.contains { $0.location?.path == "/hl7:ClinicalDocument/hl7:versionNumber" && $0.location?.line == 16 },
                "\(findings)")
        #expect(findings.hasErrors)
    }

    @Test func oneSchemaValidatesConcurrently() async throws {
        let schema = try Self.schema.get()
        let good = try TestFiles.fixtureText("lu-lab-report.xml")
        let bad = good.replacingOccurrences(of: #"<versionNumber value="1"/>"#, with: #"<versionNumber value="one"/>"#)
        let results = await withTaskGroup(of: (Bool, Int).self) { group in
            for index in 0..<32 {
                group.addTask {
                    let isBad = index.isMultiple(of: 2)
                    let findings = (try? XMLDocument(string: isBad ? bad : good)).map { schema.validate($0) } ?? []
                    return (isBad, findings.count)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 32)
        for (isBad, count) in results { #expect(isBad ? count > 0 : count == 0) }
    }

    @Test func missingSchemaIsAClearError() {
        let error = #expect(throws: XMLSchemaError.self) { try XMLSchema(path: "/nonexistent/CDA.xsd") }
        #expect(error?.description.hasPrefix("cannot load schema /nonexistent/CDA.xsd") == true)
    }
}
