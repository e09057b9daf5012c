import HL7v2
import Sinks

/// The `enrich: patient` step: a message whose PID-3 lacks the national matricule gets it from
/// the MPI, found by another of the patient's identifiers (a PID-3 repetition whose assigning
/// authority is an OID, CX-4.2). The matricule is added as a new PID-3 repetition, so every
/// later step (mapping, sinks) sees it as if the sender had sent it.
struct PatientEnrichment: Sendable {
    static let matricule = "1.3.182.4.4"

    /// Nil when no MPI is configured: a message that needs it is then refused.
    let directory: PlatformDirectory?

    func enrich(_ message: HL7Message) async throws(ProcessingFailure) -> HL7Message {
        let count = message.repetitionCount(at: HL7Path(segment: "PID", field: 3))
        var known: [PlatformDirectory.Identifier] = []
        for repetition in 1...max(count, 1) where count > 0 {
            let id = message.value(at: HL7Path(segment: "PID", field: 3, repetition: repetition, component: 1)) ?? ""
            let authority = message.value(at: HL7Path(segment: "PID", field: 3, repetition: repetition, component: 4,
                                                      subcomponent: 2)) ?? ""
            if authority == Self.matricule { return message }
            if !id.isEmpty, authority.first?.isNumber == true { known.append(.init(system: authority, value: id)) }
        }
        guard let directory else { throw .permanent(step: "enrich:patient", "no MPI is configured (platform: mpi_url)") }
        guard !known.isEmpty else {
            throw .permanent(step: "enrich:patient", "no PID-3 identifier with an assigning-authority OID to ask the MPI with")
        }
        for identifier in known {
            let linked: [PlatformDirectory.Identifier]?
            do {
                linked = try await directory.identifiers(linkedTo: identifier, in: .patients)
            } catch {
                throw ProcessingFailure(error.isTransient ? .transient : .permanent, step: "enrich:patient", reason: error.reason)
            }
            guard let matricule = linked?.first(where: { $0.system == Self.matricule }) else { continue }
            let delimiters = message.delimiters
            do {
                // CX `value^^^MAT&1.3.182.4.4&ISO`, in the message's own delimiters.
                var encoded = try delimiters.escape(matricule.value, charset: message.charset)
                encoded += [delimiters.component, delimiters.component, delimiters.component] + Array("MAT".utf8)
                encoded += [delimiters.subcomponent] + Array(Self.matricule.utf8) + [delimiters.subcomponent] + Array("ISO".utf8)
                return try message.setting(HL7Path(segment: "PID", field: 3, repetition: count + 1), toEncoded: encoded)
            } catch {
                throw .permanent(step: "enrich:patient", "cannot add the matricule to PID-3: \(error.kind.rawValue)")
            }
        }
        throw .permanent(step: "enrich:patient", "the MPI knows none of the patient's \(known.count) PID-3 identifiers")
    }
}
