import CDA
import Findings
import Testing

@Suite struct LuxembourgHeaderRulesTests {
    static func check(_ edit: (String) -> String = { $0 }) throws -> [Finding] {
        let text = edit(try TestFiles.fixtureText("lu-lab-report.xml"))
        return LuxembourgHeaderRules().check(try XMLDocument(string: text), file: "report.xml")
    }

    static func replacing(_ old: String, _ new: String) -> (String) -> String {
        { text in
            precondition(text.contains(old), "fixture lacks \(old)")
            return text.replacingOccurrences(of: old, with: new)
        }
    }

    @Test func fixtureConforms() throws {
        #expect(try Self.check() == [])
    }

    @Test func realmCodeLUIsRequired() throws {
        let findings = try Self.check(Self.replacing(#"<realmCode code="LU"/>"#, #"<realmCode code="FR"/>"#))
        #expect(findings == [Finding(severity: .error, rule: "lu-header.realm-code", message: "realmCode LU is missing",
                                     location: .init(file: "report.xml", line: 4, path: "/hl7:ClinicalDocument/hl7:realmCode"))])
    }

    @Test func nationalHeaderTemplateIsRequired() throws {
        let findings = try Self.check(Self.replacing(#"<templateId root="1.3.182.11.1"/>"#, ""))
        #expect(findings.map(\.rule) == ["lu-header.template"])
        #expect(findings.first?.location?.path == "/hl7:ClinicalDocument")
    }

    @Test(arguments: ["1850123456789", "2999999999999", LuxembourgHeaderRules.testMatricule])
    func wellFormedMatriculesPass(matricule: String) throws {
        #expect(try Self.check(Self.replacing("7000010105084", matricule)) == [])
    }

    @Test(arguments: ["3850123456789", "185012345678", "18501234567890", "18501234567AB", ""])
    func malformedMatriculesAreErrorsThatDoNotQuoteThem(matricule: String) throws {
        let findings = try Self.check(Self.replacing("7000010105084", matricule))
        #expect(findings.map(\.rule) == ["lu-header.matricule"])
        #expect(findings.first?.severity == .error)
        #expect(findings.first?.location?.line == 20)
        #expect(matricule.isEmpty || findings.first?.message.contains(matricule) == false)
    }

    @Test func missingMatriculeIsAWarning() throws {
        let findings = try Self.check(Self.replacing(#"<id root="1.3.182.4.4" extension="7000010105084"/>"#, ""))
        #expect(findings.map(\.rule) == ["lu-header.matricule"])
        #expect(findings.first?.severity == .warning)
    }

    @Test func patientIDsMustBeLocalThenMatriculeThenDSP() throws {
        let findings = try Self.check(Self.replacing(
            #"<id root="1.3.182.3.1.1.7.3" extension="P-884211"/>"#, "") >>> Self.replacing(
            #"<id root="1.3.182.2.4.2" extension="DSP0004711"/>"#,
            #"<id root="1.3.182.2.4.2" extension="DSP0004711"/><id root="1.3.182.3.1.1.7.3" extension="P-884211"/>"#))
        #expect(findings.map(\.rule) == ["lu-header.patient-id-order"])
        #expect(findings.first?.location?.path == "/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole/hl7:id[3]")
    }

    @Test func professionalsNeedAnHPDID() throws {
        let findings = try Self.check(Self.replacing(#"<id root="1.3.182.4.1" extension="HPD-0042"/>"#, ""))
        #expect(findings.map(\.rule) == ["lu-header.hpd-id"])
        #expect(findings.first?.location?.path == "/hl7:ClinicalDocument/hl7:author/hl7:assignedAuthor")
    }

    @Test func deviceAuthorsNeedNoHPDID() throws {
        let findings = try Self.check(Self.replacing(#"<id root="1.3.182.4.1" extension="HPD-0042"/>"#, "") >>> Self.replacing(
            #"<assignedPerson><name><prefix>Dr</prefix><given>Luc</given><family>Weber</family></name></assignedPerson>"#,
            "<assignedAuthoringDevice><softwareName>LIS</softwareName></assignedAuthoringDevice>"))
        #expect(findings == [])
    }

    @Test func nonCDARootIsOneError() throws {
        let findings = LuxembourgHeaderRules().check(try XMLDocument(string: "<html/>"))
        #expect(findings.map(\.rule) == ["lu-header.root"])
        #expect(findings.hasErrors)
    }
}

infix operator >>>: AdditionPrecedence
func >>> (first: @escaping (String) -> String, second: @escaping (String) -> String) -> (String) -> String {
    { second(first($0)) }
}
