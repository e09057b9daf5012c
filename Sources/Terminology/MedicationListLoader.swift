import Findings
import Foundation

extension MedicationList {
    /// Loads the medication reference (`code,name,form,strength,atc,status,authorised_from,
    /// authorised_until`) and, when given, the positive list (`code,rate,conditions,valid_from,
    /// valid_until`); dates are `YYYY-MM-DD`, an empty end date means open-ended.
    public static func load(products: URL, positiveList: URL? = nil) throws -> MedicationList {
        var loaded: [MedicationProduct] = []
        var codes: Set<String> = []
        let reader = CSVReader(url: products)
        try reader.readTable(columns: ["code", "name", "status", "authorised_from"],
                             optionalColumns: ["form", "strength", "atc", "authorised_until"]) { row, column, optional, problems in
            let code = row[column[0]]
            guard !code.isEmpty else {
                problems.append(reader.problem(row.line, rule: "medication.code", "empty product code"))
                return
            }
            guard let status = MedicationProduct.Status(rawValue: row[column[2]]) else {
                problems.append(reader.problem(row.line, rule: "medication.status",
                    "\(code): status \(row[column[2]]) is not one of \(MedicationProduct.Status.allCases.map(\.rawValue).joined(separator: ", "))"))
                return
            }
            let untilText = optional[3].flatMap(row.optional), until = untilText.flatMap { CalendarDate($0) }
            guard let from = CalendarDate(row[column[3]]), (untilText == nil) == (until == nil) else {
                problems.append(reader.problem(row.line, rule: "medication.date", "\(code): a date is not YYYY-MM-DD"))
                return
            }
            guard codes.insert(code).inserted else {
                problems.append(reader.problem(row.line, rule: "medication.duplicate", "\(code) appears twice"))
                return
            }
            loaded.append(MedicationProduct(
                code: code, name: row[column[1]], form: optional[0].flatMap(row.optional), strength: optional[1].flatMap(row.optional),
                atc: optional[2].flatMap(row.optional), status: status, authorisedFrom: from, authorisedUntil: until))
        }
        var positive: [PositiveListEntry] = []
        if let positiveList {
            let reader = CSVReader(url: positiveList)
            try reader.readTable(columns: ["code", "rate", "valid_from"],
                                 optionalColumns: ["conditions", "valid_until"]) { row, column, optional, problems in
                let code = row[column[0]]
                guard let rate = Int(row[column[1]]), PositiveListEntry.rates.contains(rate) else {
                    problems.append(reader.problem(row.line, rule: "medication.rate", "\(code): rate \(row[column[1]]) is not 40, 80 or 100"))
                    return
                }
                let untilText = optional[1].flatMap(row.optional), until = untilText.flatMap { CalendarDate($0) }
                guard let from = CalendarDate(row[column[2]]), (untilText == nil) == (until == nil) else {
                    problems.append(reader.problem(row.line, rule: "medication.date", "\(code): a date is not YYYY-MM-DD"))
                    return
                }
                positive.append(PositiveListEntry(code: code, rate: rate, conditions: optional[0].flatMap(row.optional),
                                                  validFrom: from, validUntil: until))
            }
        }
        return MedicationList(products: loaded, positiveList: positive)
    }
}
