import Foundation
import Terminology
import Testing

/// The pack shipped in deploy/terminology/sample must load and be internally consistent.
@Suite struct SamplePackTests {
    @Test func loadsAndIsConsistent() throws {
        let pack = try TerminologyPack.load(from: samplePack)
        let loinc = try #require(pack.loinc)
        #expect(loinc.count >= 30)
        for entry in loinc.entries {
            #expect(entry.code.hasValidCheckDigit, "\(entry.code)")
            #expect(entry.expectedUnits.allSatisfy { UCUM.problem(in: $0) == nil }, "\(entry.code) \(entry.expectedUnits)")
        }
        #expect(pack.lookup(system: "LN", code: "2345-7") != nil)
        #expect(pack.lookup(system: "0078", code: "HH") != nil)
        #expect(pack.lookup(system: "0085", code: "F") != nil)
        #expect(pack.lookup(system: "0076", code: "ORU") != nil)
        #expect(pack.lookup(system: "1.3.182.5.9", code: "DT-00002") != nil)
        let medications = try #require(pack.medications)
        let check = medications.check(code: "SAMPLE-0004", on: CalendarDate("2024-06-01")!)
        #expect(check.isAuthorised)
        #expect(check.reimbursement?.rate == 40)
    }

    @Test func carriesTheRegenstriefNotice() throws {
        let notice = try String(contentsOf: samplePack.appendingPathComponent("NOTICE.txt"), encoding: .utf8)
        #expect(notice.contains("Regenstrief Institute"))
        #expect(notice.contains("http://loinc.org/license"))
        #expect(notice.contains("SUBSET"))
    }
}
