import CDA

// This file is compiled twice: here, where the suite below replays Tests/Fuzz/Regressions/CDAFuzzer,
// and in the fuzz package (Tests/Fuzz/Sources/CDAFuzzer/CDAFuzzOracle.swift is a symlink to it,
// built with FUZZING defined), so that a kept crash replays through exactly the oracle that found it.

/// The safe parse, the CDA reader and the Luxembourg header rules on any input: no crash or hang
/// (libFuzzer's and the sanitizers' business), and the few facts their callers rely on.
enum CDAFuzzOracle {
    /// What is wrong with the CDA path on `bytes`; empty when every property holds.
    static func violations(_ bytes: [UInt8]) -> [String] {
        let document: XMLDocument
        do {
            document = try XMLDocument(bytes: bytes)
        } catch {
            // Callers report `cause`, which needs at least one error among the diagnostics.
            return error.diagnostics.contains { $0.level != .warning } ? [] : ["a refused parse carries no error diagnostic"]
        }
        let rejectsRoot = LuxembourgHeaderRules().check(document).contains { $0.rule == "\(LuxembourgHeaderRules.name).root" }
        do {
            _ = try ClinicalDocument(document)
            return rejectsRoot ? ["the reader accepted a root element that the header rules reject"] : []
        } catch {
            return rejectsRoot ? [] : ["the reader refused a root element that the header rules accept: \(error)"]
        }
    }
}

#if !FUZZING
import Foundation
import Testing

/// Every input the fuzzer ever crashed on (deploy/fuzz keeps them) must now pass its oracle.
@Suite struct CDAFuzzRegressionTests {
    @Test func everyKeptCrashPassesTheOracle() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Regressions/CDAFuzzer")
        // A missing folder or an unreadable file throws, so the test cannot pass on inputs it never read.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        for name in names {
            let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
            for violation in CDAFuzzOracle.violations(bytes) {
                Issue.record("\(name): \(violation)")
            }
        }
        print("CDA fuzz regressions: \(names.count) files replayed from \(folder.path)")
    }
}
#endif
