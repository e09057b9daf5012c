import CDA
import Foundation
import HL7v2
import Mapping
import Testing

/// The mapping language on CDA sources (`from: cda`): XPath paths from the context node, `each`
/// over the nodes an XPath selects, the modifiers, CDA data types, and the errors.
@Suite struct CDASourceTests {
    static let document = """
        <ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:x="http://www.w3.org/2001/XMLSchema-instance">
          <id root="1.2.3" extension="DOC-1"/>
          <title>
            Rapport
          </title>
          <effectiveTime value="20240305143000+0100"/>
          <recordTarget><patientRole>
            <id root="1.3.182.3.1.1.7.3" extension="P-1"/>
            <id root="1.3.182.4.4" extension="7000010105084"/>
            <id nullFlavor="UNK"/>
            <id extension="NOROOT"/>
            <patient><name><given>Marie</given><given>Anne</given><family>Schmit</family></name>
              <administrativeGenderCode code="F"/><birthTime value="19700101"/></patient>
          </patientRole></recordTarget>
          <component><structuredBody>
            <component><section><code code="A"/>
              <entry><observation><code code="2345-7"/><value x:type="PQ" value=".5" unit="mmol/L"/>
                <referenceRange><observationRange><value x:type="IVL_PQ"><low value="3.9" unit="mmol/L"/><high value="5.8" unit="mmol/L"/></value></observationRange></referenceRange>
              </observation></entry>
              <entry><observation><code code="X"/><value x:type="IVL_PQ"><high value="0.5" unit="g/dL" inclusive="false"/></value>
                <referenceRange><observationRange><text>negative</text></observationRange></referenceRange></observation></entry>
              <entry><observation><code code="Y"/><value x:type="CD" code="278149003" codeSystem="2.16.840.1.113883.6.96" codeSystemName="SCT" displayName="Groupe A"/></observation></entry>
              <entry><observation><code code="Z"/><value x:type="ST">Pas de croissance</value></observation></entry>
              <entry><observation><code code="W"/><value x:type="TS" value="20240304"/></observation></entry>
              <entry><observation><code code="V"/><value x:type="IVL_PQ"><low value="10" unit="mg"/><high value="20" unit="mg"/></value></observation></entry>
              <entry><observation><code code="U"/><value x:type="IVL_PQ"><low value="60" unit="mL/min"/></value></observation></entry>
            </section></component>
            <component><section><code code="B"/></section></component>
          </structuredBody></component>
        </ClinicalDocument>
        """

    static let mapping = """
        from: cda
        to: lab-report
        tables: { interpretation: tables/hl70078-interpretation.csv }
        map:
          id: { concat: [hl7:id/@root, hl7:id/@extension], separator: "^" }
          set_id: { uuid: [hl7:id/@root, hl7:id/@extension] }
          title: hl7:title
          effective_time: hl7:effectiveTime/@value
          version: count(hl7:component/hl7:structuredBody/hl7:component)
          language: { path: hl7:languageCode/@code, default: fr-LU }
          patient:
            local_ids: { path: "hl7:recordTarget/hl7:patientRole/hl7:id[not(@root = '1.3.182.4.4')]", default_authority: 1.9.9 }
            matricule: "hl7:recordTarget/hl7:patientRole/hl7:id[@root = '1.3.182.4.4']/@extension"
            name:
              family: hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name/hl7:family
              given:
                - hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name/hl7:given[1]
                - hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name/hl7:given[2]
            birth_date: hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:birthTime/@value
            sex: { path: hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:administrativeGenderCode/@code, when: { path: hl7:title, equals: Rapport } }
          batteries:
            each: hl7:component/hl7:structuredBody/hl7:component/hl7:section
            when: { path: "boolean(hl7:entry)", present: true }
            code: { code: hl7:code/@code }
            observations:
              each: hl7:entry/hl7:observation
              when: { path: hl7:code/@code, not_in: [W] }
              code:
                code: hl7:code/@code
                display: { path: /hl7:ClinicalDocument/hl7:title, transform: [upper] }
                system: { first: [hl7:code/@codeSystem, { const: none }] }
              value: hl7:value
              reference_range: hl7:referenceRange/hl7:observationRange
              interpretation: { code: { const: H, lookup: interpretation } }
        """

    static func report(_ mapping: String = mapping, _ document: String = document) throws -> Canonical.LabReport {
        let value = try TestFiles.plan(mapping).map(XMLDocument(string: document)).value
        guard case .labReport(let report) = value else { throw RenderError("not a lab report") }
        return report
    }

    @Test func pathsEachAndModifiersReadTheDocument() throws {
        let report = try Self.report()
        #expect(report.id == "1.2.3^DOC-1")
        #expect(report.setID?.count == 36)
        #expect(report.title == "Rapport")                      // blanks around an element's text removed
        #expect(report.effectiveTime?.hl7 == "20240305143000+0100")
        #expect(report.version == 2)                             // a number result, as XPath's string() writes it
        #expect(report.language == "fr-LU")
        #expect(report.patient.localIDs == [.init(system: "1.3.182.3.1.1.7.3", value: "P-1"), .init(system: "1.9.9", value: "NOROOT")])
        #expect(report.patient.matricule == "7000010105084")
        #expect(report.patient.name?.given == ["Marie", "Anne"] && report.patient.name?.family == "Schmit")
        #expect(report.patient.birthDate?.hl7 == "19700101")
        #expect(report.patient.sex == "F")
        // The section without entries is skipped by `when`; W is skipped in its section.
        #expect(report.batteries.map { $0.code?.code } == ["A"])
        let observations = report.batteries[0].observations
        #expect(observations.map { $0.code?.code } == ["2345-7", "X", "Y", "Z", "V", "U"])
        #expect(observations.allSatisfy { $0.code?.display == "RAPPORT" && $0.code?.system == "none" })
        #expect(observations[0].interpretation?.code == "H")
    }

    @Test func cdaDataTypesBecomeTypedValues() throws {
        let observations = try Self.report().batteries[0].observations
        #expect(observations.map(\.value) == [
            .quantity(value: "0.5", unit: "mmol/L", comparator: nil),
            .quantity(value: "0.5", unit: "g/dL", comparator: "<"),
            .coded(.init(code: "278149003", system: "2.16.840.1.113883.6.96", systemName: "SCT", display: "Groupe A")),
            .text("Pas de croissance"),
            .range(low: "10", high: "20", unit: "mg"),
            .quantity(value: "60", unit: "mL/min", comparator: ">="),
        ])
        #expect(observations[0].referenceRange == .init(low: "3.9", high: "5.8"))
        #expect(observations[1].referenceRange == .init(text: "negative"))
        #expect(observations[2].referenceRange == nil)
        let dated = try Self.report(Self.mapping.replacingOccurrences(of: "not_in: [W]", with: "in: [W]"))
        #expect(dated.batteries[0].observations.map(\.value) == [.dateTime(try #require(Canonical.DateTime(hl7: "20240304")))])
    }

    @Test func aRequiredValueMissingNamesMappingRuleAndWhereNotTheValues() throws {
        let plan = try TestFiles.plan("from: cda\nto: lab-report\nmap:\n  batteries:\n    each: hl7:component/hl7:structuredBody/hl7:component/hl7:section\n    code: { code: { path: hl7:nothing/@code, required: true } }\n", file: "req.yaml")
        #expect {
            _ = try plan.map(XMLDocument(string: Self.document))
        } throws: { error in
            let error = error as? MappingRunError
            return error?.rule == "map.batteries.code.code"
                && error?.path == "/hl7:ClinicalDocument/hl7:component/hl7:structuredBody/hl7:component[1]/hl7:section"
                && error?.description.contains("Schmit") == false
        }
        let value = try TestFiles.plan("from: cda\nto: lab-report\nmap:\n  batteries:\n    observations:\n      value: { path: hl7:nothing, required: true }\n", file: "req.yaml")
        #expect {
            _ = try value.map(XMLDocument(string: Self.document))
        } throws: { error in
            (error as? MappingRunError)?.message == "a required observation value is missing (XPath hl7:nothing)"
        }
    }

    @Test func sourcesAndInputsMustAgree() throws {
        let cda = try TestFiles.plan(Self.mapping)
        #expect(cda.source == .cda)
        #expect(throws: MappingRunError.self) { try cda.map(HL7Message("MSH|^~\\&|A\rPID|1\r")) }
        let hl7 = try MappingPlan.load(contentsOf: TestFiles.oruMapping)
        #expect(throws: MappingRunError.self) { try hl7.map(XMLDocument(string: Self.document)) }
    }

    func loadError(_ rules: String) throws -> MappingLoadError {
        do {
            _ = try TestFiles.plan("from: cda\nto: lab-report\nmap:\n" + rules, file: "bad.yaml")
        } catch {
            return error
        }
        Issue.record("the mapping loaded")
        throw RenderError("loaded")
    }

    @Test func badXPathsAreLoadErrorsWithFileLineColumnAndKey() throws {
        let syntax = try loadError("  title: hl7:title[\n")
        #expect((syntax.file, syntax.line, syntax.column, syntax.key) == ("bad.yaml", 4, 10, "map.title"))
        #expect(syntax.message.hasPrefix("not an XPath 1.0 expression"))
        let prefix = try loadError("  patient:\n    matricule: { path: hl8:id/@extension }\n")
        #expect(prefix.key == "map.patient.matricule.path" && prefix.message.contains("Undefined namespace prefix"))
        let each = try loadError("  batteries:\n    each: hl7:section[\n")
        #expect(each.key == "map.batteries.each" && each.line == 5)
        let function = try loadError("  title: { path: string-joint(hl7:title) }\n")
        #expect(function.key == "map.title.path" && function.message.contains("Unregistered function"))
    }

    @Test func hl7OnlyKeysAreLoadErrorsThatSayWhatToWriteInstead() throws {
        let authority = try loadError("  patient:\n    matricule: { path: hl7:id, authority: 1.3.182.4.4 }\n")
        #expect(authority.key == "map.patient.matricule.authority" && authority.message.contains("hl7:id[@root='1.3.182.4.4']/@extension"))
        let index = try loadError("  batteries:\n    each: hl7:section\n    id: { value: { index: OBR } }\n")
        #expect(index.key == "map.batteries.id.value.index" && index.message.contains("preceding-sibling"))
        let join = try loadError("  title: { join: { each: OBX, value: OBX-5 } }\n")
        #expect(join.key == "map.title.join" && join.message.contains("not available in a cda mapping"))
        let type = try loadError("  batteries:\n    observations:\n      value: { path: hl7:value, type: OBX-2 }\n")
        #expect(type.key == "map.batteries.observations.value.type")
        let ids = try loadError("  patient:\n    local_ids: { path: hl7:id, authority: { not: [1.3.182.4.4] } }\n")
        #expect(ids.key == "map.patient.local_ids.authority")
        let misspelt = try loadError("  patient:\n    local_ids: { path: hl7:id, default_autority: 1.2 }\n")
        #expect(misspelt.suggestion == "default_authority")
    }
}
