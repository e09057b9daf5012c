import Foundation
import Terminology
import Testing

@Suite struct TerminologyStoreTests {
    @Test func aNewerPackReplacesTheCurrentOne() throws {
        let folder = try TemporaryFolder()
        let store = try TerminologyStore(loading: TerminologyPackTests.writePack(in: folder, version: "1.0"))
        let before = store.current
        try store.reload(from: TerminologyPackTests.writePack(in: folder, version: "1.1", sexCodes: "F,Female\nM,Male\nX,Other\n"))
        #expect(store.current.version == PackVersion("1.1"))
        #expect(store.current.codeSystem(named: "hl70001")?["X"] != nil)
        #expect(before.version == PackVersion("1.0"))  // a snapshot taken before is unchanged
        #expect(before.codeSystem(named: "hl70001")?["X"] == nil)
    }

    @Test func aBrokenPackLeavesThePreviousOneInForce() throws {
        let folder = try TemporaryFolder()
        let store = try TerminologyStore(loading: TerminologyPackTests.writePack(in: folder, version: "1.0"))
        let broken = try TerminologyPackTests.writePack(in: folder, version: "2.0")
        try folder.write("pack-2.0/Loinc.csv", TestTable.header + "\n\"2345-7\",\"unclosed\n")
        let error = try #require(throws: TerminologyLoadError.self) { try store.reload(from: broken) }
        #expect(error.findings.map(\.rule) == ["csv.unbalanced-quote"])
        #expect(store.current.version == PackVersion("1.0"))
        #expect(store.current.loinc?.count == 7)
    }

    @Test func anOlderPackIsRefusedUnlessRollingBack() throws {
        let folder = try TemporaryFolder()
        let store = try TerminologyStore(loading: TerminologyPackTests.writePack(in: folder, version: "2.0"))
        let older = try TerminologyPackTests.writePack(in: folder, version: "1.9")
        let error = try #require(throws: TerminologyLoadError.self) { try store.reload(from: older) }
        #expect(error.findings.map(\.rule) == ["pack.not-newer"])
        #expect(store.current.version == PackVersion("2.0"))
        try store.reload(from: older, allowingOlder: true)
        #expect(store.current.version == PackVersion("1.9"))
    }

    /// Readers on other tasks always see one whole pack, old or new, while reloads happen.
    @Test func readersSeeWholePacksDuringReloads() async throws {
        let folder = try TemporaryFolder()
        let store = try TerminologyStore(loading: TerminologyPackTests.writePack(in: folder, version: "1"))
        let packs = try (2...6).map { try TerminologyPackTests.writePack(in: folder, version: "\($0)") }
        let seen = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    (0..<2_000).map { _ in
                        let pack = store.current
                        return "\(pack.version) \(pack.loinc?.count ?? 0) \(pack.codeSystems.count)"
                    }
                }
            }
            group.addTask {
                for pack in packs { _ = try? store.reload(from: pack) }
                return []
            }
            return await group.reduce(into: Set<String>()) { $0.formUnion($1) }
        }
        #expect(seen.allSatisfy { $0.hasSuffix(" 7 1") })
        #expect(store.current.version == PackVersion("6"))
    }
}
