import Foundation
import PlatformSim
@testable import Sinks
import Testing

/// The enrichment client against the stand-in's MPI and HPD, over HTTP.
@Suite struct DirectoryClientTests {
    static func directory(_ sim: RunningSimulator, timeToLive: Duration = .seconds(300)) -> PlatformDirectory {
        PlatformDirectory(mpiURL: sim.baseURL + "/mpi", hpdURL: sim.baseURL + "/hpd", client: sim.client, timeout: .seconds(15),
                          timeToLive: timeToLive)
    }

    @Test func aLocalIdLeadsToTheMatriculeAndIsAskedOnce() async throws {
        try await withSimulator { sim in
            let directory = Self.directory(sim)
            let local = PlatformDirectory.Identifier(system: "1.3.182.3.1.1.7.3", value: "P-884212")
            let identifiers = try await directory.identifiers(linkedTo: local, in: .patients)
            #expect(identifiers?.contains(.init(system: "1.3.182.4.4", value: "1985031512345")) == true)
            _ = try await directory.identifiers(linkedTo: local, in: .patients)
            #expect(directory.requestCount == 1, "the second answer comes from the cache")
        }
    }

    @Test func anUnknownIdentifierIsNilAndThatIsCachedToo() async throws {
        try await withSimulator { sim in
            let directory = Self.directory(sim)
            let unknown = PlatformDirectory.Identifier(system: "1.3.182.3.1.1.7.3", value: "P-000000")
            let first = try await directory.identifiers(linkedTo: unknown, in: .patients)
            let again = try await directory.identifiers(linkedTo: unknown, in: .patients)
            #expect(first == nil && again == nil)
            #expect(directory.requestCount == 1)
        }
    }

    @Test func aCNSCodeLeadsToTheHpdID() async throws {
        try await withSimulator { sim in
            let identifiers = try await Self.directory(sim).identifiers(
                linkedTo: .init(system: "1.3.182.4.6", value: "901235-57"), in: .practitioners)
            #expect(identifiers?.contains(.init(system: "1.3.182.4.1", value: "HPD-0043")) == true)
        }
    }

    @Test func anExpiredAnswerIsAskedAgainAndAnOutageIsTransient() async throws {
        try await withSimulator { sim in
            let directory = Self.directory(sim, timeToLive: .milliseconds(1))
            let matricule = PlatformDirectory.Identifier(system: "1.3.182.4.4", value: "7000010105084")
            _ = try await directory.identifiers(linkedTo: matricule, in: .patients)
            try await Task.sleep(for: .milliseconds(5))
            try await sim.setFault(FaultRule(service: "mpi", status: 503))
            let error = await #expect(throws: SinkError.self) { try await directory.identifiers(linkedTo: matricule, in: .patients) }
            #expect(error?.isTransient == true)
            #expect(directory.requestCount == 2)
        }
    }
}
