import ArgumentParser
import Foundation
import Mapping

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Load every mapping under a folder; print file:line:column errors and exit 1 if any.",
        discussion: "Every .yaml or .yml file under DIR (default Mappings) is compiled as a mapping, with its tables. Routes will be checked here too.")

    @Argument(help: "The folder to check.") var directory: String = "Mappings"

    func run() throws {
        let root = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw CommandFailure("cannot read \(directory)")
        }
        let files = walker.compactMap { $0 as? URL }.filter { ["yaml", "yml"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
        var failures = 0
        for file in files {
            do {
                _ = try MappingPlan.load(contentsOf: file)
            } catch {
                failures += 1
                print(error.description)
            }
        }
        FileHandle.standardError.write(Data("\(files.count) mappings, \(failures) with errors\n".utf8))
        if failures > 0 { throw ExitCode.failure }
    }
}
