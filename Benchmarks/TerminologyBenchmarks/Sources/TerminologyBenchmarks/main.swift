import Findings
import Foundation
import Terminology

// Measures what issue 5 budgets: loading a full-size LOINC table (≤ 2 s, ≤ 150 MB peak) and
// validating the codes and units of a 10-result message (≤ 2 µs).
//   swift run -c release --package-path Benchmarks/TerminologyBenchmarks [ROWS]

func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

let rows = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 100_000
let file = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-loinc-\(rows).csv")
try SyntheticLOINCTable.write(rows: rows, to: file)
defer { try? FileManager.default.removeItem(at: file) }
let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0
let before = peakResidentMegabytes()

var table = LOINCTable(entries: [])
let loadTime = try seconds { table = try LOINCTable.load(table: file) }
let after = peakResidentMegabytes()
print(String(format: "load: %d rows, %.1f MB file, %.3f s, peak RSS %.1f MB (%.1f MB before loading)",
             table.count, Double(size) / 1e6, loadTime, after, before))

// Two lab messages of ten results, codes spread over the table: one clean, one with a
// deprecated code and a unit that is not the expected one (each check then builds a finding).
func message(withProblems: Bool) -> [(code: String, unit: String)] {
    (0..<10).map { index in
        let row = index * (rows / 10) + 1
        if withProblems && index == 3 { return (SyntheticLOINCTable.code(0), "mg/L") }  // row 0 is DEPRECATED
        return (SyntheticLOINCTable.code(row), SyntheticLOINCTable.units[row % 5].1)
    }
}

for withProblems in [false, true] {
    let results = message(withProblems: withProblems)
    let iterations = 200_000
    var findingCount = 0
    let time = seconds {
        for _ in 0..<iterations {
            for result in results {
                findingCount += table.findings(observationCode: result.code, unit: result.unit).count
            }
        }
    }
    print(String(format: "validate: 10-result message %@ in %.2f µs (%d findings)",
                 withProblems ? "with 2 problems" : "clean", time / Double(iterations) * 1e6, findingCount / iterations))
}
