import Terminology
import Testing

@Suite struct UCUMTests {
    @Test(arguments: ["mg/dL", "mmol/L", "umol/L", "g/dL", "10*3/uL", "10*6/uL", "%", "U/L", "m[IU]/L", "fL", "pg",
                      "mm[Hg]", "cm[H2O]", "/min", "mL/min/{1.73_m2}", "{ratio}", "{#}", "/{area}", "kg/m2", "s",
                      "mm2", "[pH]", "Cel", "[degF]", "ng/mL", "meq/L", "mosm/kg", "[arb'U]/mL", "/[HPF]", "1",
                      "m.s-2", "kg.m/s2", "(mmol/L)/(mg/dL)", "%{vol}", "[iU]/L", "mg/(24.h)", "10*9/L", "dB", "%[slope]"])
    func validUnits(unit: String) {
        #expect(UCUM.problem(in: unit) == nil, "\(unit): \(UCUM.problem(in: unit)?.message ?? "")")
        #expect(UCUM.findings(for: unit).isEmpty)
    }

    @Test(arguments: ["", "mg /dL", "mg/", "/", "mg//dL", "(mg/dL", "mg)", "{open", "mg{a b}", "µg/L", "m-", "[abc"])
    func syntaxErrors(unit: String) throws {
        let problem = try #require(UCUM.problem(in: unit), "\(unit)")
        #expect(problem.kind == .syntax)
        #expect(UCUM.findings(for: unit).map(\.rule) == ["ucum.syntax"])
        #expect(UCUM.findings(for: unit).first?.severity == .error)
    }

    @Test(arguments: ["mgg/dL", "mIU/L", "kmin", "mcg", "Mol/L"])
    func unknownAtomsAreWarnings(unit: String) throws {
        let problem = try #require(UCUM.problem(in: unit), "\(unit)")
        #expect(problem.kind == .unknownAtom)
        #expect(UCUM.findings(for: unit).map(\.severity) == [.warning])
        #expect(UCUM.findings(for: unit).map(\.rule) == ["ucum.unknown-unit"])
    }

    @Test func microSignGetsAHint() {
        #expect(UCUM.problem(in: "µmol/L")?.message.contains("u") == true)
        #expect(UCUM.problem(in: "µmol/L")?.offset == 0)
    }
}
