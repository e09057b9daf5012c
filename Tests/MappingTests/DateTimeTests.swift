import Foundation
@testable import Mapping
import Testing

@Suite struct DateTimeTests {
    typealias DateTime = Canonical.DateTime

    @Test func offsetIsKeptAsSent() throws {
        let time = try #require(DateTime(hl7: "20240305143000-0500"))
        #expect(time.offsetMinutes == -300)
        #expect(time.hl7 == "20240305143000-0500")
        #expect(time.description == "2024-03-05T14:30:00-05:00")
    }

    @Test func timesWithoutOffsetAreLuxembourgTimeWinterAndSummer() throws {
        #expect(DateTime(hl7: "20240105101500")?.hl7 == "20240105101500+0100")
        #expect(DateTime(hl7: "202407051015")?.hl7 == "202407051015+0200")
        // The night clocks went forward (31 March 2024, 02:00 → 03:00).
        #expect(DateTime(hl7: "20240331013000")?.offsetMinutes == 60)
        #expect(DateTime(hl7: "20240331033000")?.offsetMinutes == 120)
    }

    @Test func datesCarryNoZoneAndKeepTheirPrecision() throws {
        let date = try #require(DateTime(hl7: "19700101"))
        #expect(date.offsetMinutes == nil)
        #expect(date.precision == .day)
        #expect(date.description == "1970-01-01")
        #expect(DateTime(hl7: "197003")?.hl7 == "197003")
        #expect(DateTime(hl7: "20240305143000.1234+0100")?.description == "2024-03-05T14:30:00.1234+01:00")
    }

    @Test(arguments: ["196203520", "20241301", "20230229", "2024030525", "2024-03-05", "20240305+01", "", "abcd"])
    func malformedTimesAreRejected(_ text: String) {
        #expect(DateTime(hl7: text) == nil)
    }

    @Test func jsonRoundTripsThroughISO8601() throws {
        let times = ["20240305143000+0100", "19700101", "202403051430-0330", "2024"].compactMap { DateTime(hl7: $0) }
        #expect(times.count == 4)
        let data = try JSONEncoder().encode(times)
        #expect(String(decoding: data, as: UTF8.self).contains("2024-03-05T14:30:00+01:00"))
        #expect(try JSONDecoder().decode([DateTime].self, from: data) == times)
    }
}

@Suite struct NameBasedUUIDTests {
    @Test func version5UUIDsMatchRFC9562() {
        let dns = UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")!
        #expect(NameBasedUUID.make(namespace: dns, name: "python.org").uuidString == "886313E1-3B8A-5372-9B90-0C9AEE199E5D")
        #expect(NameBasedUUID.make(namespace: dns, name: "www.example.com").uuidString == "2ED6657D-E927-568B-95E1-2665A8AEA6A2")
        // A name that is not one contiguous buffer is hashed the same.
        #expect(NameBasedUUID.make(namespace: dns, name: "python.org".utf8.lazy.map { $0 }).uuidString
                == "886313E1-3B8A-5372-9B90-0C9AEE199E5D")
    }
}
