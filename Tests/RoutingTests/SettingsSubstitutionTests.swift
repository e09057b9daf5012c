import Foundation
import Routing
import Testing

/// `${NAME}` and `${NAME:-default}` in the configuration file.
@Suite struct SettingsSubstitutionTests {
    static func load(_ brokers: String, environment: [String: String]) throws(FileProblem) -> EngineSettings {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID()).yaml")
        try? "kafka: { bootstrap_servers: \"\(brokers)\", group: g }\ndead_letter_topic: d\nroutes: R\nsinks: {}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try EngineSettings.load(file: file.path, environment: environment)
    }

    @Test func aDefaultStandsInForAnUnsetVariableOnly() throws {
        #expect(try Self.load("${BROKERS:-127.0.0.1:9092}", environment: [:]).bootstrapServers == "127.0.0.1:9092")
        #expect(try Self.load("${BROKERS:-127.0.0.1:9092}", environment: ["BROKERS": "kafka:9093"]).bootstrapServers == "kafka:9093")
        #expect(try Self.load("${BROKERS:-}", environment: [:]).bootstrapServers == "")
        #expect(try Self.load("a-${HOST:-h}:${PORT:-1},b", environment: ["PORT": "2"]).bootstrapServers == "a-h:2,b")
        let error = #expect(throws: FileProblem.self) { try Self.load("${BROKERS}", environment: [:]) }
        #expect(error?.key == "BROKERS")
    }
}
