import ArgumentParser
import CDA
import Foundation
import HL7v2
import Mapping

struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Run one mapping on one message and print the rendered result.",
        discussion: "The input's first message is mapped (a CDA document for a mapping `from: cda`); warnings (values left out) go to stderr. Exit 1 with the error when the mapping cannot be loaded, the message not parsed or mapped, or the result not rendered.")

    @Option(help: "A mapping file, e.g. Mappings/oru-to-xdlab.yaml.") var mapping: String
    @Option(help: "Output: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).") var to: OutputFormat = .cda
    @Argument(help: "An HL7 v2 message file (a CDA XML file for a cda mapping), or - for standard input.") var input: String

    func run() throws {
        let plan: MappingPlan
        do { plan = try MappingPlan.load(contentsOf: URL(fileURLWithPath: mapping)) } catch { throw CommandFailure(error.description) }
        let bytes = try readInput(input)
        do {
            let result = switch plan.source {
            case .hl7v2: try plan.map(try message(bytes))
            case .cda: try plan.map(try document(bytes))
            }
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

    private func message(_ bytes: [UInt8]) throws -> HL7Message {
        do { return try HL7Stream.messages(in: bytes).first ?? HL7Message(bytes) } catch {
            throw CommandFailure("\(input): \(error)")
        }
    }

    private func document(_ bytes: [UInt8]) throws -> XMLDocument {
        do { return try XMLDocument(bytes: bytes) } catch {
            throw CommandFailure("\(input):\(error.line):\(error.column): \(error.message)")
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}
