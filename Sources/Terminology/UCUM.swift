import Findings

/// The syntax of UCUM unit expressions (The Unified Code for Units of Measure, §§ 2–7): terms of
/// components joined by `.` and `/`, a leading `/`, parentheses, integer factors, atoms with an
/// optional prefix and signed exponent, and `{annotations}`. UCUM is case-sensitive and has no
/// spaces.
public enum UCUM {
    /// Why a unit is not valid UCUM.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public enum Kind: Sendable, Hashable { case syntax, unknownAtom }
        public var kind: Kind
        public var message: String
        /// The character offset the problem was found at.
        public var offset: Int
        public var description: String { message }
    }

    /// The first problem of `unit`, nil when it is valid UCUM.
    public static func problem(in unit: String) -> Problem? {
        var parser = Parser(text: Array(unit.utf8))
        do throws(Problem) {
            if parser.text.isEmpty { throw parser.fail("empty unit") }
            if parser.peek == UInt8(ascii: "/") { parser.position += 1 }
            try parser.term()
            if parser.position < parser.text.count { throw parser.fail("unexpected '\(parser.character)'") }
            return nil
        } catch {
            return error
        }
    }

    /// A finding when `unit` is not valid UCUM: an error for bad syntax, a warning for an atom
    /// outside Passerelle's list (it may be a rare valid unit).
    public static func findings(for unit: String, at location: Finding.Location? = nil) -> [Finding] {
        guard let problem = problem(in: unit) else { return [] }
        switch problem.kind {
        case .syntax:
            return [Finding(severity: .error, rule: "ucum.syntax", message: "'\(unit)' is not a UCUM unit: \(problem.message)",
                            code: unit, location: location)]
        case .unknownAtom:
            return [Finding(severity: .warning, rule: "ucum.unknown-unit", message: "'\(unit)': \(problem.message)",
                            code: unit, location: location)]
        }
    }

    private struct Parser {
        let text: [UInt8]
        var position = 0

        var peek: UInt8? { position < text.count ? text[position] : nil }
        var character: String { String(decoding: [text[position]], as: UTF8.self) }

        func fail(_ message: String, kind: Problem.Kind = .syntax, at offset: Int? = nil) -> Problem {
            Problem(kind: kind, message: message, offset: offset ?? position)
        }

        mutating func term() throws(Problem) {
            try component()
            while let byte = peek, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") {
                position += 1
                try component()
            }
        }

        mutating func component() throws(Problem) {
            switch peek {
            case nil:
                throw fail("a unit is missing at the end")
            case UInt8(ascii: "("):
                position += 1
                try term()
                guard peek == UInt8(ascii: ")") else { throw fail("a parenthesis is not closed") }
                position += 1
            case UInt8(ascii: "{"):
                try annotation()
            default:
                try simpleUnit()
                if peek == UInt8(ascii: "{") { try annotation() }
            }
        }

        mutating func annotation() throws(Problem) {
            let start = position
            position += 1
            while let byte = peek, byte != UInt8(ascii: "}") {
                guard byte >= 33 && byte <= 126 && byte != UInt8(ascii: "{") else {
                    throw fail("an annotation holds only printable ASCII without spaces or braces")
                }
                position += 1
            }
            guard peek == UInt8(ascii: "}") else { throw fail("an annotation is not closed", at: start) }
            position += 1
        }

        /// A factor (digits), or an atom with an optional prefix and exponent. Square brackets
        /// are opaque: `[m/s2/Hz^(1/2)]`-like atoms may hold any character.
        mutating func simpleUnit() throws(Problem) {
            let start = position
            var exponentStart: Int?  // where a trailing [+-]digits run began, outside brackets
            while let byte = peek {
                if byte == UInt8(ascii: "[") {
                    guard let close = text[position...].firstIndex(of: UInt8(ascii: "]")) else {
                        throw fail("a square bracket is not closed")
                    }
                    position = close + 1
                    exponentStart = nil
                    continue
                }
                if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "(")
                    || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") { break }
                guard byte >= 33 && byte <= 126 else {
                    throw fail(byte == 0x20 ? "UCUM units have no spaces"
                               : byte == 0xC2 || byte == 0xCE ? "UCUM writes micro as u, not µ" : "only ASCII characters are allowed")
                }
                let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                let isSign = byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                if isSign {
                    exponentStart = position
                } else if isDigit {
                    if exponentStart == nil { exponentStart = position }
                } else {
                    exponentStart = nil
                }
                position += 1
            }
            guard position > start else { throw fail("a unit is missing") }
            let whole = text[start..<position]
            if whole.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) { return }  // a factor
            let atomEnd = exponentStart ?? position
            let exponent = text[atomEnd..<position]
            if let sign = exponent.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), exponent.count == 1 {
                throw fail("a sign without an exponent", at: atomEnd)
            }
            guard atomEnd > start else { throw fail("an exponent without a unit", at: start) }
            let atom = Substring(decoding: text[start..<atomEnd], as: UTF8.self)
            guard UCUMAtoms.isKnown(atom) else {
                throw fail("unknown unit '\(atom)'", kind: .unknownAtom, at: start)
            }
        }
    }
}
