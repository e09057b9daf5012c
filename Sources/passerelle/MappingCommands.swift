import ArgumentParser
import Foundation
import HL7v2
import Mapping

struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Run one mapping on one message and print the rendered result.",
        discussion: "The input's first message is mapped; warnings (values left out) go to stderr. Exit 1 with the error when the mapping cannot be loaded, the message not parsed or mapped, or the result not rendered.")

    @Option(help: "A mapping file, e.g. Mappings/oru-to-xdlab.yaml.") var mapping: String
    @Option(help: "Output: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).") var to: OutputFormat = .cda
    @Argument(help: "An HL7 v2 message file, or - for standard input.") var input: String

    func run() throws {
        let plan: MappingPlan
        do { plan = try MappingPlan.load(contentsOf: URL(fileURLWithPath: mapping)) } catch { throw CommandFailure(error.description) }
        let bytes = try readInput(input)
        let message: HL7Message
        do { message = try HL7Stream.messages(in: bytes).first ?? HL7Message(bytes) } catch {
            throw CommandFailure("\(input): \(error)")
        }
        do {
            let result = try plan.map(message)
            for finding in result.findings { FileHandle.standardError.write(Data("warning: \(finding.message)\n".utf8)) }
            var output = try result.value.rendered(as: to)
            if output.last != UInt8(ascii: "\n") { output.append(UInt8(ascii: "\n")) }
            writeStandardOutput(output)
        } catch let error as MappingRunError {
            throw CommandFailure(error.description)
        } catch let error as RenderError {
            throw CommandFailure("\(input): cannot render \(to.rawValue): \(error)")
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}

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
