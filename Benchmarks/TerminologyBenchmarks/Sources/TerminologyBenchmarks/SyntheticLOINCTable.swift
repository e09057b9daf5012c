import Foundation
import Terminology

/// Writes a LOINC table of the published format (the 41 columns of LOINC 2.7x, in their order,
/// every field quoted) with rows of realistic length: about 800 bytes each, some with `""`
/// escapes, commas and line breaks inside quotes. It streams to disk so that generating does not
/// inflate the peak memory measured afterwards.
enum SyntheticLOINCTable {
    static let header = [
        "LOINC_NUM", "COMPONENT", "PROPERTY", "TIME_ASPCT", "SYSTEM", "SCALE_TYP", "METHOD_TYP", "CLASS",
        "VersionLastChanged", "CHNG_TYPE", "DefinitionDescription", "STATUS", "CONSUMER_NAME", "CLASSTYPE", "FORMULA",
        "EXMPL_ANSWERS", "SURVEY_QUEST_TEXT", "SURVEY_QUEST_SRC", "UNITSREQUIRED", "RELATEDNAMES2", "SHORTNAME",
        "ORDER_OBS", "HL7_FIELD_SUBFIELD_ID", "EXTERNAL_COPYRIGHT_NOTICE", "EXAMPLE_UNITS", "LONG_COMMON_NAME",
        "EXAMPLE_UCUM_UNITS", "STATUS_REASON", "STATUS_TEXT", "CHANGE_REASON_PUBLIC", "COMMON_TEST_RANK",
        "COMMON_ORDER_RANK", "COMMON_SI_TEST_RANK", "HL7_ATTACHMENT_STRUCTURE", "EXTERNAL_COPYRIGHT_LINK", "PanelType",
        "AskAtOrderEntry", "AssociatedObservations", "VersionFirstReleased", "ValidHL7AttachmentRequest", "DisplayName",
    ]

    static let analytes = ["Glucose", "Creatinine", "Hemoglobin", "Potassium", "Sodium", "Chloride", "Urea nitrogen",
                           "Cholesterol.in LDL", "Alanine aminotransferase", "Thyrotropin", "Ferritin", "Albumin"]
    static let systems = ["Ser/Plas", "Bld", "Urine", "CSF", "Ser", "Plas", "BldA", "BldV"]
    static let units = [("MCnc", "mg/dL"), ("SCnc", "mmol/L"), ("CCnc", "U/L"), ("NCnc", "10*3/uL"), ("MFr", "%")]

    /// The code of row `index`: consecutive numbers with their computed check digit.
    static func code(_ index: Int) -> String {
        let number = 10_000 + index
        return "\(number)-\(LOINCCheckDigit.compute(number))"
    }

    static func write(rows: Int, to url: URL) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var chunk = header.map { "\"\($0)\"" }.joined(separator: ",") + "\r\n"
        for index in 0..<rows {
            let analyte = analytes[index % analytes.count], system = systems[index % systems.count]
            let (property, unit) = units[index % units.count]
            let status = index % 20 == 0 ? "DEPRECATED" : index % 33 == 0 ? "DISCOURAGED" : index % 50 == 0 ? "TRIAL" : "ACTIVE"
            let method = index % 3 == 0 ? "" : "Automated count"
            let definition = index % 10 == 0
                ? "Measures \(analyte.lowercased()) \"\(index)\", reported,\nas described by the ordering laboratory."
                : ""
            let related = (0..<16).map { "\(analyte) related name \($0 + index % 7)" }.joined(separator: "; ")
            let longName = "\(analyte) [\(property)] in \(system) by method \(index % 97)"
            let fields = [
                code(index), "\(analyte) variant \(index % 101)", property, "Pt", system, "Qn", method, "CHEM",
                "2.77", "MIN", definition, status, "", "1", "", "", "", "", "Y", related,
                "\(analyte.prefix(8)) \(system)-\(property)", "Both", "", "", unit, longName, unit,
                "", "", "", "\(index % 2000)", "0", "0", "", "", "", "", "", "2.40", "", longName,
            ]
            chunk += fields.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: ",") + "\r\n"
            if chunk.utf8.count > 1 << 22 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
    }
}
