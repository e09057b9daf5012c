import Findings
import Yams

/// A load-time problem in a route or configuration file, located at file, line and column.
public struct FileProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var key: String?
    public var message: String

    public var description: String { "\(file):\(line):\(column): \(key.map { "'\($0)': " } ?? "")\(message)" }

    public var finding: Finding {
        Finding(severity: .error, rule: "route.load", message: (key.map { "'\($0)': " } ?? "") + message,
                location: Finding.Location(file: file, line: line, column: column))
    }
}

/// A YAML node that remembers where it was written, so every error names file, line and column.
struct YAMLNode {
    let node: Node
    let file: String

    static func parse(_ text: String, file: String) throws(FileProblem) -> YAMLNode {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw FileProblem(file: file, line: 1, column: 1, message: "the file is empty")
            }
            return YAMLNode(node: node, file: file)
        } catch let problem as FileProblem {
            throw problem
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw FileProblem(file: file, line: mark.line, column: mark.column, message: "not valid YAML: \(problem)")
            default:
                throw FileProblem(file: file, line: 1, column: 1, message: "not valid YAML: \(error)")
            }
        } catch {
            throw FileProblem(file: file, line: 1, column: 1, message: "not valid YAML: \(error)")
        }
    }

    var line: Int { node.mark?.line ?? 1 }
    var column: Int { node.mark?.column ?? 1 }

    func problem(_ message: String, key: String? = nil) -> FileProblem {
        FileProblem(file: file, line: line, column: column, key: key, message: message)
    }

    /// The entries of a mapping, refusing keys outside `allowed` with a did-you-mean suggestion.
    func mapping(allowed: [String], context: String) throws(FileProblem) -> [String: YAMLNode] {
        guard case .mapping(let mapping) = node else { throw problem("\(context) must be a mapping of keys to values") }
        var result: [String: YAMLNode] = [:]
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let located = YAMLNode(node: keyNode, file: file)
            guard allowed.contains(key) else {
                let hint = closest(to: key, among: allowed).map { "; did you mean '\($0)'?" } ?? "; allowed: \(allowed.joined(separator: ", "))"
                throw located.problem("unknown key in \(context)\(hint)", key: key)
            }
            guard result[key] == nil else { throw located.problem("key given twice in \(context)", key: key) }
            result[key] = YAMLNode(node: value, file: file)
        }
        return result
    }

    /// All entries of a mapping whose keys are free (names of sinks, headers).
    func entries(context: String) throws(FileProblem) -> [(key: String, value: YAMLNode)] {
        guard case .mapping(let mapping) = node else { throw problem("\(context) must be a mapping") }
        return mapping.map { (key: $0.key.string ?? "", value: YAMLNode(node: $0.value, file: file)) }
    }

    func sequence(context: String) throws(FileProblem) -> [YAMLNode] {
        guard case .sequence(let sequence) = node else { throw problem("\(context) must be a list") }
        return sequence.map { YAMLNode(node: $0, file: file) }
    }

    func string(_ key: String) throws(FileProblem) -> String {
        guard case .scalar(let scalar) = node else { throw problem("must be a single value", key: key) }
        return scalar.string
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(FileProblem) -> Int {
        guard let value = Int(try string(key)), range.contains(value) else {
            throw problem("must be a whole number from \(range.lowerBound) to \(range.upperBound)", key: key)
        }
        return value
    }
}

extension [String: YAMLNode] {
    func required(_ key: String, in owner: YAMLNode, context: String) throws(FileProblem) -> YAMLNode {
        guard let value = self[key] else { throw owner.problem("\(context) needs '\(key)'", key: key) }
        return value
    }
}
