import Foundation

/// Files the tests write: each test gets its own folder, removed when the value is deinitialised.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("terminology-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file
    }
}

/// The repository's root, from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The shipped sample pack.
let samplePack = repositoryRoot.appendingPathComponent("deploy/terminology/sample")

/// A LOINC table in the published layout (a few extra columns, in LOINC's order) made of test
/// rows: the deprecated and discouraged codes below are test data, not LOINC statements.
enum TestTable {
    static let header = #""LOINC_NUM","COMPONENT","PROPERTY","TIME_ASPCT","SYSTEM","SCALE_TYP","METHOD_TYP","CLASS","VersionLastChanged","CHNG_TYPE","DefinitionDescription","STATUS","CONSUMER_NAME","CLASSTYPE","FORMULA","RELATEDNAMES2","SHORTNAME","ORDER_OBS","EXAMPLE_UNITS","LONG_COMMON_NAME","EXAMPLE_UCUM_UNITS""#

    static func row(_ code: String, _ component: String, status: String = "ACTIVE", unit: String = "",
                    scale: String = "Qn", definition: String = "") -> String {
        let escaped = definition.replacingOccurrences(of: "\"", with: "\"\"")
        return #""\#(code)","\#(component)","MCnc","Pt","Ser/Plas","\#(scale)","","CHEM","2.77","MIN","\#(escaped)","\#(status)","","1","","\#(component); related","\#(component) SerPl","Both","\#(unit)","\#(component) [Mass/volume] in Serum or Plasma","\#(unit)""#
    }

    static let text = [
        header,
        row("2345-7", "Glucose", unit: "mg/dL", definition: "Glucose, \"fasting or not\",\nas sent"),
        row("2160-0", "Creatinine", unit: "mg/dL;umol/L"),
        row("718-7", "Hemoglobin", status: "TRIAL", unit: "g/dL"),
        row("2823-3", "Potassium", status: "DISCOURAGED", unit: "mmol/L"),
        row("11491-6", "Legacy test row", status: "DEPRECATED"),
        row("2951-2", "Sodium", status: "DEPRECATED", unit: "mmol/L"),
        row("4548-4", "Narrative", scale: "Nar"),
    ].joined(separator: "\r\n") + "\r\n"

    static let mapTo = """
        "LOINC","MAP_TO","COMMENT"
        "2951-2","2947-0","test replacement"
        "2823-3","6298-4",""

        """
}
