import CDA
import Crypto
import Foundation

/// A code with its coding scheme, as XDS metadata carries it.
public struct XDSCode: Sendable, Hashable {
    public var code: String
    /// The code system OID (`codingScheme`).
    public var scheme: String
    public var displayName: String?

    public init(code: String, scheme: String, displayName: String? = nil) {
        self.code = code
        self.scheme = scheme
        self.displayName = displayName
    }
}

/// What the sending institution sets once for every document it submits.
public struct XDSSourceSettings: Sendable, Hashable {
    /// The OID of the sending system (SubmissionSet sourceId).
    public var sourceId: String
    public var healthcareFacilityTypeCode: XDSCode
    public var practiceSettingCode: XDSCode
    /// When neither the payload's metadata nor the CDA header give one.
    public var languageCode: String

    public init(sourceId: String, healthcareFacilityTypeCode: XDSCode, practiceSettingCode: XDSCode, languageCode: String = "fr-LU") {
        self.sourceId = sourceId
        self.healthcareFacilityTypeCode = healthcareFacilityTypeCode
        self.practiceSettingCode = practiceSettingCode
        self.languageCode = languageCode
    }
}

/// The `SinkPayload.metadata` keys the XDS sink reads. Each overrides what the CDA header says.
public enum XDSMetadataKey {
    /// The matricule (assigning authority 1.3.182.4.4); default: the header's recordTarget.
    public static let patientId = "patientId"
    /// A CX `id^^^&oid&ISO` of the institution's own id; default: the header's first local id.
    public static let sourcePatientId = "sourcePatientId"
    /// `DT-nnnnn` (code system 1.3.182.5.9); default: the header's `code/translation` in that system.
    public static let typeCode = "typeCode"
    /// `code` or `code^scheme` (default scheme LOINC); default: the header's `code`.
    public static let classCode = "classCode"
    /// `code^scheme`; default: XD-LAB's format for lab reports, XDS-SD's for a level-1 PDF or text body.
    public static let formatCode = "formatCode"
    /// `N`, `R` or `V`; default: the header's, else `N`.
    public static let confidentialityCode = "confidentialityCode"
    /// `code^scheme`; default: the source settings'.
    public static let healthcareFacilityTypeCode = "healthcareFacilityTypeCode"
    public static let practiceSettingCode = "practiceSettingCode"
    /// The author's hpdID (1.3.182.4.1); default: the header's first author with one.
    public static let authorHpdId = "authorHpdId"
    /// HL7 DTM in UTC; default: the header's effectiveTime, converted to UTC.
    public static let creationTime = "creationTime"
    public static let languageCode = "languageCode"
    public static let title = "title"
    /// The oncology case (RCP): sent in `referenceIdList`, and the document's uniqueId is derived
    /// from it, so the case is stored once however often it is sent.
    public static let caseId = "caseId"
}

/// The DocumentEntry metadata of one document, resolved from the payload and its CDA header.
struct XDSDocumentMetadata: Sendable, Hashable {
    var uniqueId: String
    var patientId: String
    var sourcePatientId: String
    var classCode: XDSCode
    var typeCode: XDSCode
    var formatCode: XDSCode
    var confidentialityCode: XDSCode
    var healthcareFacilityTypeCode: XDSCode
    var practiceSettingCode: XDSCode
    /// XCN: `hpdID^family^given^^^prefix^^^&1.3.182.4.1&ISO`.
    var authorPerson: String
    var creationTime: String
    var languageCode: String
    var title: String?
    var mimeType: String
    /// CXi values of the `referenceIdList` slot (the RCP's case id).
    var referenceIds: [String]
    /// SHA-1 of the document, lowercase hexadecimal.
    var hash: String
    var size: Int

    static let documentTypeSystem = "1.3.182.5.9"
    static let confidentialitySystem = "2.16.840.1.113883.5.25"
    static let xdLabFormat = XDSCode(code: "urn:ihe:lab:xd-lab:2008", scheme: "1.3.6.1.4.1.19376.1.2.3")
    private static let headerType = try! XPathExpression(
        "string(/hl7:ClinicalDocument/hl7:code/hl7:translation[@codeSystem='1.3.182.5.9']/@code)")
    private static let bodyMediaType = try! XPathExpression("string(/hl7:ClinicalDocument/hl7:component/hl7:nonXMLBody/hl7:text/@mediaType)")

    static func headerTypeCode(of document: XMLDocument) -> String? {
        (try? document.string(headerType)).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// XDS-SD's format for a level-1 document, from the media type of its body (PDF or text).
    static func levelOneFormat(of document: XMLDocument) -> XDSCode? {
        switch (try? document.string(bodyMediaType)) ?? "" {
        case "application/pdf": XDSCode(code: "urn:ihe:iti:xds-sd:pdf:2008", scheme: "1.3.6.1.4.1.19376.1.2.3")
        case "text/plain": XDSCode(code: "urn:ihe:iti:xds-sd:text:2008", scheme: "1.3.6.1.4.1.19376.1.2.3")
        default: nil
        }
    }

    struct Missing: Error {
        var problems: [String]
    }

    init(payload: SinkPayload, settings: XDSSourceSettings) throws(Missing) {
        let meta = payload.metadata
        let isXML = payload.contentType.contains("xml")
        let document = isXML ? try? XMLDocument(bytes: payload.body) : nil
        let header = document.flatMap { try? ClinicalDocument($0) }
        var problems: [String] = []
        func require<T>(_ value: T?, _ what: String) -> T? {
            if value == nil { problems.append(what) }
            return value
        }

        let patient = require(meta[XDSMetadataKey.patientId] ?? header?.patient?.matricule, "patientId (no matricule)")
        let localId = header?.patient?.ids.lazy.compactMap { id -> String? in
            guard let root = id.root, let value = id.extension, ![OID.matricule, OID.dspPatient].contains(root) else { return nil }
            return "\(value)^^^&\(root)&ISO"
        }.first
        let typeCode = require(meta[XDSMetadataKey.typeCode] ?? document.flatMap(Self.headerTypeCode), "typeCode (DT-nnnnn)")
        let classCode = require(meta[XDSMetadataKey.classCode].map { Self.code($0, defaultScheme: OID.loinc) }
            ?? header?.code.flatMap { code in
                code.code.map { XDSCode(code: $0, scheme: code.codeSystem ?? OID.loinc, displayName: code.displayName) }
            }, "classCode")
        let formatCode = require(meta[XDSMetadataKey.formatCode].map { Self.code($0, defaultScheme: "") }
            ?? (header?.isLabReport == true ? Self.xdLabFormat : document.flatMap(Self.levelOneFormat)), "formatCode")
        let author = header?.authors.first { $0.hpdID != nil }
        let hpdID = require(meta[XDSMetadataKey.authorHpdId] ?? author?.hpdID, "authorHpdId (no author with an hpdID)")
        let creationTime = require(meta[XDSMetadataKey.creationTime] ?? header?.effectiveTime.flatMap(Self.utcDTM),
                                   "creationTime")
        guard problems.isEmpty, let patient, let typeCode, let classCode, let formatCode, let hpdID, let creationTime else {
            throw Missing(problems: problems)
        }

        let caseId = meta[XDSMetadataKey.caseId]
        uniqueId = Self.documentUniqueId(forKey: caseId.map { "rcp-case:\($0)" } ?? payload.idempotencyKey)
        referenceIds = caseId.map { ["\($0)^^^&\(settings.sourceId)&ISO^\(XDS.caseReferenceType)"] } ?? []
        patientId = "\(patient)^^^&\(OID.matricule)&ISO"
        sourcePatientId = meta[XDSMetadataKey.sourcePatientId]
            ?? localId ?? patientId
        self.typeCode = XDSCode(code: typeCode, scheme: Self.documentTypeSystem)
        self.classCode = classCode
        self.formatCode = formatCode
        confidentialityCode = XDSCode(code: meta[XDSMetadataKey.confidentialityCode] ?? header?.confidentialityCode?.code ?? "N",
                                      scheme: Self.confidentialitySystem)
        healthcareFacilityTypeCode = meta[XDSMetadataKey.healthcareFacilityTypeCode].map { Self.code($0, defaultScheme: "") }
            ?? settings.healthcareFacilityTypeCode
        practiceSettingCode = meta[XDSMetadataKey.practiceSettingCode].map { Self.code($0, defaultScheme: "") }
            ?? settings.practiceSettingCode
        let name = author?.hpdID == hpdID ? author?.name : nil
        authorPerson = [hpdID, name?.family.first ?? "", name?.given.first ?? "", "", "", name?.prefixes.first ?? "", "", "",
                        "&\(OID.hpd)&ISO"].joined(separator: "^")
        self.creationTime = creationTime
        languageCode = meta[XDSMetadataKey.languageCode] ?? header?.languageCode ?? settings.languageCode
        title = meta[XDSMetadataKey.title] ?? header?.title
        mimeType = isXML ? "text/xml" : payload.contentType
        hash = Insecure.SHA1.hash(data: payload.body).map { String(format: "%02x", $0) }.joined()
        size = payload.body.count
    }

    /// `code^scheme`, or `code` in `defaultScheme`.
    private static func code(_ value: String, defaultScheme: String) -> XDSCode {
        let parts = value.split(separator: "^", maxSplits: 1)
        return XDSCode(code: String(parts.first ?? ""), scheme: parts.count > 1 ? String(parts[1]) : defaultScheme)
    }

    /// The idempotency key when it already is a document uniqueId (an OID, optionally
    /// `^extension`); otherwise a `2.25.` OID derived from it (ITU-T X.667), the same on every replay.
    static func documentUniqueId(forKey key: String) -> String {
        if key.count <= 128, key.wholeMatch(of: /[0-2](\.(0|[1-9]\d*))+(\^[^\^]{1,16})?/) != nil { return key }
        var bytes = Array(Insecure.SHA1.hash(data: Array(key.utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x50  // a name-based (version 5) UUID
        bytes[8] = bytes[8] & 0x3F | 0x80
        return "2.25." + decimal(bytes)
    }

    /// The big-endian unsigned integer `bytes` in decimal.
    static func decimal(_ bytes: [UInt8]) -> String {
        var number = bytes
        var digits: [Character] = []
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            for index in number.indices {
                let value = remainder << 8 | Int(number[index])
                number[index] = UInt8(value / 10)
                remainder = value % 10
            }
            digits.append(Character(String(remainder)))
        }
        return digits.isEmpty ? "0" : String(digits.reversed())
    }

    /// The header's timestamp as XDS wants it: UTC, at the precision given.
    static func utcDTM(_ timestamp: Timestamp) -> String? {
        let digits = timestamp.value.prefix { $0.isNumber }
        guard digits.count >= 4 else { return nil }
        guard digits.count >= 12, let offset = timestamp.utcOffset, let date = parse(String(digits.prefix(14)), offset: offset) else {
            return String(digits.prefix(14))
        }
        let format = digits.count >= 14 ? "yyyyMMddHHmmss" : "yyyyMMddHHmm"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter.string(from: date)
    }

    private static func parse(_ digits: String, offset: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = (digits.count == 14 ? "yyyyMMddHHmmss" : "yyyyMMddHHmm") + "xxx"
        return formatter.date(from: digits + offset)
    }
}
