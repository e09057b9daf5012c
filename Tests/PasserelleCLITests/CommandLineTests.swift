import Foundation
import Testing

/// Runs the built `passerelle` executable as scripts outside the code do (DESIGN.md §7).
@Suite struct CommandLineTests {
    @Test func versionNamesPasserelleAndTheLibrariesInUse() throws {
        let result = try runPasserelle(["--version"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].wholeMatch(of: /passerelle \d+\.\d+\.\d+/) != nil, "\(lines)")
        let rdkafka = try #require(lines.first { $0.hasPrefix("librdkafka ") })
        let parts = rdkafka.dropFirst("librdkafka ".count).split(separator: ".").compactMap { Int($0) }
        #expect(parts.count >= 2 && (parts[0], parts[1]) >= (2, 2), "\(rdkafka)")
        #expect(lines.contains { $0.wholeMatch(of: /libxml2 2\.\d+\.\d+/) != nil }, "\(lines)")
    }

    @Test func helpListsTheCommands() throws {
        let result = try runPasserelle(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("demo"))
    }

    @Test func unknownCommandFails() throws {
        let result = try runPasserelle(["no-such-command"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no-such-command"))
    }
}

struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The `passerelle` binary beside the test bundle in the build folder.
func passerelleExecutable() throws -> URL {
    var directory = Bundle.main.bundleURL
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("passerelle")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory.deleteLastPathComponent()
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "passerelle next to \(Bundle.main.bundleURL.path)"])
}

func runPasserelle(_ arguments: [String], input: Data? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = try passerelleExecutable()
    process.arguments = arguments
    let out = Pipe(), err = Pipe(), stdin = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(input) }
    try stdin.fileHandleForWriting.close()
    // Read before waiting so that a full pipe cannot stall the child.
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus,
                         stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}
