import Findings
import Foundation

/// A code system or value set that routes check codes against: an HL7 v2 table (0001 sex, 0078
/// abnormal flags…), a platform code system (1.3.182.5.9 document types…). Loaded from a CSV
/// file named in a pack's manifest, so an integrator adds one without code.
public struct CodeSystem: Sendable {
    public struct Concept: Sendable, Hashable, Codable {
        public var code: String
        public var display: String
        public var definition: String?

        public init(code: String, display: String, definition: String? = nil) {
            self.code = code
            self.display = display
            self.definition = definition
        }
    }

    /// The short name routes use, e.g. `hl70001`.
    public var id: String
    public var name: String
    /// The OID or URI that messages carry, e.g. `2.16.840.1.113883.12.1`, `1.3.182.5.9`.
    public var system: String?
    public var version: String?
    /// Other names messages use for it, e.g. `HL70001`.
    public var aliases: [String]
    public private(set) var concepts: [Concept] = []
    private var positions: [String: Int] = [:]

    /// A code system of `concepts`; the first of two concepts with the same code wins.
    public init(id: String, name: String, system: String? = nil, version: String? = nil, aliases: [String] = [],
                concepts: [Concept]) {
        self.id = id
        self.name = name
        self.system = system
        self.version = version
        self.aliases = aliases
        for concept in concepts where positions[concept.code] == nil {
            positions[concept.code] = self.concepts.count
            self.concepts.append(concept)
        }
    }

    public subscript(code: String) -> Concept? { positions[code].map { concepts[$0] } }

    /// Whether `name` designates this code system: its id, OID or URI, or an alias, in any case.
    public func isNamed(_ name: String) -> Bool {
        ([id, system].compactMap { $0 } + aliases).contains { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// An error finding when `code` is not in the code system.
    public func findings(for code: String, at location: Finding.Location? = nil) -> [Finding] {
        guard self[code] == nil else { return [] }
        let known = concepts.count <= 12 ? " (one of \(concepts.map(\.code).joined(separator: ", ")))" : ""
        return [Finding(severity: .error, rule: "codesystem.unknown-code",
                        message: "'\(code)' is not in \(id) \(name)\(known)", code: code, location: location)]
    }

    /// Loads concepts from a CSV file with the columns `code` and `display`, and optionally
    /// `definition`; other columns are ignored.
    public static func load(contentsOf url: URL, id: String, name: String, system: String? = nil,
                            version: String? = nil, aliases: [String] = []) throws -> CodeSystem {
        var concepts: [Concept] = []
        var codes: Set<String> = []
        let reader = CSVReader(url: url)
        try reader.readTable(columns: ["code", "display"], optionalColumns: ["definition"]) { row, column, optional, problems in
            let code = row[column[0]]
            guard !code.isEmpty, codes.insert(code).inserted else {
                problems.append(reader.problem(row.line, rule: "codesystem.code",
                                               code.isEmpty ? "empty code" : "\(code) appears twice"))
                return
            }
            concepts.append(Concept(code: code, display: row[column[1]], definition: optional[0].flatMap(row.optional)))
        }
        return CodeSystem(id: id, name: name, system: system, version: version, aliases: aliases, concepts: concepts)
    }
}
