import Foundation

/// A fixture test beside the routes (`Routes/tests/<name>/`): an input message and what the
/// routes must make of it, in `expected.yaml`:
///
/// ```yaml
/// route: hrs-biology            # the route that takes the message
/// topic: hrs.lab.results        # optional: the source topic (default: the route's)
/// key: P1                       # optional Kafka key and headers
/// headers: { origin: lab }
/// deliver:                      # each sink and the file holding its exact payload; no other sink gets one
///   documents: documents.xml
/// # or, instead of deliver:
/// dead_letter: { step: validate, reason: loinc.check-digit }   # reason: a substring
/// reply: AA                     # optional: the acknowledgment code (MSA-1) sent to the reply topic
/// ```
public struct RouteFixture: Sendable, Hashable {
    public enum Expectation: Sendable, Hashable {
        /// Sink name → expected payload bytes.
        case deliver([String: [UInt8]])
        case deadLetter(step: String, reason: String)
    }

    public var name: String
    public var input: [UInt8]
    public var route: String
    public var topic: String?
    public var key: String?
    public var headers: [String: String]
    public var expectation: Expectation
    public var reply: String?

    static let keys = ["route", "topic", "key", "headers", "deliver", "dead_letter", "reply"]

    /// Every `tests/*/` folder under `routesDirectory` holding an `expected.yaml`, by name.
    /// The input is the folder's `input.*` file.
    public static func loadAll(routesDirectory: String) throws(FileProblem) -> [RouteFixture] {
        let tests = URL(fileURLWithPath: routesDirectory).appendingPathComponent("tests")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: tests.path)) ?? []).sorted()
        var fixtures: [RouteFixture] = []
        for name in names {
            let folder = tests.appendingPathComponent(name)
            let expected = folder.appendingPathComponent("expected.yaml")
            guard FileManager.default.fileExists(atPath: expected.path) else { continue }
            fixtures.append(try load(name: name, folder: folder, expected: expected))
        }
        return fixtures
    }

    static func load(name: String, folder: URL, expected: URL) throws(FileProblem) -> RouteFixture {
        func read(_ file: URL, _ node: YAMLNode?) throws(FileProblem) -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw node?.problem("cannot read \(file.lastPathComponent)")
                    ?? FileProblem(file: file.path, line: 1, column: 1, message: "cannot read the file")
            }
            return Array(data)
        }
        let text = String(decoding: try read(expected, nil), as: UTF8.self)
        let root = try YAMLNode.parse(text, file: expected.path)
        let keys = try root.mapping(allowed: keys, context: "a fixture")
        let inputs = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix("input.") }.sorted()
        guard let inputName = inputs.first else { throw root.problem("no input.* file beside expected.yaml") }
        var headers: [String: String] = [:]
        for (header, value) in try keys["headers"]?.entries(context: "headers") ?? [] {
            headers[header] = try value.string(header)
        }
        let expectation: Expectation
        switch (keys["deliver"], keys["dead_letter"]) {
        case (let deliver?, nil):
            var payloads: [String: [UInt8]] = [:]
            for (sink, file) in try deliver.entries(context: "deliver") {
                payloads[sink] = try read(folder.appendingPathComponent(try file.string(sink)), file)
            }
            expectation = .deliver(payloads)
        case (nil, let letter?):
            let entries = try letter.mapping(allowed: ["step", "reason"], context: "dead_letter")
            expectation = .deadLetter(step: try entries.required("step", in: letter, context: "dead_letter").string("step"),
                                      reason: try entries["reason"]?.string("reason") ?? "")
        default:
            throw root.problem("a fixture expects exactly one of 'deliver' or 'dead_letter'")
        }
        return RouteFixture(
            name: name, input: try read(folder.appendingPathComponent(inputName), nil),
            route: try keys.required("route", in: root, context: "a fixture").string("route"),
            topic: try keys["topic"]?.string("topic"), key: try keys["key"]?.string("key"), headers: headers,
            expectation: expectation, reply: try keys["reply"]?.string("reply"))
    }
}
