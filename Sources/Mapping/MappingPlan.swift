import CDA
import Findings
import Foundation
import HL7v2
import Terminology
import Yams

/// A mapping file, compiled: load it once (at start-up or on `passerelle check`), then map any
/// number of messages, from any number of threads. Mapping reads only the message: tables are
/// loaded with the file, and no rule can reach files, the network, or loop.
public struct MappingPlan: Sendable {
    /// What the mapping produces.
    public enum Target: String, Sendable, CaseIterable {
        case labReport = "lab-report"
        case ordonnance
        case document
    }

    public let name: String
    public let file: String
    public let summary: String?
    public let target: Target
    /// What the mapping reads: `map(_: HL7Message)` or `map(_: XMLDocument)`.
    public let source: SourceFormat
    private let program: Program

    private enum Program: Sendable {
        case labReport(ObjectPlan<Canonical.LabReport>)
        case ordonnance(ObjectPlan<Canonical.Ordonnance>)
        case document(ObjectPlan<Canonical.ClinicalDocument>)
    }

    static let topKeys = ["mapping", "description", "from", "to", "constants", "tables", "map"]
    static let sources = SourceFormat.allCases.map(\.rawValue)

    /// Loads and compiles the mapping at `url`; tables are found beside it.
    public static func load(contentsOf url: URL) throws(MappingLoadError) -> MappingPlan {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw MappingLoadError(file: url.path, line: 0, column: 0, key: "", message: "cannot read the file")
        }
        return try MappingPlan(yaml: text, file: url.path, directory: url.deletingLastPathComponent())
    }

    /// Compiles mapping text; `file` names it in errors, `directory` is where its tables are.
    public init(yaml: String, file: String, directory: URL) throws(MappingLoadError) {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw MappingLoadError(file: file, line: 1, column: 1, key: "", message: "the file is empty")
            }
            root = node
        } catch let error as MappingLoadError {
            throw error
        } catch let error as YamlError {
            throw Self.syntaxError(error, file: file)
        } catch {
            throw MappingLoadError(file: file, line: 0, column: 0, key: "", message: "not YAML: \(error)")
        }
        let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        var compiler = Compiler(file: file, mapping: stem)
        let entries = try compiler.entries(root, key: "", known: Self.topKeys)
        func entry(_ key: String) -> (key: String, node: Node, keyNode: Node)? { entries.first { $0.key == key } }

        let name = try entry("mapping").map { entry throws(MappingLoadError) in try compiler.text(entry.node, "mapping") } ?? stem
        self.name = name
        self.file = file
        compiler = Compiler(file: file, mapping: name)
        summary = try entry("description").map { entry throws(MappingLoadError) in try compiler.text(entry.node, "description") }
        guard let from = entry("from") else { throw compiler.error(root, "from", "missing: the source format (\(Self.sources.joined(separator: ", ")))") }
        let sourceName = try compiler.text(from.node, "from")
        guard let source = SourceFormat(rawValue: sourceName) else {
            throw compiler.error(from.node, "from", "source format '\(sourceName)' is not supported (supported: \(Self.sources.joined(separator: ", ")))",
                                 suggestion: closest(to: sourceName, among: Self.sources))
        }
        self.source = source
        compiler.format = source
        guard let to = entry("to") else { throw compiler.error(root, "to", "missing: what the mapping produces") }
        let targetName = try compiler.text(to.node, "to")
        guard let target = Target(rawValue: targetName) else {
            throw compiler.error(to.node, "to", "unknown target '\(targetName)' (one of \(Target.allCases.map(\.rawValue).joined(separator: ", ")))",
                                 suggestion: closest(to: targetName, among: Target.allCases.map(\.rawValue)))
        }
        self.target = target

        if let constants = entry("constants") {
            for item in try compiler.entries(constants.node, key: "constants", known: [], what: "constant", allowAny: true) {
                compiler.constants[item.key] = try compiler.text(item.node, "constants.\(item.key)")
            }
        }
        if let tables = entry("tables") {
            for item in try compiler.entries(tables.node, key: "tables", known: [], what: "table", allowAny: true) {
                let key = "tables.\(item.key)"
                let url = directory.appendingPathComponent(try compiler.text(item.node, key))
                do {
                    compiler.tables[item.key] = CodeTable(name: item.key, system: try CodeSystem.load(contentsOf: url, id: item.key, name: item.key))
                } catch let error as TerminologyLoadError {
                    throw compiler.error(item.node, key, "cannot load the table: \(error.findings.first?.description ?? "\(error)")")
                } catch {
                    throw compiler.error(item.node, key, "cannot load the table: \(error)")
                }
            }
        }
        guard let map = entry("map") else { throw compiler.error(root, "map", "missing: the rules") }
        switch target {
        case .labReport: program = .labReport(try Schemas.labReport.compile(map.node, rule: "map", compiler: compiler, iterable: false))
        case .ordonnance: program = .ordonnance(try Schemas.ordonnance.compile(map.node, rule: "map", compiler: compiler, iterable: false))
        case .document: program = .document(try Schemas.document.compile(map.node, rule: "map", compiler: compiler, iterable: false))
        }
    }

    /// Maps one message. Throws when a required value is missing or a rule fails; problems that
    /// do not stop the mapping (a malformed optional date…) come back as findings.
    public func map(_ message: HL7Message) throws(MappingRunError) -> MappingResult {
        guard source == .hl7v2 else { throw wrongSource("an HL7 v2 message") }
        return try map(Cursor(message: message, mapping: name))
    }

    /// Maps one CDA document (a `from: cda` mapping); paths are evaluated from its root element.
    public func map(_ document: XMLDocument) throws(MappingRunError) -> MappingResult {
        guard source == .cda else { throw wrongSource("an XML document") }
        guard let root = document.root else {
            throw MappingRunError(mapping: name, rule: "from", path: nil, message: "the document has no root element")
        }
        return try map(Cursor(document: document, root: root, mapping: name))
    }

    private func wrongSource(_ given: String) -> MappingRunError {
        MappingRunError(mapping: name, rule: "from", path: nil, message: "the mapping reads \(source.rawValue), not \(given)")
    }

    private func map(_ start: consuming Cursor) throws(MappingRunError) -> MappingResult {
        // Taken, not copied: a copy would share the scopes, and entering the first group copy them.
        var cursor = start
        func run<Root>(_ plan: ObjectPlan<Root>, _ empty: Root) throws(MappingRunError) -> Root {
            var value = empty
            try plan.forEachItem(&cursor) { cursor throws(MappingRunError) in try plan.run(&value, &cursor) }
            return value
        }
        let value: CanonicalValue = switch program {
        case .labReport(let plan): .labReport(try run(plan, Canonical.LabReport()))
        case .ordonnance(let plan): .ordonnance(try run(plan, Canonical.Ordonnance()))
        case .document(let plan): .document(try run(plan, Canonical.ClinicalDocument()))
        }
        return MappingResult(value: value, findings: cursor.findings)
    }

    private static func syntaxError(_ error: YamlError, file: String) -> MappingLoadError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            MappingLoadError(file: file, line: mark.line, column: mark.column, key: "", message: "YAML syntax: \(problem)")
        default:
            MappingLoadError(file: file, line: 0, column: 0, key: "", message: "YAML: \(error)")
        }
    }
}

/// What a mapping produced. JSON: `{"labReport": {…}}`, `{"ordonnance": {…}}` or `{"document": {…}}`.
public enum CanonicalValue: Sendable, Hashable, Codable {
    case labReport(Canonical.LabReport)
    case ordonnance(Canonical.Ordonnance)
    case document(Canonical.ClinicalDocument)

    private enum CodingKeys: String, CodingKey {
        case labReport, ordonnance, document
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let report = try container.decodeIfPresent(Canonical.LabReport.self, forKey: .labReport) {
            self = .labReport(report)
        } else if let ordonnance = try container.decodeIfPresent(Canonical.Ordonnance.self, forKey: .ordonnance) {
            self = .ordonnance(ordonnance)
        } else {
            self = .document(try container.decode(Canonical.ClinicalDocument.self, forKey: .document))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .labReport(let report): try container.encode(report, forKey: .labReport)
        case .ordonnance(let ordonnance): try container.encode(ordonnance, forKey: .ordonnance)
        case .document(let document): try container.encode(document, forKey: .document)
        }
    }
}

public struct MappingResult: Sendable {
    public var value: CanonicalValue
    /// Warnings: values that could not be read and were left out.
    public var findings: [Finding]
}
