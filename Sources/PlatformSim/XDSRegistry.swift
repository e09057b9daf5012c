import CDA
import Crypto
import Foundation
import Logging

/// The document registry and repository of one service (DSP, CRE or RCP): checks a
/// Provide-and-Register submission as the platform's registry would, stores it atomically,
/// answers with a RegistryResponse.
struct XDSRegistry: Sendable {
    static let services = ["dsp", "cre", "rcp"]

    /// One of `services`. The RCP's oncology cases also need their case id.
    let service: String
    let seed: SimSeed
    let store: SimStore
    /// When set, every CDA document must be valid against it.
    let schema: XMLSchema?
    let logger: Logger

    struct Answer: Sendable {
        /// 200 for registry responses, success or failure; 400/415/500 for SOAP faults.
        var status: Int
        var body: [UInt8]
    }

    func submit(contentType: String, body: [UInt8]) async -> Answer {
        let submission: XDSSubmission
        do {
            submission = try Self.read(contentType: contentType, body: body)
        } catch {
            logger.info("rejected a malformed request", metadata: ["service": "\(service)", "reason": "\(error.reason)"])
            return Answer(status: error.reason.hasPrefix("unsupported media type") ? 415 : 400,
                          body: RegistryResponse.fault(error.reason, sender: true))
        }
        var errors: [RegistryError] = []
        let documents = check(submission, errors: &errors)
        guard errors.isEmpty else { return failure(errors) }
        do {
            let outcomes = try await store.register(documents)
            var conflicts: [RegistryError] = []
            for (document, outcome) in zip(documents, outcomes) {
                if case .conflict = outcome {
                    conflicts.append(RegistryError(code: "XDSNonIdenticalHash",
                        context: "uniqueId already registered with another hash", location: document.uniqueId))
                }
            }
            guard conflicts.isEmpty else { return failure(conflicts) }
            let stored = outcomes.compactMap { outcome -> StoredDocument? in
                switch outcome {
                case .stored(let document), .duplicate(let document): document
                case .conflict: nil
                }
            }
            let duplicates = outcomes.compactMap { if case .duplicate(let document) = $0 { document.uniqueId } else { nil } }
            logger.info("registered", metadata: ["service": "\(service)", "documents": "\(stored.count)",
                                                 "duplicates": "\(duplicates.count)"])
            return Answer(status: 200, body: RegistryResponse.success(entryUUIDs: stored.map(\.entryUUID), duplicates: duplicates))
        } catch {
            logger.error("storage failed", metadata: ["service": "\(service)", "error": "\(error)"])
            return Answer(status: 500, body: RegistryResponse.fault("the repository could not store the submission", sender: false))
        }
    }

    private func failure(_ errors: [RegistryError]) -> Answer {
        logger.info("registry failure", metadata: ["service": "\(service)",
                                                   "codes": "\(Set(errors.map(\.code)).sorted().joined(separator: ","))"])
        return Answer(status: 200, body: RegistryResponse.failure(errors))
    }

    /// The envelope, from an MTOM `multipart/related` body or a plain `application/soap+xml` one.
    static func read(contentType: String, body: [UInt8]) throws(SOAPFault) -> XDSSubmission {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmed.lowercased() } ?? ""
        switch mediaType {
        case "multipart/related":
            guard let multipart = MultipartRelated(contentType: contentType, body: body), let root = multipart.root else {
                throw SOAPFault(reason: "malformed multipart/related body")
            }
            return try submission(envelope: Array(root.body)) { multipart.part(contentID: $0).map { Array($0.body) } }
        case "application/soap+xml":
            return try submission(envelope: body) { _ in nil }
        default:
            throw SOAPFault(reason: "unsupported media type \(mediaType); expected multipart/related (MTOM) or application/soap+xml")
        }
    }

    private static func submission(envelope: [UInt8], attachment: (String) -> [UInt8]?) throws(SOAPFault) -> XDSSubmission {
        let document: XMLDocument
        do {
            document = try XMLDocument(bytes: envelope)
        } catch {
            throw SOAPFault(reason: "the envelope is not well-formed XML: \(error)")
        }
        return try XDSSubmission(envelope: document, attachment: attachment)
    }

    /// Every problem of the submission, and the documents to store when there is none.
    func check(_ submission: XDSSubmission, errors: inout [RegistryError]) -> [StoredDocument] {
        if submission.entries.isEmpty { errors.append(.metadata("the submission has no DocumentEntry")) }
        let entryIds = Set(submission.entries.map(\.id))
        for id in submission.documents.keys.sorted() where !entryIds.contains(id) {
            errors.append(RegistryError(code: "XDSMissingDocumentMetadata", context: "a Document has no DocumentEntry", location: id))
        }
        let uniqueIds = submission.entries.compactMap(\.uniqueId)
        for uniqueId in Set(uniqueIds) where uniqueIds.filter({ $0 == uniqueId }).count > 1 {
            errors.append(RegistryError(code: "XDSDuplicateUniqueIdInMessage", context: "uniqueId used twice", location: uniqueId))
        }
        checkSubmissionSet(submission, errors: &errors)
        let now = Date()
        return submission.entries.compactMap { entry in
            check(entry, document: submission.documents[entry.id], receivedAt: now, errors: &errors)
        }
    }

    private func checkSubmissionSet(_ submission: XDSSubmission, errors: inout [RegistryError]) {
        guard let set = submission.submissionSet else {
            return errors.append(.metadata("no SubmissionSet (a RegistryPackage classified as one)"))
        }
        if set.uniqueId?.isEmpty ?? true { errors.append(.metadata("SubmissionSet without uniqueId", at: set.id)) }
        if set.sourceId?.isEmpty ?? true { errors.append(.metadata("SubmissionSet without sourceId", at: set.id)) }
        if !(set.submissionTime.map(Self.isDTM) ?? false) {
            errors.append(.metadata("SubmissionSet submissionTime missing or not a DTM", at: set.id))
        }
        for entry in submission.entries {
            if !set.members.contains(entry.id) {
                errors.append(.metadata("DocumentEntry not in the SubmissionSet (no HasMember association)", at: entry.id))
            }
            if set.patientId != entry.patientId {
                errors.append(RegistryError(code: "XDSPatientIdDoesNotMatch",
                    context: "the SubmissionSet and the DocumentEntry name different patients", location: entry.uniqueId ?? entry.id))
            }
        }
    }

    private func check(_ entry: XDSDocumentEntry, document: [UInt8]?, receivedAt: Date,
                       errors: inout [RegistryError]) -> StoredDocument? {
        let before = errors.count
        let location = entry.uniqueId ?? entry.id
        func fail(_ context: String) { errors.append(.metadata(context, at: location)) }

        if entry.objectType != XDS.stableDocumentEntry { fail("objectType is not a stable DocumentEntry") }
        if !(entry.uniqueId.map(Self.isDocumentUniqueId) ?? false) { fail("uniqueId missing or not an OID[^extension]") }
        let mimeType = entry.mimeType ?? ""
        if mimeType.isEmpty { fail("mimeType missing") }
        let matricule = checkPatient(entry, location: location, errors: &errors)
        if !(entry.slot("sourcePatientId").map { CX($0) != nil } ?? false) { fail("sourcePatientId missing or not a CX") }
        if !(entry.slot("creationTime").map(Self.isDTM) ?? false) { fail("creationTime missing or not a DTM") }
        if entry.slot("languageCode")?.isEmpty ?? true { fail("languageCode missing") }
        let codes: [(String, String)] = [
            (XDS.DocumentEntry.classCode, "classCode"), (XDS.DocumentEntry.typeCode, "typeCode"),
            (XDS.DocumentEntry.formatCode, "formatCode"), (XDS.DocumentEntry.confidentialityCode, "confidentialityCode"),
            (XDS.DocumentEntry.healthcareFacilityTypeCode, "healthcareFacilityTypeCode"),
            (XDS.DocumentEntry.practiceSettingCode, "practiceSettingCode"),
        ]
        for (scheme, name) in codes {
            if let code = entry.classifications[scheme], !code.code.isEmpty, !(code.scheme?.isEmpty ?? true) { continue }
            fail("\(name) missing or without codingScheme")
        }
        if let type = entry.classifications[XDS.DocumentEntry.typeCode],
           type.code.wholeMatch(of: /DT-\d{5}/) == nil || type.scheme != PlatformOID.documentType {
            fail("typeCode must be DT-nnnnn in code system \(PlatformOID.documentType)")
        }
        checkAuthors(entry, fail: fail)
        if service == "rcp", !(entry.slots[XDS.referenceIdList] ?? []).contains(where: { $0.hasSuffix("^" + XDS.caseReferenceType) }) {
            fail("an RCP submission needs the case id in referenceIdList (type \(XDS.caseReferenceType))")
        }
        let hash = entry.slot("hash")?.lowercased() ?? ""
        let size = entry.slot("size").flatMap { Int($0) }
        if hash.wholeMatch(of: /[0-9a-f]{40}/) == nil { fail("hash missing or not a SHA-1 in hexadecimal") }
        if size == nil { fail("size missing or not a number") }

        guard let document else {
            errors.append(RegistryError(code: "XDSMissingDocument", context: "no Document for this entry", location: location))
            return nil
        }
        if !hash.isEmpty, hash != Self.sha1(document) {
            errors.append(RegistryError(code: "XDSRepositoryMetadataError", context: "hash does not match the document", location: location))
        }
        if let size, size != document.count {
            errors.append(RegistryError(code: "XDSRepositoryMetadataError", context: "size does not match the document", location: location))
        }
        if mimeType == "text/xml" || mimeType == "application/xml" || mimeType.hasSuffix("+xml") {
            checkContent(document, matricule: matricule, location: location, errors: &errors)
        }
        guard errors.count == before, let uniqueId = entry.uniqueId, let matricule,
              let type = entry.classifications[XDS.DocumentEntry.typeCode],
              let classCode = entry.classifications[XDS.DocumentEntry.classCode] else { return nil }
        return StoredDocument(
            service: service, uniqueId: uniqueId,
            entryUUID: entry.id.hasPrefix("urn:uuid:") ? entry.id : "urn:uuid:" + UUID().uuidString.lowercased(),
            patientId: matricule, typeCode: type.code, classCode: classCode.code, title: entry.title, mimeType: mimeType,
            hash: hash, size: document.count, receivedAt: receivedAt, content: Data(document))
    }

    /// The matricule of `patientId`, when it is one the MPI knows.
    private func checkPatient(_ entry: XDSDocumentEntry, location: String, errors: inout [RegistryError]) -> String? {
        guard let value = entry.patientId, let patient = CX(value) else {
            errors.append(.metadata("patientId missing or not a CX (id^^^&oid&ISO)", at: location))
            return nil
        }
        guard patient.authority == OID.matricule else {
            errors.append(.metadata("patientId must be a matricule (assigning authority \(OID.matricule))", at: location))
            return nil
        }
        guard seed.patient(system: OID.matricule, value: patient.id) != nil else {
            errors.append(RegistryError(code: "XDSUnknownPatientId", context: "patientId is not known to the MPI", location: location))
            return nil
        }
        return patient.id
    }

    private func checkAuthors(_ entry: XDSDocumentEntry, fail: (String) -> Void) {
        let hpdIDs = entry.authors.compactMap(XCN.init).filter { $0.authority == OID.hpd }.map(\.id)
        if hpdIDs.isEmpty { return fail("no author with an hpdID (authorPerson …^^^&\(OID.hpd)&ISO)") }
        for hpdID in hpdIDs where seed.practitioner(system: OID.hpd, value: hpdID) == nil {
            fail("author hpdID \(hpdID) is not known to the HPD")
        }
    }

    /// The document must be CDA, about the patient the metadata names, and valid against the
    /// configured schema.
    private func checkContent(_ bytes: [UInt8], matricule: String?, location: String, errors: inout [RegistryError]) {
        func invalid(_ context: String) {
            errors.append(RegistryError(code: "InvalidDocumentContent", context: context, location: location))
        }
        let document: XMLDocument
        let cda: ClinicalDocument
        do {
            document = try XMLDocument(bytes: bytes)
            cda = try ClinicalDocument(document)
        } catch {
            return invalid("the document is not a CDA document: \(error)")
        }
        if let matricule, let documentPatient = cda.patient?.matricule, documentPatient != matricule {
            invalid("the document's recordTarget is not the patientId of the metadata")
        }
        if let schema {
            let findings = schema.validate(document).filter { $0.severity == .error }
            if let first = findings.first { invalid("not valid against the schema (\(findings.count) errors; first: \(first.message))") }
        }
    }

    static func sha1(_ bytes: [UInt8]) -> String {
        Insecure.SHA1.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// HL7 DTM as XDS uses it: UTC, YYYY[MM[DD[hh[mm[ss]]]]].
    static func isDTM(_ value: String) -> Bool {
        value.wholeMatch(of: /\d{4}(\d{2}){0,5}/) != nil
    }

    /// An OID, optionally `^extension` (ITI TF-3 §4.2.3.2.26), at most 128 characters.
    static func isDocumentUniqueId(_ value: String) -> Bool {
        value.count <= 128 && value.wholeMatch(of: /[0-2](\.(0|[1-9]\d*))+(\^[^\^]{1,16})?/) != nil
    }
}
