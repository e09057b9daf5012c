import Findings
import Foundation

/// The national medication reference and the CNS positive list, by product code.
public struct MedicationList: Sendable {
    public static let codeSystem = "1.3.182.5.47"

    private var products: [String: MedicationProduct] = [:]
    private var reimbursements: [String: [PositiveListEntry]] = [:]

    public init(products: [MedicationProduct], positiveList: [PositiveListEntry] = []) {
        for product in products where self.products[product.code] == nil { self.products[product.code] = product }
        for entry in positiveList { reimbursements[entry.code, default: []].append(entry) }
    }

    public var count: Int { products.count }

    public subscript(code: String) -> MedicationProduct? { products[code] }

    /// Every period of the product on the positive list.
    public func positiveList(for code: String) -> [PositiveListEntry] { reimbursements[code] ?? [] }

    /// The positive-list period in force on `date`, nil when the product is not reimbursed then.
    public func reimbursement(for code: String, on date: CalendarDate) -> PositiveListEntry? {
        reimbursements[code]?.first { $0.isValid(on: date) }
    }

    /// What is known of a prescribed product on the prescription date.
    public struct Check: Sendable, Hashable {
        public var product: MedicationProduct?
        public var reimbursement: PositiveListEntry?
        public var findings: [Finding]
        public var isAuthorised: Bool { product != nil && !findings.hasErrors }
    }

    /// The product must exist and be authorised on `date`; a product off the positive list is
    /// prescribable but not reimbursed, which is worth saying but is not an error.
    public func check(code: String, on date: CalendarDate, at location: Finding.Location? = nil) -> Check {
        guard let product = products[code] else {
            return Check(findings: [Finding(severity: .error, rule: "medication.unknown",
                message: "\(code) is not in the national medication reference", code: code, location: location)])
        }
        var findings: [Finding] = []
        if !product.isAuthorised(on: date) {
            let period = "from \(product.authorisedFrom)" + (product.authorisedUntil.map { " until \($0)" } ?? "")
            findings.append(Finding(severity: .error, rule: "medication.not-authorised",
                message: "\(code) (\(product.name)) is not authorised on \(date): \(product.status.rawValue) \(period)",
                code: code, location: location))
        }
        let reimbursement = reimbursement(for: code, on: date)
        if reimbursement == nil {
            findings.append(Finding(severity: .info, rule: "medication.not-reimbursed",
                message: "\(code) (\(product.name)) is not on the CNS positive list on \(date)", code: code, location: location))
        }
        return Check(product: product, reimbursement: reimbursement, findings: findings)
    }
}
