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
