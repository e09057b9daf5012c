import ArgumentParser
import Engine
import Foundation
import Mapping
import Routing

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Load every route and mapping under a folder; print file:line:column errors and exit 1 if any.",
        discussion: """
            A DIR with Routes/ (or a --config file) is checked as the engine loads it: routes together with the mappings \
            they use (Mappings/), the terminology pack and the sink names of the configuration (DIR/passerelle.yaml or \
            --config; without one, sink names are not checked). Any other DIR (default Mappings) is a folder of mappings: \
            every .yaml or .yml file under it is compiled, with its tables.
            """)

    @Argument(help: "The folder to check.") var directory: String = "Mappings"
    @Option(help: "The engine configuration file whose routes, mappings, terminology and sinks to check.") var config: String?

    func run() throws {
        if let project = try RouteProject.locate(directory, config: config) {
            do {
                let catalog = try project.load()
                FileHandle.standardError.write(Data(
                    "\(catalog.routes.count) routes, \(catalog.mappings.count) mappings, 0 errors\(project.sinks == nil ? " (sink names not checked: no configuration)" : "")\n".utf8))
            } catch {
                print(error.description)
                throw ExitCode.failure
            }
            return
        }
        let root = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw CommandFailure("cannot read \(directory)")
        }
        let files = walker.compactMap { $0 as? URL }.filter { ["yaml", "yml"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
        var failures = 0
        for file in files {
            do {
                _ = try MappingPlan.load(contentsOf: file)
            } catch {
                failures += 1
                print(error.description)
            }
        }
        FileHandle.standardError.write(Data("\(files.count) mappings, \(failures) with errors\n".utf8))
        if failures > 0 { throw ExitCode.failure }
    }
}

/// Where routes, mappings, terminology and sink names are, for `check` and `test`: the
/// configuration file's (`--config`, else DIR/passerelle.yaml), else DIR/Routes and DIR/Mappings.
struct RouteProject {
    var routes: String
    var mappings: String
    var terminology: String?
    /// Nil without a configuration file: any sink name is accepted.
    var sinks: Set<String>?

    /// Nil when DIR has neither a configuration file nor a Routes folder.
    static func locate(_ directory: String, config: String?) throws -> RouteProject? {
        let base = URL(fileURLWithPath: directory)
        let defaultConfig = base.appendingPathComponent("passerelle.yaml").path
        if let file = config ?? (FileManager.default.fileExists(atPath: defaultConfig) ? defaultConfig : nil) {
            let settings: EngineSettings
            do { settings = try EngineSettings.load(file: file) } catch { throw CommandFailure(error.description) }
            return RouteProject(routes: settings.routesDirectory, mappings: settings.mappingsDirectory,
                                terminology: settings.terminologyDirectory, sinks: Set(settings.sinks.keys))
        }
        var isFolder: ObjCBool = false
        let routes = base.appendingPathComponent("Routes").path
        guard FileManager.default.fileExists(atPath: routes, isDirectory: &isFolder), isFolder.boolValue else { return nil }
        return RouteProject(routes: routes, mappings: base.appendingPathComponent("Mappings").path, terminology: nil, sinks: nil)
    }

    func load() throws(EngineSetupError) -> RouteCatalog {
        try RouteCatalog.load(routesDirectory: routes, mappingsDirectory: mappings, terminologyDirectory: terminology, knownSinks: sinks)
    }
}
