import Findings
import Foundation

/// The positions of named columns in a CSV header row. Tables are matched by column name, in
/// any order, so that publishers may add columns between releases; extra columns are ignored.
struct CSVHeader {
    let line: Int
    let columnCount: Int
    private let positions: [String: Int]

    init(_ record: CSVRecord) {
        line = record.line
        columnCount = record.count
        var positions: [String: Int] = [:]
        for index in 0..<record.count {
            let name = record[index].trimmingCharacters(in: .whitespaces)
            if positions[name] == nil { positions[name] = index }
        }
        self.positions = positions
    }

    subscript(name: String) -> Int? { positions[name] }

    /// The positions of `names`, in order, or a finding naming every missing one.
    func require(_ names: [String], in reader: CSVReader) throws -> [Int] {
        let missing = names.filter { positions[$0] == nil }
        guard missing.isEmpty else {
            throw TerminologyLoadError(findings: [reader.problem(line, rule: "csv.missing-column",
                "missing required column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))")])
        }
        return names.map { positions[$0]! }
    }

    /// A finding when a record does not have as many fields as the header.
    func checkWidth(_ record: CSVRecord, in reader: CSVReader) -> Finding? {
        record.count == columnCount ? nil : reader.problem(record.line, rule: "csv.column-count",
            "\(record.count) field\(record.count == 1 ? "" : "s"), the header has \(columnCount)")
    }
}

extension CSVReader {
    /// Reads a table whose first record names the columns: resolves `columns` (all required) and
    /// `optionalColumns` once, checks every record's width, hands each well-formed row to `row`
    /// with the columns' positions in the order asked, and throws every problem found, if any,
    /// once the whole file has been read.
    func readTable(columns: [String], optionalColumns: [String] = [],
                   _ row: (CSVRecord, _ columns: [Int], _ optional: [Int?], _ problems: inout [Finding]) throws -> Void) throws {
        var problems: [Finding] = []
        var header: CSVHeader?
        var positions: [Int] = [], optionalPositions: [Int?] = []
        try forEachRecord(problems: &problems) { record, problems in
            guard let header else {
                let found = CSVHeader(record)
                positions = try found.require(columns, in: self)
                optionalPositions = optionalColumns.map { found[$0] }
                header = found
                return
            }
            if let wrongWidth = header.checkWidth(record, in: self) {
                problems.append(wrongWidth)
                return
            }
            try row(record, positions, optionalPositions, &problems)
        }
        if header == nil && problems.isEmpty {
            problems.append(problem(1, rule: "csv.missing-column", "the file is empty: no header row"))
        }
        if !problems.isEmpty { throw TerminologyLoadError(findings: problems) }
    }
}
