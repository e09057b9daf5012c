import Terminology
import Testing

@Suite struct LOINCCodeTests {
    @Test(arguments: ["2345-7", "1-8", "1234567-0", "100000-9"])
    func acceptsLOINCsForm(text: String) throws {
        let code = try #require(LOINCCode(text))
        #expect(code.description == text)
    }

    @Test(arguments: ["", "2345", "2345-", "-7", "2345-77", "02345-7", "12345678-9", "2345_7", "2345-7 ", " 2345-7",
                      "23a5-7", "2345--7", "2345-7-1", "２３４５-7"])
    func rejectsAnythingElse(text: String) {
        #expect(LOINCCode(text) == nil)
        #expect(LOINCVerdict(text) == .badFormat)
    }

    @Test func suggestsTheComputedCheckDigit() throws {
        #expect(try #require(LOINCCode("2345-6")).withComputedCheckDigit == LOINCCode("2345-7"))
    }

    @Test func substringsParseLikeStrings() {
        let line = "OBX|1|NM|2345-7^Glucose^LN"
        let field = line.split(separator: "|")[3].split(separator: "^")[0]
        #expect(LOINCCode(field) == LOINCCode("2345-7"))
    }
}
