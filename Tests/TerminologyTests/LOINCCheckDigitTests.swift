import Terminology
import Testing

@Suite struct LOINCCheckDigitTests {
    @Test(arguments: ["2345-7", "718-7", "11502-2", "18719-5", "18723-7", "18725-2", "2160-0", "6690-2", "789-8"])
    func publishedCodesHaveTheirCheckDigit(code: String) {
        let parts = code.split(separator: "-")
        #expect(LOINCCheckDigit.compute(parts[0]) == Int(parts[1]))
    }

    @Test func nonDigitsHaveNoCheckDigit() {
        #expect(LOINCCheckDigit.compute("23a5") == nil)
        #expect(LOINCCheckDigit.compute("") == nil)
    }
}
