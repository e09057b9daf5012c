import CDA
import Crypto
import Foundation
import Hummingbird
import Logging

/// The ePrescription server: a FHIR R4 transaction Bundle of MedicationRequests, one per line of
/// an ordonnance (`groupIdentifier`), stored with a status per line and idempotent on the ordonnance id.
struct EPrescriptionService: Sendable {
    let seed: SimSeed
    let store: SimStore
    let logger: Logger

    /// A line as checked, ready to store.
    private struct Line {
        var id: String
        var productCode: String
        var resource: [String: Any]
    }

    func submit(contentType: String, body: [UInt8]) async -> Response {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmed.lowercased() } ?? ""
        guard mediaType == "application/fhir+json" || mediaType == "application/json" else {
            return FHIR.outcome(.unsupportedMediaType, code: "not-supported", ["expected application/fhir+json"])
        }
        guard let bundle = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return FHIR.outcome(.badRequest, code: "structure", ["the body is not a JSON object"])
        }
        var errors: [String] = []
        let checked = check(bundle, errors: &errors)
        guard errors.isEmpty, let checked else {
            logger.info("ePrescription rejected", metadata: ["problems": "\(errors.count)"])
            return FHIR.outcome(.unprocessableContent, code: "business-rule", errors)
        }
        let (ordonnanceId, patient, prescriber, lines) = checked
        let digest = SHA256.hash(data: Array(([patient, prescriber] + lines.map { "\($0.id)|\($0.productCode)" })
            .joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
        let ordonnance = StoredOrdonnance(id: ordonnanceId, patientId: patient, prescriberId: prescriber, digest: digest,
                                          receivedAt: Date())
        do {
            let stored = try lines.enumerated().map { position, line in
                var resource = line.resource
                resource["id"] = line.id
                resource["status"] = "active"
                return StoredPrescriptionLine(
                    id: line.id, ordonnanceId: ordonnanceId, position: position, productCode: line.productCode, status: "active",
                    resource: try JSONSerialization.data(withJSONObject: resource, options: [.sortedKeys]))
            }
            switch try await store.store(ordonnance, lines: stored) {
            case .stored:
                logger.info("ordonnance stored", metadata: ["lines": "\(lines.count)"])
                return transactionResponse(ordonnanceId, lines: lines.map(\.id), status: "201 Created")
            case .duplicate:
                return transactionResponse(ordonnanceId, lines: try await store.lines(ordonnanceId: ordonnanceId).map(\.id),
                                           status: "200 OK")
            case .conflict:
                return FHIR.outcome(.conflict, code: "duplicate",
                                    ["ordonnance \(ordonnanceId) or one of its line ids is already stored with other lines"])
            }
        } catch {
            logger.error("ePrescription storage failed", metadata: ["error": "\(error)"])
            return FHIR.outcome(.internalServerError, code: "exception", ["the server could not store the ordonnance"])
        }
    }

    /// `GET /eprescription/MedicationRequest?group-identifier=ID`: the ordonnance's lines.
    func search(_ request: Request) async throws -> Response {
        guard let group = request.uri.queryParameters["group-identifier"].map(String.init), !group.isEmpty else {
            return FHIR.outcome(.badRequest, code: "required", ["search by group-identifier"])
        }
        // `system|value` or the bare value: ordonnance ids are unique across systems here.
        let ordonnanceId = FHIR.token(group)?.value ?? group
        let lines = try await store.lines(ordonnanceId: ordonnanceId)
        return FHIR.json(FHIR.searchset(try lines.map { try JSONSerialization.jsonObject(with: $0.resource) }))
    }

    /// `GET /eprescription/MedicationRequest/{id}`: one line, with its current status.
    func read(lineId: String) async throws -> Response {
        guard let line = try await store.line(id: lineId.lowercased()) else {
            return FHIR.outcome(.notFound, code: "not-found", ["no MedicationRequest \(lineId)"])
        }
        return Response(status: .ok, headers: [.contentType: FHIR.contentType], body: .init(byteBuffer: ByteBuffer(bytes: line.resource)))
    }

    private func transactionResponse(_ ordonnanceId: String, lines: [String], status: String) -> Response {
        FHIR.json([
            "resourceType": "Bundle", "type": "transaction-response",
            "identifier": ["value": ordonnanceId],
            "entry": lines.map { ["response": ["status": status, "location": "MedicationRequest/\($0)/_history/1"]] },
        ])
    }

    /// The ordonnance id, patient matricule, prescriber hpdID and lines; nil with `errors` when invalid.
    private func check(_ bundle: [String: Any], errors: inout [String])
        -> (ordonnance: String, patient: String, prescriber: String, lines: [Line])? {
        guard bundle["resourceType"] as? String == "Bundle", bundle["type"] as? String == "transaction" else {
            errors.append("expected a Bundle of type transaction")
            return nil
        }
        let entries = bundle["entry"] as? [[String: Any]] ?? []
        if entries.isEmpty { errors.append("the Bundle has no entry") }
        var groups = Set<String>(), patients = Set<String>(), prescribers = Set<String>(), lines: [Line] = []
        for (index, entry) in entries.enumerated() {
            let at = "entry[\(index)]"
            let request = entry["request"] as? [String: Any]
            if request?["method"] as? String != "POST" || request?["url"] as? String != "MedicationRequest" {
                errors.append("\(at): request must be POST MedicationRequest")
            }
            guard let resource = entry["resource"] as? [String: Any], resource["resourceType"] as? String == "MedicationRequest" else {
                errors.append("\(at): resource is not a MedicationRequest")
                continue
            }
            if resource["intent"] as? String != "order" { errors.append("\(at): intent must be order") }
            if !["active", "draft"].contains(resource["status"] as? String ?? "") { errors.append("\(at): status must be active or draft") }
            if let group = (resource["groupIdentifier"] as? [String: Any])?["value"] as? String, !group.isEmpty {
                groups.insert(group)
            } else {
                errors.append("\(at): no groupIdentifier (the ordonnance id)")
            }
            let lineId = ((resource["identifier"] as? [[String: Any]])?.first?["value"] as? String).flatMap(Self.uuid)
            if lineId == nil { errors.append("\(at): identifier[0] must be the line's UUID") }
            switch Self.identifier(resource["subject"], system: OID.matricule) {
            case let patient? where seed.patient(system: OID.matricule, value: patient) != nil: patients.insert(patient)
            case _?: errors.append("\(at): subject is not known to the MPI")
            case nil: errors.append("\(at): subject must be identified by matricule (urn:oid:\(OID.matricule))")
            }
            switch Self.identifier(resource["requester"], system: OID.hpd) {
            case let prescriber? where seed.practitioner(system: OID.hpd, value: prescriber) != nil: prescribers.insert(prescriber)
            case let prescriber?: errors.append("\(at): requester hpdID \(prescriber) is not known to the HPD")
            case nil: errors.append("\(at): requester must be identified by hpdID (urn:oid:\(OID.hpd))")
            }
            let codings = (resource["medicationCodeableConcept"] as? [String: Any])?["coding"] as? [[String: Any]] ?? []
            let product = codings.first { FHIR.oid(fromSystem: $0["system"] as? String ?? "") == PlatformOID.medicationProduct }?["code"] as? String
            switch product {
            case let product? where seed.medication(code: product) == nil:
                errors.append("\(at): the product is not on the medication list")
            case nil: errors.append("\(at): medicationCodeableConcept needs a coding in urn:oid:\(PlatformOID.medicationProduct)")
            default: break
            }
            if let lineId, let product { lines.append(Line(id: lineId, productCode: product, resource: resource)) }
        }
        if groups.count > 1 { errors.append("the lines name \(groups.count) different groupIdentifiers") }
        if patients.count > 1 { errors.append("the lines name different patients") }
        if prescribers.count > 1 { errors.append("the lines name different prescribers") }
        if Set(lines.map(\.id)).count != lines.count { errors.append("two lines share an identifier") }
        guard errors.isEmpty, let group = groups.first, let patient = patients.first, let prescriber = prescribers.first else {
            return nil
        }
        return (group, patient, prescriber, lines)
    }

    /// The value of a Reference's logical identifier in `system` (urn:oid:… or the bare OID).
    private static func identifier(_ reference: Any?, system: String) -> String? {
        guard let identifier = (reference as? [String: Any])?["identifier"] as? [String: Any],
              FHIR.oid(fromSystem: identifier["system"] as? String ?? "") == system,
              let value = identifier["value"] as? String, !value.isEmpty else { return nil }
        return value
    }

    /// A UUID, with or without `urn:uuid:`, lowercased; also the line's FHIR resource id.
    private static func uuid(_ value: String) -> String? {
        let bare = value.hasPrefix("urn:uuid:") ? String(value.dropFirst(9)) : value
        return UUID(uuidString: bare).map { _ in bare.lowercased() }
    }
}
