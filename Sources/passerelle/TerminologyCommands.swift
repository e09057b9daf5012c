import ArgumentParser
import Foundation
import Terminology

/// `passerelle loinc check`: a verdict per code, in the shape scripts rely on (DESIGN.md §7).
struct LOINCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loinc", abstract: "LOINC codes.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Judge LOINC codes.",
            discussion: """
                Prints `CODE valid|bad-check-digit|unknown|deprecated|discouraged|bad-format`, one line per code.
                Without --table only the form and the check digit are judged, so `unknown` is never printed.
                Exits 1 when a code is anything but valid or discouraged, 2 when the table does not load.
                """)

        @Argument(help: "The codes to judge, e.g. 2345-7.")
        var codes: [String]

        @Option(help: "A LOINC table (Loinc.csv as published, or a subset with its columns).")
        var table: String?

        func run() throws {
            let loinc = try table.map { path in try loadOrExit { try LOINCTable.load(table: URL(fileURLWithPath: path)) } }
            var allAcceptable = true
            for code in codes {
                let verdict = LOINCVerdict(code, table: loinc)
                print("\(code) \(verdict.rawValue)")
                allAcceptable = allAcceptable && (verdict == .valid || verdict == .discouraged)
            }
            if !allAcceptable { throw ExitCode.failure }
        }
    }
}

/// `passerelle terminology lookup`: one entry of a terminology pack as JSON.
struct TerminologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terminology", abstract: "Terminology packs: LOINC, medications, code systems.",
        subcommands: [Lookup.self])

    struct Lookup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a code's entry as JSON; exit 1 if absent.",
            discussion: """
                SYSTEM is LN (or loinc, its OID or URI), medication (or 1.3.182.5.47), or a code system's id,
                OID or alias from the pack's manifest (hl70078, 0078, 1.3.182.5.9…).
                """)

        @Argument(help: "The terminology, e.g. LN, medication, hl70001, 1.3.182.5.9.")
        var system: String

        @Argument(help: "The code to look up.")
        var code: String

        @Option(help: "The pack folder (default: $PASSERELLE_TERMINOLOGY, else deploy/terminology/sample).")
        var pack: String?

        func run() throws {
            let folder = pack ?? ProcessInfo.processInfo.environment["PASSERELLE_TERMINOLOGY"] ?? "deploy/terminology/sample"
            let loaded = try loadOrExit { try TerminologyPack.load(from: URL(fileURLWithPath: folder)) }
            guard let entry = loaded.lookup(system: system, code: code) else {
                throw CommandFailure("\(code) not found in \(system) (pack \(loaded.name) \(loaded.version))")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(entry), as: UTF8.self))
        }
    }
}

/// Runs a load, printing every problem to standard error and exiting 2 when it fails.
private func loadOrExit<T>(_ load: () throws -> T) throws -> T {
    do {
        return try load()
    } catch let error as TerminologyLoadError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(2)
    }
}
