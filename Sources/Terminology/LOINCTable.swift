import Findings
import Foundation

/// The LOINC table, or a subset of it: entries by code in O(1), and the replacements of
/// deprecated and discouraged codes when the MapTo file was loaded with it.
public struct LOINCTable: Sendable {
    /// The entries in file order.
    public private(set) var entries: [LOINCEntry] = []
    private var positions: [LOINCCode: Int] = [:]
    private var replacementsByCode: [LOINCCode: [LOINCReplacement]] = [:]

    /// A table of `entries`; the first of two entries with the same code wins.
    public init(entries: [LOINCEntry], replacements: [LOINCReplacement] = []) {
        entries.forEach { add($0) }
        replacements.forEach { replacementsByCode[$0.code, default: []].append($0) }
    }

    public var count: Int { entries.count }

    public subscript(code: LOINCCode) -> LOINCEntry? {
        positions[code].map { entries[$0] }
    }

    public subscript(code: String) -> LOINCEntry? {
        LOINCCode(code).flatMap { self[$0] }
    }

    /// The entry's index in `entries`, for `read`.
    func position(of code: LOINCCode) -> Int? { positions[code] }

    /// Reads the entry at `position` in place: copying a LOINCEntry out of the array would retain
    /// and release a dozen strings, more than the rest of a check costs.
    func read<Value>(_ position: Int, _ body: (UnsafePointer<LOINCEntry>) -> Value) -> Value {
        entries.withUnsafeBufferPointer { body($0.baseAddress! + position) }
    }

    /// What MapTo says to use instead of `code`, empty when it says nothing or was not loaded.
    public func replacements(for code: LOINCCode) -> [LOINCReplacement] {
        replacementsByCode[code] ?? []
    }

    /// False when an entry with the same code is already there.
    @discardableResult
    mutating func add(_ entry: LOINCEntry) -> Bool {
        guard positions[entry.code] == nil else { return false }
        positions[entry.code] = entries.count
        entries.append(entry)
        return true
    }

    mutating func addReplacement(_ replacement: LOINCReplacement) {
        replacementsByCode[replacement.code, default: []].append(replacement)
    }
}

/// One row of LOINC's MapTo file: a deprecated or discouraged code and the code to use instead.
public struct LOINCReplacement: Sendable, Hashable, Codable {
    public var code: LOINCCode
    public var replacement: LOINCCode
    public var comment: String?

    public init(code: LOINCCode, replacement: LOINCCode, comment: String? = nil) {
        self.code = code
        self.replacement = replacement
        self.comment = comment
    }
}
