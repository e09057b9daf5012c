import Mapping
import Testing

/// Load-time errors name file, line, column and key, and suggest the key or function meant.
@Suite struct CompilerErrorTests {
    func loadError(_ yaml: String) throws -> MappingLoadError {
        do {
            _ = try TestFiles.plan(yaml, file: "bad.yaml")
        } catch {
            return error
        }
        Issue.record("the mapping loaded")
        throw CorpusMissing(path: "")
    }

    static let header = "from: hl7v2\nto: lab-report\n"

    @Test func misspeltKeyIsLocatedAndCorrected() throws {
        let error = try loadError(Self.header + "map:\n  patient:\n    birth_dat: PID-7\n")
        #expect(error.file == "bad.yaml")
        #expect((error.line, error.column) == (5, 5))
        #expect(error.key == "map.patient.birth_dat")
        #expect(error.suggestion == "birth_date")
        #expect(error.description == "bad.yaml:5:5: map.patient.birth_dat: unknown key 'birth_dat' (did you mean 'birth_date'?)")
    }

    @Test func unknownFunctionIsCorrected() throws {
        let error = try loadError(Self.header + "map:\n  title: { path: OBR-4.2, transform: [trim, uper] }\n")
        #expect(error.key == "map.title.transform")
        #expect(error.suggestion == "upper")
        #expect(error.line == 4)
    }

    @Test func unknownTableConstantAndTargetAreNamed() throws {
        let table = try loadError(Self.header + "tables: { gender: tables/hl70001-gender.csv }\nmap:\n  patient:\n    sex: { path: PID-8, lookup: gendre }\n")
        #expect(table.key == "map.patient.sex.lookup" && table.suggestion == "gender")
        let constant = try loadError(Self.header + "constants: { hpd: 1.3.182.4.1 }\nmap:\n  patient:\n    matricule: { path: PID-3, authority: $hdp }\n")
        #expect(constant.message == "unknown constant 'hdp'" && constant.suggestion == "hpd")
        let target = try loadError("from: hl7v2\nto: lab-reprot\nmap: {}\n")
        #expect(target.key == "to" && target.suggestion == "lab-report" && target.line == 2)
    }

    @Test func badPathsAndValuesAreExplained() throws {
        let path = try loadError(Self.header + "map:\n  title: PID5.1\n")
        #expect(path.key == "map.title" && path.line == 4 && path.column == 10)
        #expect(path.message.contains("HL7 path"))
        let each = try loadError(Self.header + "map:\n  batteries:\n    each: obr\n")
        #expect(each.key == "map.batteries.each")
        let twoSources = try loadError(Self.header + "map:\n  title: { path: OBR-4.2, const: x }\n")
        #expect(twoSources.message.contains("both"))
        let missingTable = try loadError(Self.header + "tables: { t: tables/no-such.csv }\nmap: {}\n")
        #expect(missingTable.key == "tables.t" && missingTable.message.contains("cannot load"))
        let authority = try loadError(Self.header + "map:\n  patient:\n    matricule: { path: PID-3.1, authority: 1.3.182.4.4 }\n")
        #expect(authority.message.contains("CX field"))
    }

    @Test func yamlSyntaxErrorsHaveALine() throws {
        let error = try loadError(Self.header + "map:\n  title: [unclosed\n")
        #expect(error.line >= 4)
        #expect(error.message.hasPrefix("YAML syntax"))
    }

    @Test func missingSectionsAndUnsupportedSourcesAreErrors() throws {
        #expect(try loadError("to: lab-report\nmap: {}\n").key == "from")
        #expect(try loadError("from: hl7\nto: lab-report\nmap: {}\n").suggestion == "hl7v2")
        #expect(try loadError("from: hl7v2\nto: lab-report\n").key == "map")
        #expect(try loadError(Self.header + "map: {}\nmapp: x\n").suggestion == "map")
    }
}
