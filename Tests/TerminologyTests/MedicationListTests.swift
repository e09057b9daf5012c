import Findings
import Foundation
import Terminology
import Testing

@Suite struct MedicationListTests {
    let folder: TemporaryFolder
    let list: MedicationList

    init() throws {
        folder = try TemporaryFolder()
        list = try MedicationList.load(
            products: folder.write("products.csv", """
                code,name,form,strength,atc,status,authorised_from,authorised_until,extra
                P1,Paracetamol test 500 mg,tablet,500 mg,N02BE01,authorised,2015-01-01,,x
                P2,"Withdrawn, test",tablet,1 g,M01AE01,withdrawn,2010-01-01,2022-12-31,x
                P3,Future test,capsule,,,authorised,2030-01-01,,x
                P4,Suspended test,,,,suspended,2010-01-01,,x

                """),
            positiveList: folder.write("positive.csv", """
                code,rate,conditions,valid_from,valid_until
                P1,80,,2015-01-01,2020-12-31
                P1,40,"on prescription, adults only",2021-01-01,
                P2,100,,2010-01-01,

                """))
    }

    let day = CalendarDate("2024-05-02")!

    @Test func authorisedAndReimbursedProduct() throws {
        let check = list.check(code: "P1", on: day)
        #expect(check.findings.isEmpty)
        #expect(check.isAuthorised)
        #expect(check.product?.name == "Paracetamol test 500 mg")
        #expect(check.product?.atc == "N02BE01")
        #expect(check.reimbursement?.rate == 40)
        #expect(check.reimbursement?.conditions == "on prescription, adults only")
        #expect(list.check(code: "P1", on: CalendarDate("20190101")!).reimbursement?.rate == 80)
        #expect(list.positiveList(for: "P1").count == 2)
    }

    @Test func unknownProduct() {
        let check = list.check(code: "NOPE", on: day, at: .init(path: "RXE-2.1"))
        #expect(check.product == nil)
        #expect(!check.isAuthorised)
        #expect(check.findings.map(\.rule) == ["medication.unknown"])
        #expect(check.findings.first?.location?.path == "RXE-2.1")
    }

    @Test func authorisationDependsOnTheDate() {
        #expect(list.check(code: "P2", on: CalendarDate("2022-12-31")!).isAuthorised)
        let after = list.check(code: "P2", on: CalendarDate("2023-01-01")!)
        #expect(after.findings.map(\.rule) == ["medication.not-authorised"])
        #expect(after.findings.first?.message.contains("withdrawn") == true)
        #expect(after.reimbursement?.rate == 100)  // still listed: the list and the authorisation are separate facts
        #expect(list.check(code: "P3", on: day).findings.map(\.rule) == ["medication.not-authorised", "medication.not-reimbursed"])
        #expect(list.check(code: "P4", on: day).findings.first?.rule == "medication.not-authorised")
    }

    @Test func notReimbursedIsInformation() throws {
        let finding = try #require(list.check(code: "P3", on: CalendarDate("2031-01-01")!).findings.first)
        #expect(finding.rule == "medication.not-reimbursed")
        #expect(finding.severity == .info)
    }

    @Test func badRowsAreReportedWithTheirLines() throws {
        let url = try folder.write("bad.csv", """
            code,name,status,authorised_from,authorised_until
            P1,One,authorised,2015-01-01,
            P1,Again,authorised,2015-01-01,
            P2,Two,approved,2015-01-01,
            P3,Three,authorised,2015-02-30,
            P4,Four,authorised,2015-01-01,someday

            """)
        let error = try #require(throws: TerminologyLoadError.self) { try MedicationList.load(products: url) }
        #expect(error.findings.map(\.rule) == ["medication.duplicate", "medication.status", "medication.date", "medication.date"])
        #expect(error.findings.map(\.location?.line) == [3, 4, 5, 6])
    }

    @Test func ratesOtherThanTheThreeAreRejected() throws {
        let products = try folder.write("p.csv", "code,name,status,authorised_from\nP1,One,authorised,2015-01-01\n")
        let positive = try folder.write("r.csv", "code,rate,valid_from\nP1,50,2015-01-01\n")
        let error = try #require(throws: TerminologyLoadError.self) {
            try MedicationList.load(products: products, positiveList: positive)
        }
        #expect(error.findings.map(\.rule) == ["medication.rate"])
    }

    @Test func calendarDates() {
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(CalendarDate("202402291230") == CalendarDate("2024-02-29"))
        #expect(CalendarDate("2024-2-29") == nil)
        #expect(CalendarDate("2024-13-01") == nil)
        #expect(CalendarDate("2024-01-31")! < CalendarDate("2024-02-01")!)
        #expect(CalendarDate("2024-01-05")!.description == "2024-01-05")
    }
}
