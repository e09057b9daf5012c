import HL7v2
import Mapping
import Testing

/// The language's constructs on small messages.
@Suite struct EvaluationTests {
    static let message = try! HL7Message([
        "MSH|^~\\&|LIS|LAB9^1.2.3^ISO|||20240105101500||ORU^R01|C1|P|2.5",
        "PID|1||D7^^^DSP&1.3.182.2.4.2&ISO~L1^^^H&1.2.9&ISO~1900000000001^^^M&1.3.182.4.4&ISO~L2^^^X||doe^john||19800101|M",
        "OBR|1||F1|A^Panel A^LN",
        "OBX|1|NM|a1^^LN||1.5|mg|||||F",
        "OBX|2|NM|a2^^LN||2|mg|||||D",
        "OBR|2||F2|B^Panel B^LN",
        "OBR|3||F3|C^Panel C^LN",
        "OBX|1|ST|c1^^LN||x||||||F",
        "OBX|2|NM|c2^^LN||<3|mg|||||F",
    ].joined(separator: "\r"))

    func report(_ rules: String, _ message: HL7Message = message) throws -> Canonical.LabReport {
        let plan = try TestFiles.plan("from: hl7v2\nto: lab-report\ntables: { gender: tables/hl70001-gender.csv }\n" + rules)
        guard case .labReport(let report) = try plan.map(message).value else { throw CorpusMissing(path: "") }
        return report
    }

    @Test func identifiersAreChosenByAssigningAuthorityInAnyOrder() throws {
        let report = try report("""
            map:
              patient:
                matricule: { path: PID-3, authority: 1.3.182.4.4 }
                dsp_id: { path: PID-3, authority: [1.3.182.2.4.2] }
                local_ids: { path: PID-3, authority: { not: [1.3.182.4.4, 1.3.182.2.4.2] }, default_authority: 9.9 }
            """)
        #expect(report.patient.matricule == "1900000000001")
        #expect(report.patient.dspID == "D7")
        #expect(report.patient.localIDs == [.init(system: "1.2.9", value: "L1"), .init(system: "9.9", value: "L2")])
    }

    @Test func groupsIterateEachOBRWithItsOwnOBX() throws {
        let report = try report("""
            map:
              batteries:
                each: OBR
                code: { code: OBR-4.1 }
                observations:
                  each: OBX
                  when: { path: OBX-11, not_in: [D] }
                  code: { code: OBX-3.1, system: { path: OBX-3.3, lookup: gender } }
                  value: { type: OBX-2, value: OBX-5, unit: OBX-6 }
            """)
        #expect(report.batteries.map { $0.code?.code } == ["A", "B", "C"])
        #expect(report.batteries.map { $0.observations.map { $0.code?.code } } == [["a1"], [], ["c1", "c2"]])
        #expect(report.batteries[0].observations[0].value == .quantity(value: "1.5", unit: "mg", comparator: nil))
        #expect(report.batteries[2].observations[0].value == .text("x"))
        #expect(report.batteries[2].observations[1].value == .quantity(value: "3", unit: "mg", comparator: "<"))
    }

    @Test func constantsDefaultsLookupsTransformsAndConditions() throws {
        let report = try report("""
            constants: { lang: fr-LU }
            map:
              language: $lang
              title: { concat: [MSH-4.1, { path: PID-5.1, transform: [upper, { truncate: 2 }] }], separator: " / " }
              set_id: { first: [PID-99, MSH-10] }
              patient:
                sex: { path: PID-8, lookup: gender }
                dsp_id: { path: ZZZ-1, default: none }
                matricule: { const: yes, when: { path: MSH-9.1, equals: ADT } }
                name:
                  family: { path: PID-5.1, when: { all: [{ path: PID-5.2, present: true }, { not: { path: PID-8, in: [F] } }] } }
            """)
        #expect(report.language == "fr-LU")
        #expect(report.title == "LAB9 / DO")
        #expect(report.setID == "C1")
        #expect(report.patient.sex == "M")
        #expect(report.patient.dspID == "none")
        #expect(report.patient.matricule == nil)
        #expect(report.patient.name?.family == "doe")
    }

    @Test func testsAndLookupsCompareValuesAsStringsDo() throws {
        // Read on the message's bytes, but equal as Strings are: escapes decoded, Unicode
        // canonical equivalence honoured, nulls absent.
        let message = try HL7Message([
            "MSH|^~\\&|LIS|LAB9|||20240105101500||ORU^R01|C1|P|2.5",
            "PID|1||L1||Caf\u{E9}^x||19800101|\\X4D\\",
            "OBR|1||F1|A^^LN",
            "OBX|1|nm|a1^^LN||1.5|mg|||||Cafe\u{301}",
            "OBX|2|Nm|a2^^LN||2|mg|||||\"\"",
        ].joined(separator: "\r"))
        let report = try report("""
            map:
              patient:
                sex: { path: PID-8, lookup: { table: gender, otherwise: drop } }
                matricule: { const: yes, when: { path: PID-5.1, equals: "Cafe\u{301}" } }
                dsp_id: { const: yes, when: { path: PID-5.2, in: [X, x] } }
              batteries:
                each: OBR
                observations:
                  each: OBX
                  when: { path: OBX-11, not_in: ["Caf\u{E9}"] }
                  code: { code: OBX-3.1 }
                  value: { type: OBX-2, value: OBX-5, unit: OBX-6 }
                  status: { path: OBX-11, default: none }
            """, message)
        #expect(report.patient.sex == "M")
        #expect(report.patient.matricule == "yes")
        #expect(report.patient.dspID == "yes")
        #expect(report.batteries[0].observations.map { $0.code?.code } == ["a2"])
        #expect(report.batteries[0].observations[0].value == .quantity(value: "2", unit: "mg", comparator: nil))
        #expect(report.batteries[0].observations[0].status == "none")
    }

    @Test func requiredValuesFailNamingMappingRuleAndPathButNotValues() throws {
        let plan = try TestFiles.plan("mapping: m1\nfrom: hl7v2\nto: lab-report\nmap:\n  batteries:\n    each: OBR\n    observations:\n      each: OBX\n      comment: { path: OBX-15, required: true }\n")
        do {
            _ = try plan.map(Self.message)
            Issue.record("mapped without the required value")
        } catch {
            #expect(error.mapping == "m1")
            #expect(error.rule == "map.batteries.observations.comment")
            #expect(error.path == "OBX-15")
            #expect(error.description == "mapping m1, rule map.batteries.observations.comment at OBX-15: a required value is missing")
        }
        let lookup = try TestFiles.plan("mapping: m2\nfrom: hl7v2\nto: lab-report\ntables: { gender: tables/hl70001-gender.csv }\nmap:\n  batteries:\n    each: OBR\n    observations:\n      each: OBX\n      comment: { path: OBX-5, lookup: { table: gender, otherwise: error } }\n")
        do {
            _ = try lookup.map(Self.message)
            Issue.record("mapped a value missing from the table")
        } catch {
            #expect(error.path == "OBX-5")
            #expect(!error.description.contains("1.5"))
        }
    }

    @Test func badOptionalValuesBecomeWarningsWithoutTheValue() throws {
        let plan = try TestFiles.plan("from: hl7v2\nto: lab-report\nmap:\n  patient:\n    birth_date: PID-11\n    address: { city: PID-5.1 }\n")
        let message = try HL7Message("MSH|^~\\&|A|B|||20240105||ORU^R01|1|P|2.5\rPID|1||X||doe||||||19801399")
        let result = try plan.map(message)
        #expect(result.findings.count == 1)
        #expect(result.findings.first?.location?.path == "PID-11")
        #expect(result.findings.first?.description.contains("19801399") == false)
        guard case .labReport(let report) = result.value else { return }
        #expect(report.patient.birthDate == nil)
        #expect(report.patient.address?.city == "doe")
    }

    @Test func uuidsAreStablePerInputAndDifferPerRuleAndInput() throws {
        let rules = "map:\n  id: { uuid: [MSH-10] }\n  set_id: { uuid: [MSH-10] }\n"
        let first = try report(rules)
        let again = try report(rules)
        let other = try report(rules, try HL7Message("MSH|^~\\&|A|B|||20240105||ORU^R01|C2|P|2.5"))
        #expect(first.id == again.id)
        #expect(first.id != first.setID)
        #expect(first.id != other.id)
        #expect(first.id?.count == 36)
    }

    @Test func aGroupNeverReadsASiblingGroupsSegments() throws {
        // The second OBX has no NTE of its own: it must not get the first OBX's, nor a later one's.
        let message = try HL7Message([
            "MSH|^~\\&|LIS|LAB9|||20240105101500||ORU^R01|C1|P|2.5", "PID|1||L1", "OBR|1||F1|A^^LN", "NTE|1||order note",
            "OBX|1|NM|a1^^LN||1", "NTE|1||first", "OBX|2|NM|a2^^LN||2", "OBX|3|NM|a3^^LN||3", "NTE|1||third",
        ].joined(separator: "\r"))
        let report = try report("""
            map:
              batteries:
                each: OBR
                observations: { each: OBX, code: { code: OBX-3.1 }, comment: NTE-3 }
            """, message)
        #expect(report.batteries[0].observations.map(\.comment) == ["first", "order note", "third"])
    }

    @Test func indexNumbersTheItemsOfAGroup() throws {
        let report = try report("""
            map:
              batteries:
                each: OBR
                id: { value: { index: OBR } }
                observations: { each: OBX, id: { value: { concat: [{ index: OBR }, { index: OBX }], separator: "." } } }
              title: { index: OBR, default: none }
            """)
        #expect(report.batteries.map(\.id?.value) == ["1", "2", "3"])
        #expect(report.batteries.map { $0.observations.map(\.id?.value) } == [["1.1", "1.2"], [], ["3.1", "3.2"]])
        #expect(report.title == "none")
    }

    @Test func joinCollectsTheTextOfEveryGroupThatPasses() throws {
        let message = try HL7Message([
            "MSH|^~\\&|RIS|HRS|||20240105101500||ORU^R01|C1|P|2.5", "PID|1||L1", "OBR|1||F1|A^^LN",
            "OBX|1|TX|t^^LN||Line one~Line two", "OBX|2|NM|n^^LN||5", "OBX|3|FT|t^^LN||Bold\\.br\\next",
        ].joined(separator: "\r"))
        let report = try report("""
            map:
              title: { join: { each: OBX, value: OBX-5, when: { path: OBX-2, in: [TX, FT] } } }
              language: { join: { each: OBX, value: OBX-3.1 }, separator: "," }
            """, message)
        #expect(report.title == "Line one\nLine two\nBold\nnext")
        #expect(report.language == "t,n,t")
    }
}
