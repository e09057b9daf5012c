import ArgumentParser
import CDA
import Findings
import Foundation

struct CDACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cda",
        abstract: "Validate and read HL7 CDA R2 documents.",
        subcommands: [Validate.self, Read.self])

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one JSON line per finding (file, line, severity, rule, message…); exit 1 on any error.",
            discussion: "Every file is parsed safely and read as a CDA document; --schema adds XSD validation, --rules lu-header the Luxembourg header rules. A summary goes to stderr.")

        @Argument(help: "CDA documents.") var files: [String]
        @Option(help: "An XSD schema, e.g. the CDA R2 CDA.xsd (loaded once for all files).") var schema: String?
        @Option(help: "Rule sets to apply: \(LuxembourgHeaderRules.name).") var rules: [String] = []

        func validate() throws {
            for rule in rules where rule != LuxembourgHeaderRules.name {
                throw ValidationError("unknown rule set '\(rule)' (known: \(LuxembourgHeaderRules.name))")
            }
        }

        func run() throws {
            let xsd: XMLSchema?
            do { xsd = try schema.map { path throws(XMLSchemaError) in try XMLSchema(path: path) } }
            catch { throw CommandFailure(error.description) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]

            var all: [Finding] = []
            for file in files {
                let findings = check(file, schema: xsd)
                for finding in findings {
                    writeStandardOutput(Array(try encoder.encode(FindingLine(finding))) + [UInt8(ascii: "\n")])
                }
                all += findings
            }
            let errors = all.filter { $0.severity == .error }.count
            let warnings = all.filter { $0.severity == .warning }.count
            let failing = Set(all.filter { $0.severity == .error }.compactMap { $0.location?.file }).count
            FileHandle.standardError.write(Data(
                "\(files.count) files, \(failing) with errors: \(errors) errors, \(warnings) warnings\n".utf8))
            if errors > 0 { throw ExitCode.failure }
        }

        private func check(_ file: String, schema: XMLSchema?) -> [Finding] {
            let document: XMLDocument
            do {
                document = try XMLDocument(bytes: Data(contentsOf: URL(fileURLWithPath: file)))
            } catch let error as XMLParseError {
                return error.diagnostics.filter { $0.level != .warning }.map {
                    Finding(severity: .error, rule: "xml", message: $0.message,
                            location: .init(file: file, line: $0.line, column: $0.column))
                }
            } catch {
                return [Finding(severity: .error, rule: "io", message: "cannot read: \(error.localizedDescription)",
                                location: .init(file: file))]
            }
            var findings: [Finding] = []
            do { _ = try ClinicalDocument(document) } catch {
                findings.append(Finding(severity: .error, rule: "cda", message: error.message,
                                        location: .init(file: file, line: document.root?.line)))
            }
            if let schema { findings += schema.validate(document, file: file) }
            if rules.contains(LuxembourgHeaderRules.name) { findings += LuxembourgHeaderRules().check(document, file: file) }
            return findings
        }
    }

    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the document's header, sections and XD-LAB results as JSON.")

        @Argument(help: "A CDA document.") var file: String

        func run() throws {
            let document = try parseXMLFile(file)
            let cda: ClinicalDocument
            do { cda = try ClinicalDocument(document) } catch { throw CommandFailure("\(file): \(error)") }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            writeStandardOutput(Array(try encoder.encode(cda)) + [UInt8(ascii: "\n")])
        }
    }
}

struct XPathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xpath",
        abstract: "Print each matching node's string value, one per line.",
        discussion: "Prefixes hl7 (urn:hl7-org:v3), xsi and sdtc are bound; --namespace binds more. A string, number or boolean expression prints its one value.")

    @Argument(help: "An XML file.") var file: String
    @Argument(help: "An XPath 1.0 expression, e.g. /hl7:ClinicalDocument/hl7:title.") var expression: String
    @Option(name: .customLong("namespace"), help: "A further prefix binding, PREFIX=URI.") var namespaces: [String] = []

    func run() throws {
        let document = try parseXMLFile(file)
        for binding in namespaces {
            guard let equals = binding.firstIndex(of: "=") else { throw ValidationError("--namespace wants PREFIX=URI, not \(binding)") }
            document.bind(prefix: String(binding[..<equals]), to: String(binding[binding.index(after: equals)...]))
        }
        do {
            let values = try document.strings(XPathExpression(expression))
            writeStandardOutput(Array(values.map { $0 + "\n" }.joined().utf8))
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

/// Parses a file given to a command, or fails with `FILE:LINE:COLUMN: message`.
private func parseXMLFile(_ file: String) throws -> XMLDocument {
    let bytes: Data
    do { bytes = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
        throw CommandFailure("cannot read \(file): \(error.localizedDescription)")
    }
    do { return try XMLDocument(bytes: bytes) } catch {
        // A fragment cut out of a CDA document uses prefixes its document declared: read it in
        // place, so that it is reported as the fragment it is.
        if error.message.contains("Namespace prefix"), let fragment = try? XMLDocument(cdaFragment: bytes) { return fragment }
        throw CommandFailure("\(file):\(error.line):\(error.column): \(error.message)")
    }
}

/// A finding as one flat JSON object, the shape scripts rely on (DESIGN.md §7).
private struct FindingLine: Encodable {
    var file: String?
    var line: Int?
    var column: Int?
    var path: String?
    var severity: Finding.Severity
    var rule: String
    var message: String
    var code: String?
    var suggestion: String?

    init(_ finding: Finding) {
        file = finding.location?.file
        line = finding.location?.line
        column = finding.location?.column
        path = finding.location?.path
        severity = finding.severity
        rule = finding.rule
        message = finding.message
        code = finding.code
        suggestion = finding.suggestion
    }
}
