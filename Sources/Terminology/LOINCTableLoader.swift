import Findings
import Foundation

extension LOINCTable {
    /// The columns Passerelle needs from `Loinc.csv`; the published table has about forty.
    static let requiredColumns = [
        "LOINC_NUM", "COMPONENT", "PROPERTY", "TIME_ASPCT", "SYSTEM", "SCALE_TYP", "METHOD_TYP", "CLASS",
        "CLASSTYPE", "STATUS", "EXAMPLE_UCUM_UNITS", "LONG_COMMON_NAME", "SHORTNAME", "ORDER_OBS",
    ]

    /// Loads LOINC's `Loinc.csv` as published (or a subset with the same columns) and, when given,
    /// its `MapTo.csv`. Every malformed line is reported, with file and line, in the error thrown.
    public static func load(table: URL, mapTo: URL? = nil) throws -> LOINCTable {
        var loinc = LOINCTable(entries: [])
        let reader = CSVReader(url: table)
        try reader.readTable(columns: requiredColumns) { row, column, _, problems in
            guard let code = LOINCCode(row[column[0]]) else {
                problems.append(reader.problem(row.line, rule: "loinc.format", "LOINC_NUM \(row[column[0]]) is not a LOINC code"))
                return
            }
            guard let status = LOINCStatus(rawValue: row[column[9]]) else {
                problems.append(reader.problem(row.line, rule: "loinc.status", "\(code): unknown STATUS \(row[column[9]])"))
                return
            }
            guard let classType = Int(row[column[8]]) else {
                problems.append(reader.problem(row.line, rule: "loinc.class-type", "\(code): CLASSTYPE \(row[column[8]]) is not a number"))
                return
            }
            let entry = LOINCEntry(
                code: code, component: row[column[1]], property: row[column[2]], timeAspect: row[column[3]],
                system: row[column[4]], scale: row[column[5]], method: row.optional(column[6]), loincClass: row[column[7]],
                classType: classType, status: status, exampleUCUMUnits: row.optional(column[10]),
                longCommonName: row[column[11]], shortName: row.optional(column[12]), orderObservation: row.optional(column[13]))
            if !loinc.add(entry) {
                problems.append(reader.problem(row.line, rule: "loinc.duplicate", "\(code) appears twice"))
            }
        }
        if let mapTo {
            try loinc.loadReplacements(mapTo)
        }
        return loinc
    }

    private mutating func loadReplacements(_ url: URL) throws {
        let reader = CSVReader(url: url)
        var replacements: [LOINCReplacement] = []
        try reader.readTable(columns: ["LOINC", "MAP_TO"], optionalColumns: ["COMMENT"]) { row, column, optional, problems in
            guard let code = LOINCCode(row[column[0]]), let replacement = LOINCCode(row[column[1]]) else {
                problems.append(reader.problem(row.line, rule: "loinc.format",
                                               "\(row[column[0]]) → \(row[column[1]]) is not a pair of LOINC codes"))
                return
            }
            replacements.append(LOINCReplacement(code: code, replacement: replacement,
                                                 comment: optional[0].flatMap { row.optional($0) }))
        }
        replacements.forEach { addReplacement($0) }
    }
}
