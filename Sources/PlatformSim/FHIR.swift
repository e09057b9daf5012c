import Foundation
import Hummingbird

/// FHIR R4 pieces the stand-in answers with.
enum FHIR {
    static let contentType = "application/fhir+json; charset=utf-8"

    /// `urn:oid:1.3.182.4.4` or a bare OID → the OID.
    static func oid(fromSystem system: String) -> String {
        system.hasPrefix("urn:oid:") ? String(system.dropFirst(8)) : system
    }

    /// An OperationOutcome with one error issue per message.
    static func outcome(_ status: HTTPResponse.Status, code: String, _ messages: [String]) -> Response {
        let issues = messages.map { ["severity": "error", "code": code, "diagnostics": $0] }
        return json(["resourceType": "OperationOutcome", "issue": issues], status: status)
    }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func searchset(_ resources: [Any]) -> [String: Any] {
        ["resourceType": "Bundle", "type": "searchset", "total": resources.count,
         "entry": resources.map { ["resource": $0] }]
    }

    /// The `system|value` token of a search parameter, split.
    static func token(_ parameter: String?) -> (system: String, value: String)? {
        guard let parameter, let bar = parameter.firstIndex(of: "|") else { return nil }
        let system = String(parameter[..<bar]), value = String(parameter[parameter.index(after: bar)...])
        return system.isEmpty || value.isEmpty ? nil : (oid(fromSystem: system), value)
    }
}
