import HL7v2
import Sinks

/// The `enrich` steps: what the sender did not know, asked of the platform's directories and
/// written into the message, so every later step (mapping, sinks) sees it as if it had been sent.
/// - `patient`: a PID-3 without the national matricule gets it from the MPI, found by another
///   of the patient's identifiers (a repetition whose assigning authority is an OID, CX-4.2),
///   as a new PID-3 repetition.
/// - `professionals`: a professional sent with a CNS code (1.3.182.4.6) instead of an hpdID, as
///   result interpreter (OBR-32), ordering provider (ORC-12) or document author (TXA-9), gets
///   the hpdID from the HPD in place of the code.
struct Enrichment: Sendable {
    static let matricule = "1.3.182.4.4"
    static let hpdID = "1.3.182.4.1"
    static let cnsCode = "1.3.182.4.6"

    /// Nil when no directory is configured: a message that needs one is then refused.
    let directory: PlatformDirectory?

    func patient(_ message: HL7Message) async throws(ProcessingFailure) -> HL7Message {
        let step = "enrich:patient"
        let count = message.repetitionCount(at: HL7Path(segment: "PID", field: 3))
        var known: [PlatformDirectory.Identifier] = []
        for repetition in 1...max(count, 1) where count > 0 {
            let id = message.value(at: HL7Path(segment: "PID", field: 3, repetition: repetition, component: 1)) ?? ""
            let authority = message.value(at: HL7Path(segment: "PID", field: 3, repetition: repetition, component: 4,
                                                      subcomponent: 2)) ?? ""
            if authority == Self.matricule { return message }
            if !id.isEmpty, authority.first?.isNumber == true { known.append(.init(system: authority, value: id)) }
        }
        guard !known.isEmpty else {
            throw .permanent(step: step, "no PID-3 identifier with an assigning-authority OID to ask the MPI with")
        }
        for identifier in known {
            guard let matricule = try await linked(to: identifier, in: .patients, system: Self.matricule, step: step) else { continue }
            let delimiters = message.delimiters
            do {
                // CX `value^^^MAT&1.3.182.4.4&ISO`, in the message's own delimiters.
                var encoded = try delimiters.escape(matricule, charset: message.charset)
                encoded += [delimiters.component, delimiters.component, delimiters.component] + Array("MAT".utf8)
                encoded += [delimiters.subcomponent] + Array(Self.matricule.utf8) + [delimiters.subcomponent] + Array("ISO".utf8)
                return try message.setting(HL7Path(segment: "PID", field: 3, repetition: count + 1), toEncoded: encoded)
            } catch {
                throw .permanent(step: step, "cannot add the matricule to PID-3: \(error.kind.rawValue)")
            }
        }
        throw .permanent(step: step, "the MPI knows none of the patient's \(known.count) PID-3 identifiers")
    }

    /// Where a professional's id and its assigning authority's OID sit: XCN (id in component 1,
    /// authority in 9.2) and OBR-32's CNN (id in 1.1, authority in 1.10).
    static let professionalFields: [(segment: String, field: Int, id: (Int, Int?), authority: (Int, Int?))] = [
        ("OBR", 32, (1, 1), (1, 10)), ("ORC", 12, (1, nil), (9, 2)), ("TXA", 9, (1, nil), (9, 2)),
    ]

    func professionals(_ message: HL7Message) async throws(ProcessingFailure) -> HL7Message {
        let step = "enrich:professionals"
        var message = message
        for place in Self.professionalFields where message.count(of: place.segment) > 0 {
            for occurrence in 1...message.count(of: place.segment) {
                func path(_ at: (Int, Int?)) -> HL7Path {
                    HL7Path(segment: place.segment, occurrence: occurrence, field: place.field, component: at.0, subcomponent: at.1)
                }
                guard message.value(at: path(place.authority)) == Self.cnsCode,
                      let code = message.value(at: path(place.id)), !code.isEmpty else { continue }
                guard let hpdID = try await linked(to: .init(system: Self.cnsCode, value: code), in: .practitioners,
                                                   system: Self.hpdID, step: step) else {
                    throw .permanent(step: step, "the HPD knows no professional with the CNS code at \(path(place.id))")
                }
                do {
                    message = try message.setting(path(place.id), to: hpdID).setting(path(place.authority), to: Self.hpdID)
                } catch {
                    throw .permanent(step: step, "cannot write the hpdID at \(path(place.id)): \(error.kind.rawValue)")
                }
            }
        }
        return message
    }

    /// The value in `system` that the directory links to `identifier`; nil when it knows none.
    private func linked(to identifier: PlatformDirectory.Identifier, in registry: PlatformDirectory.Registry, system: String,
                        step: String) async throws(ProcessingFailure) -> String? {
        guard let directory else {
            throw .permanent(step: step, "no \(registry == .patients ? "MPI" : "HPD") is configured (platform: mpi_url, hpd_url)")
        }
        do {
            return try await directory.identifiers(linkedTo: identifier, in: registry)?.first { $0.system == system }?.value
        } catch {
            throw ProcessingFailure(error.isTransient ? .transient : .permanent, step: step, reason: error.reason)
        }
    }
}
