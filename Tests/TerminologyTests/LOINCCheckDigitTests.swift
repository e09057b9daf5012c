import Terminology
import Testing

@Suite struct LOINCCheckDigitTests {
    @Test(arguments: ["2345-7", "718-7", "11502-2", "18719-5", "18723-7", "18725-2", "2160-0", "6690-2", "789-8",
                      "100000-9", "100001-7", "14749-6", "4548-4", "1-8"])
    func publishedCodesHaveTheirCheckDigit(code: String) {
        let parts = code.split(separator: "-")
        #expect(LOINCCheckDigit.compute(parts[0]) == Int(parts[1]))
        #expect(LOINCCheckDigit.compute(Int(parts[0])!) == Int(parts[1]))
    }

    @Test func nonDigitsHaveNoCheckDigit() {
        #expect(LOINCCheckDigit.compute("23a5") == nil)
        #expect(LOINCCheckDigit.compute("") == nil)
    }

    @Test func everyOtherDigitIsWrong() {
        for wrong in 0...9 where wrong != 7 {
            #expect(LOINCCode("2345-\(wrong)")?.hasValidCheckDigit == false)
        }
        #expect(LOINCCode("2345-7")?.hasValidCheckDigit == true)
    }

    /// DESIGN.md §1: the fourteen legacy codes really do fail the rule, and are recognised.
    @Test(arguments: ["11491-6", "11501-6", "5895-7", "5896-5", "5897-3", "5928-1", "6028-3", "6415-5", "6580-7",
                      "6645-7", "6646-5", "6647-3", "6648-1", "6649-9"])
    func legacyCodesFailTheRuleAndAreKnown(code: String) throws {
        let parsed = try #require(LOINCCode(code))
        #expect(!parsed.hasValidCheckDigit)
        #expect(parsed.isLegacyInvalidCheckDigit)
        #expect(LOINCVerdict(code) == .deprecated)
    }
}
