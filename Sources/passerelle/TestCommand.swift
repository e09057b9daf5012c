import ArgumentParser
import Engine
import Foundation
import Routing

struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the route fixture tests; print one line per fixture and 'N passed, M failed'.",
        discussion: """
            Each Routes/tests/<name>/ folder holding an expected.yaml is a fixture: its input.* message runs through the \
            routes in-process, each sink replaced by one that captures (no broker, no platform), and the outcome is \
            compared with expected.yaml (see the README). Routes, mappings and terminology are found as 'check' finds \
            them. Exit 1 if a fixture fails or the routes do not load.
            """)

    @Argument(help: "The folder holding Routes/ and Mappings/ (or passerelle.yaml).") var directory: String = "."
    @Option(help: "The engine configuration file whose routes, mappings and terminology to use.") var config: String?

    func run() async throws {
        guard let project = try RouteProject.locate(directory, config: config) else {
            throw CommandFailure("no Routes folder or passerelle.yaml in \(directory)")
        }
        let catalog: RouteCatalog
        do { catalog = try project.load() } catch { throw CommandFailure(error.description) }
        let fixtures: [RouteFixture]
        do { fixtures = try RouteFixture.loadAll(routesDirectory: project.routes) } catch { throw CommandFailure(error.description) }
        let runner = FixtureRunner(catalog: catalog)
        var failed = 0
        for fixture in fixtures {
            if let problem = await runner.run(fixture) {
                failed += 1
                print("FAIL \(fixture.name): \(problem)")
            } else {
                print("PASS \(fixture.name)")
            }
        }
        print("\(fixtures.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode.failure }
    }
}
