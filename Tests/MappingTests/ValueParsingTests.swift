import Foundation
@testable import Mapping
import Testing

/// The numeric notations, read on UTF-8 bytes, and the helpers of the evaluation's hot path.
@Suite struct ValueParsingTests {
    @Test func decimalsAreNormalisedAsCDAWantsThem() {
        let cases: [(String, String?)] = [
            ("5.4", "5.4"), (".5", "0.5"), ("+3", "3"), ("5.", "5"), ("-.5", "-0.5"), ("+.5", "0.5"), ("-5.", "-5"),
            (" 12 ", "12"), ("\t7\t", "7"), ("\u{A0}8\u{A0}", "8"), ("", nil), (" ", nil), (".", nil), ("-", nil), ("+-5", nil),
            ("1.2.3", nil), ("5e3", nil), ("é5", nil), ("5\u{301}", nil), ("\n5", nil), ("12345678901234567890.5", "12345678901234567890.5"),
        ]
        for (text, expected) in cases {
            #expect(ValueParsing.decimal(text) == expected, "\(text.debugDescription)")
            #expect(ValueParsing.decimal(Substring("x" + text).dropFirst()) == expected, "substring \(text.debugDescription)")
        }
        #expect(ValueParsing.isDecimal("-1.5") && !ValueParsing.isDecimal("1-5") && !ValueParsing.isDecimal(""))
    }

    @Test func trimmingKeepsLineBreaksUnlessAsked() {
        #expect(ValueParsing.trimmed(" a b\t") == "a b")
        #expect(ValueParsing.trimmed("\na\n") == "\na\n")
        #expect(ValueParsing.trimmed("\r\na\r\n", newlines: true) == "a")
        #expect(ValueParsing.trimmed("\u{A0}a\u{2003}") == "a")
        #expect(ValueParsing.trimmed("  ") == "")
    }

    @Test func quantitiesKeepTheirComparator() {
        #expect(ValueParsing.quantity("5.4", unit: "g") == .quantity(value: "5.4", unit: "g", comparator: nil))
        #expect(ValueParsing.quantity("<0.5", unit: nil) == .quantity(value: "0.5", unit: nil, comparator: "<"))
        #expect(ValueParsing.quantity(">= 60", unit: nil) == .quantity(value: "60", unit: nil, comparator: ">="))
        #expect(ValueParsing.quantity("<=.5", unit: nil) == .quantity(value: "0.5", unit: nil, comparator: "<="))
        #expect(ValueParsing.quantity("<=x", unit: nil) == nil)
        #expect(ValueParsing.quantity("<", unit: nil) == nil)
        #expect(ValueParsing.quantity("positive", unit: nil) == nil)
    }

    @Test func referenceRanges() {
        #expect(ValueParsing.referenceRange("3.9-5.8") == .init(low: "3.9", high: "5.8"))
        #expect(ValueParsing.referenceRange(" -5--1 ") == .init(low: "-5", high: "-1"))
        #expect(ValueParsing.referenceRange("0 - 40") == .init(low: "0", high: "40"))
        #expect(ValueParsing.referenceRange("<5") == .init(high: "5"))
        #expect(ValueParsing.referenceRange("<=5") == .init(high: "5"))
        #expect(ValueParsing.referenceRange(">60") == .init(low: "60"))
        #expect(ValueParsing.referenceRange(">= .5") == .init(low: "0.5"))
        #expect(ValueParsing.referenceRange("<=x") == .init(text: "<=x"))
        #expect(ValueParsing.referenceRange(" negative ") == .init(text: "negative"))
        #expect(ValueParsing.referenceRange("1-x") == .init(text: "1-x"))
        #expect(ValueParsing.referenceRange("-") == .init(text: "-"))
        #expect(ValueParsing.referenceRange("") == .init(text: ""))
        #expect(ValueParsing.referenceRange("\u{A0}1-2") == .init(low: "1", high: "2"))
    }

    @Test func bytesReadAsTheirTextReads() {
        for text in ["3.9-5.8", " -5--1 ", "<=5", " negative ", "\u{A0}1-2", "1-2\u{301}", "é"] {
            var copy = text
            #expect(copy.withUTF8 { ValueParsing.referenceRange(bytes: $0) } == ValueParsing.referenceRange(text), "\(text.debugDescription)")
        }
        for text in ["5.4", " <0.5 ", ">= 60", "positive", "\u{A0}8", "8\u{301}", " "] {
            var copy = text
            let trimmed = ValueParsing.trimmed(text)
            #expect(copy.withUTF8 { ValueParsing.numeric(bytes: $0, unit: "g") } == ValueParsing.quantity(trimmed, unit: "g") ?? .text(trimmed),
                    "\(text.debugDescription)")
        }
    }

    @Test func textKeyedFindsKeysAsStringEqualityDoes() {
        func find(_ keyed: TextKeyed<Int>, _ text: String) -> Int? {
            var copy = text
            return copy.withUTF8 { keyed[utf8: $0] }
        }
        let ascii = TextKeyed(["LN": 1, "L": 2, "LNC": 3, "": 4, "SCT": 5])
        #expect(find(ascii, "LN") == 1 && find(ascii, "L") == 2 && find(ascii, "LNC") == 3 && find(ascii, "SCT") == 5)
        #expect(find(ascii, "") == 4 && find(ascii, "ln") == nil && find(ascii, "LNX") == nil && find(ascii, "A") == nil)
        #expect(find(TextKeyed(["K": 1]), "\u{212A}") == 1)  // the Kelvin sign is canonically K
        let accented = TextKeyed(["\u{E9}": 1])
        #expect(find(accented, "e\u{301}") == 1 && find(accented, "e") == nil)
    }

    @Test func oidsAreASCIIDigitsAndDots() {
        #expect(isOID("1.3.182.4.4") && isOID("2"))
        #expect(!isOID("") && !isOID(".1") && !isOID("HRS") && !isOID("1.2a") && !isOID("١.2") && !isOID("1\u{301}"))
    }

    @Test func uuidTextIsFoundationsUUIDString() {
        for name in ["", "a", "ORU\u{1F}HRS\u{1F}MSG00001", String(repeating: "é", count: 100)] {
            let uuid = NameBasedUUID.make(name: name)
            #expect(NameBasedUUID.string(uuid) == uuid.uuidString)
        }
    }

    @Test func storedPropertiesAreWrittenInPlace() {
        var observation = Canonical.Observation()
        StoredProperty(\Canonical.Observation.status).modify(&observation) { $0 = "completed" }
        StoredProperty(\Canonical.Observation.code).modify(&observation) { $0 = .init(code: "2345-7") }
        StoredProperty(\Canonical.Observation.code).modify(&observation) { $0?.display = "Glucose" }
        #expect(observation == Canonical.Observation(code: .init(code: "2345-7", display: "Glucose"), status: "completed"))
        var report = Canonical.LabReport()
        StoredProperty(\Canonical.LabReport.batteries).modify(&report) { $0.append(.init()) }
        #expect(report.batteries.count == 1)
    }
}
