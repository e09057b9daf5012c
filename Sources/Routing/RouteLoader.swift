import Findings
import Foundation
import HL7v2

/// Loads and checks route files. Everything that can be known before a message arrives is an
/// error here: unknown keys, missing mappings, unknown sinks, two routes that can claim the same
/// message, a route that can never be reached.
public enum RouteLoader {
    static let routeKeys = ["route", "source", "match", "steps", "to", "on_error"]

    /// Loads every `*.yaml` in `directory`. Problems of all files are collected, not just the first.
    /// - Parameter knownSinks: the configured sink names; nil accepts any name (fixture tests).
    public static func load(directory: String, knownSinks: Set<String>?, knownMappings: Set<String>) throws(RouteLoadFailure) -> [Route] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw RouteLoadFailure(problems: [FileProblem(file: directory, line: 1, column: 1, message: "cannot read the routes folder")])
        }
        var routes: [Route] = []
        var problems: [FileProblem] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(FileProblem(file: path, line: 1, column: 1, message: "cannot read the file"))
                continue
            }
            do {
                routes.append(try parse(String(decoding: data, as: UTF8.self), file: path, knownSinks: knownSinks, knownMappings: knownMappings))
            } catch {
                problems.append(error)
            }
        }
        problems += conflicts(among: routes)
        guard problems.isEmpty else { throw RouteLoadFailure(problems: problems) }
        return routes
    }

    public static func parse(_ text: String, file: String, knownSinks: Set<String>?, knownMappings: Set<String>) throws(FileProblem) -> Route {
        let root = try YAMLNode.parse(text, file: file)
        let keys = try root.mapping(allowed: routeKeys, context: "a route")
        let name = try keys.required("route", in: root, context: "a route").string("route")

        let sourceNode = try keys.required("source", in: root, context: "a route")
        let source = try sourceNode.mapping(allowed: ["topic", "format"], context: "source")
        let topic = try source.required("topic", in: sourceNode, context: "source").string("topic")
        let formatNode = try source.required("format", in: sourceNode, context: "source")
        let formatName = try formatNode.string("format")
        guard let format = Route.Format(rawValue: formatName) else {
            throw formatNode.problem(choice(formatName, Route.Format.allCases.map(\.rawValue)), key: "format")
        }

        var match = Route.Match()
        if let matchNode = keys["match"] {
            let allowed = format == .cda ? ["template", "document_code", "headers"]
                : ["message_type", "sending_application", "sending_facility", "headers"]
            let entries = try matchNode.mapping(allowed: allowed, context: "match (format \(format.rawValue))")
            match.template = try entries["template"]?.string("template")
            match.documentCode = try entries["document_code"]?.string("document_code")
            match.messageType = try entries["message_type"]?.string("message_type")
            match.sendingApplication = try entries["sending_application"]?.string("sending_application")
            match.sendingFacility = try entries["sending_facility"]?.string("sending_facility")
            for (header, value) in try entries["headers"]?.entries(context: "headers") ?? [] {
                match.headers[header] = try value.string(header)
            }
        }

        var steps: [Route.Step] = []
        for stepNode in try keys["steps"]?.sequence(context: "steps") ?? [] {
            let kinds = format == .cda ? ["validate", "map", "render"] : ["validate", "map", "render", "enrich"]
            let step = try stepNode.mapping(allowed: kinds, context: "a step (format \(format.rawValue))")
            guard step.count == 1 else {
                throw stepNode.problem("a step is exactly one of \(kinds.map { "'\($0)'" }.joined(separator: ", "))")
            }
            if let enrichNode = step["enrich"] {
                let what = try enrichNode.string("enrich")
                guard let enrichment = Route.Enrichment(rawValue: what) else {
                    throw enrichNode.problem(choice(what, Route.Enrichment.allCases.map(\.rawValue)), key: "enrich")
                }
                steps.append(.enrich(enrichment))
            } else if let mapNode = step["map"] {
                let mapping = try mapNode.string("map")
                guard knownMappings.contains(mapping) else {
                    let hint = closest(to: mapping, among: Array(knownMappings)).map { "; did you mean '\($0)'?" } ?? ""
                    throw mapNode.problem("no mapping named '\(mapping)' in the mappings folder\(hint)", key: "map")
                }
                steps.append(.map(mapping: mapping))
            } else if let renderNode = step["render"] {
                let format = try renderNode.string("render")
                guard Route.renderFormats.contains(format) else {
                    throw renderNode.problem(choice(format, Route.renderFormats), key: "render")
                }
                guard steps.contains(where: { if case .map = $0 { true } else { false } }) else {
                    throw renderNode.problem("'render' needs a 'map' step before it", key: "render")
                }
                steps.append(.render(format: format))
            } else if let validateNode = step["validate"] {
                let checks = try validateNode.mapping(
                    allowed: format == .cda ? ["lu_header", "schema"] : ["loinc", "units", "medications", "positive_list"],
                    context: "validate (format \(format.rawValue))")
                func severity(_ key: String) throws(FileProblem) -> Route.Severity {
                    guard let node = checks[key] else { return .off }
                    let text = try node.string(key)
                    guard let value = Route.Severity(rawValue: text) else {
                        throw node.problem(choice(text, Route.Severity.allCases.map(\.rawValue)), key: key)
                    }
                    return value
                }
                if format == .cda {
                    steps.append(.validateDocument(header: try severity("lu_header"), schema: try severity("schema")))
                    continue
                }
                let prescriptionKeys = ["medications", "positive_list"]
                if checks.keys.allSatisfy({ !prescriptionKeys.contains($0) }) || checks["loinc"] != nil || checks["units"] != nil {
                    steps.append(.validate(loinc: try severity("loinc"), units: try severity("units")))
                }
                if prescriptionKeys.contains(where: { checks[$0] != nil }) {
                    steps.append(.validatePrescriptions(medications: try severity("medications"), positiveList: try severity("positive_list")))
                }
            }
        }

        let toNode = try keys.required("to", in: root, context: "a route")
        var destinations: [Route.Destination] = []
        for destinationNode in try toNode.sequence(context: "to") {
            var sink: String?
            var parameters: [String: String] = [:]
            var messageParameters: [String: HL7Path] = [:]
            for (key, value) in try destinationNode.entries(context: "a destination") {
                if key == "sink" {
                    sink = try value.string(key)
                } else if case .mapping = value.node {
                    guard format != .cda else {
                        throw value.problem("a parameter read from the message needs an HL7 v2 source; give a constant", key: key)
                    }
                    let entries = try value.mapping(allowed: ["path"], context: "parameter '\(key)'")
                    let pathNode = try entries.required("path", in: value, context: "parameter '\(key)'")
                    do {
                        messageParameters[key] = try HL7Path(try pathNode.string("path"))
                    } catch let error as HL7Error {
                        throw pathNode.problem("not an HL7 path: \(error.kind.rawValue)", key: "path")
                    } catch let problem as FileProblem {
                        throw problem
                    } catch {
                        throw pathNode.problem("not an HL7 path", key: "path")
                    }
                } else {
                    parameters[key] = try value.string(key)
                }
            }
            guard let sink else { throw destinationNode.problem("a destination needs 'sink'") }
            if let knownSinks, !knownSinks.contains(sink) {
                let hint = closest(to: sink, among: Array(knownSinks)).map { "; did you mean '\($0)'?" } ?? ""
                throw destinationNode.problem("no sink named '\(sink)' in the configuration\(hint)", key: "sink")
            }
            destinations.append(Route.Destination(sink: sink, parameters: parameters, messageParameters: messageParameters))
        }
        guard !destinations.isEmpty else { throw toNode.problem("a route needs at least one destination", key: "to") }

        var policy = Route.ErrorPolicy.standard
        if let errorNode = keys["on_error"] {
            let entries = try errorNode.mapping(allowed: ["retry", "then", "reply"], context: "on_error")
            if let replyNode = entries["reply"] {
                let reply = try replyNode.mapping(allowed: ["topic"], context: "reply")
                policy.replyTopic = try reply.required("topic", in: replyNode, context: "reply").string("topic")
            }
            if let thenNode = entries["then"], try thenNode.string("then") != "dead-letter" {
                throw thenNode.problem("only 'dead-letter' is supported", key: "then")
            }
            if let retryNode = entries["retry"] {
                let retry = try retryNode.mapping(allowed: ["attempts", "backoff"], context: "retry")
                if let attempts = retry["attempts"] { policy.attempts = try attempts.int("attempts", in: 1...100) }
                if let backoffNode = retry["backoff"] {
                    let text = try backoffNode.string("backoff")
                    guard let (low, high) = parseBackoff(text), low <= high else {
                        throw backoffNode.problem("expected a range like 200ms..30s", key: "backoff")
                    }
                    policy.initialBackoffMilliseconds = low
                    policy.maxBackoffMilliseconds = high
                }
            }
        }
        return Route(name: name, file: file, line: root.line, topic: topic, format: format, match: match, steps: steps,
                     destinations: destinations, onError: policy)
    }

    /// Pairs of routes on one topic whose matches can both hold for one message: which one a
    /// message takes would depend on file order, so it is refused.
    static func conflicts(among routes: [Route]) -> [FileProblem] {
        var problems: [FileProblem] = []
        for (index, first) in routes.enumerated() {
            for second in routes[(index + 1)...] where first.topic == second.topic {
                // A topic's messages are read in one format: a route of another could never be reached.
                guard first.format == second.format else {
                    problems.append(FileProblem(
                        file: second.file, line: second.line, column: 1, key: "format",
                        message: "route '\(second.name)' reads topic \(second.topic) as \(second.format.rawValue), but route '\(first.name)' (\(first.file)) reads it as \(first.format.rawValue); one of them could never be reached: give each format its own topic"))
                    continue
                }
                guard first.match.overlaps(second.match) else { continue }
                problems.append(FileProblem(
                    file: second.file, line: second.line, column: 1, key: "match",
                    message: "route '\(second.name)' can claim the same messages as route '\(first.name)' (\(first.file)); make their matches exclusive"))
            }
        }
        return problems
    }

    private static func choice(_ value: String, _ allowed: [String]) -> String {
        "'\(value)' is not one of \(allowed.joined(separator: ", "))" + (closest(to: value, among: allowed).map { "; did you mean '\($0)'?" } ?? "")
    }

    /// `200ms..30s` → milliseconds.
    static func parseBackoff(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "..", omittingEmptySubsequences: false)
        guard parts.count == 2, let low = milliseconds(parts[0]), let high = milliseconds(parts[1]) else { return nil }
        return (low, high)
    }

    private static func milliseconds(_ text: Substring) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("ms") { return Int(trimmed.dropLast(2)) }
        if trimmed.hasSuffix("s") { return Int(trimmed.dropLast()).map { $0 * 1000 } }
        if trimmed.hasSuffix("m") { return Int(trimmed.dropLast()).map { $0 * 60_000 } }
        return nil
    }
}

/// Every problem found while loading routes.
public struct RouteLoadFailure: Error, Sendable, CustomStringConvertible {
    public var problems: [FileProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

extension Route.Match {
    /// Whether some message could satisfy both: every condition both give must agree.
    func overlaps(_ other: Route.Match) -> Bool {
        func agree(_ a: String?, _ b: String?) -> Bool {
            guard let a, let b else { return true }
            return a == b
        }
        func typesAgree(_ a: String?, _ b: String?) -> Bool {
            guard let a, let b else { return true }
            return a == b || a.hasPrefix(b + "^") || b.hasPrefix(a + "^")
        }
        // Different templates do not make routes exclusive: one document can declare both.
        return typesAgree(messageType, other.messageType) && agree(sendingApplication, other.sendingApplication)
            && agree(sendingFacility, other.sendingFacility) && agree(documentCode, other.documentCode)
            && headers.allSatisfy { key, value in other.headers[key].map { $0 == value } ?? true }
    }
}
