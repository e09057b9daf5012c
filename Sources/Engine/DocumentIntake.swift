import CDA
import Findings
import Routing

/// A CDA document as a source message (routes with `format: cda`, for hospitals that already
/// produce CDA): parsed with the CDA module's safe options, its header read for routing, its
/// checks run. The document itself travels on unchanged.
struct DocumentIntake {
    let document: XMLDocument
    let header: ClinicalDocument

    /// Refuses what is not well-formed, not safe, or not a ClinicalDocument, naming line and column.
    init(_ bytes: [UInt8]) throws(ProcessingFailure) {
        do {
            document = try XMLDocument(bytes: bytes)
        } catch {
            throw .permanent(step: "parse", "not a well-formed, safe XML document: \(error)")
        }
        do {
            header = try ClinicalDocument(document)
        } catch {
            throw .permanent(step: "parse", "\(error)")
        }
    }

    /// Routing facts: the templates the document declares and its type code.
    func facts(headers: [String: String]) -> MessageFacts {
        MessageFacts(messageType: "", sendingApplication: "", sendingFacility: header.custodian?.ids.first?.extension ?? "",
                     headers: headers, templates: header.templateIds.compactMap(\.root), documentCode: header.code?.code ?? "")
    }

    /// The idempotency key: the document's own id, which a replay or a resend keeps.
    var documentKey: String? {
        guard let id = header.id, let root = id.root else { return nil }
        return id.extension.map { "\(root)^\($0)" } ?? root
    }

    /// The Luxembourg header rules and the schema, filed by the route's severities. Without a
    /// configured schema the check cannot run: that is reported (a warning), not a rejection,
    /// and the engine says so when it starts.
    func check(header headerSeverity: Route.Severity, schema schemaSeverity: Route.Severity,
               against schema: XMLSchema?) -> ObservationValidation.Outcome {
        var outcome = ObservationValidation.Outcome()
        if headerSeverity != .off {
            for finding in LuxembourgHeaderRules().check(document) { outcome.add(finding, as: headerSeverity) }
        }
        if schemaSeverity != .off {
            if let schema {
                for finding in schema.validate(document) { outcome.add(finding, as: schemaSeverity) }
            } else {
                outcome.add(Finding(severity: .warning, rule: "schema.unavailable",
                                    message: "not checked: no schema is configured (schema: in the configuration)"), as: schemaSeverity)
            }
        }
        return outcome
    }
}
