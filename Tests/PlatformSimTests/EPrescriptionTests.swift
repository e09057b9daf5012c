import Foundation
import PlatformSim
import Sinks
import Testing

/// The ePrescription sink against the running stand-in, over HTTP.
@Suite struct EPrescriptionTests {
    struct Line {
        var id = UUID().uuidString.lowercased()
        var product = "0123456"
    }

    /// A transaction Bundle as the ePrescription mapping renders it: one MedicationRequest per line.
    static func bundle(ordonnance: String, lines: [Line], patient: String = "7000010105084", prescriber: String = "HPD-0042") -> [UInt8] {
        let entries: [[String: Any]] = lines.map { line in
            ["fullUrl": "urn:uuid:\(line.id)",
             "request": ["method": "POST", "url": "MedicationRequest"],
             "resource": [
                "resourceType": "MedicationRequest", "status": "active", "intent": "order",
                "identifier": [["system": "urn:ietf:rfc:3986", "value": "urn:uuid:\(line.id)"]],
                "groupIdentifier": ["system": "urn:oid:1.3.182.3.1.1.7.20", "value": ordonnance],
                "subject": ["identifier": ["system": "urn:oid:1.3.182.4.4", "value": patient]],
                "requester": ["identifier": ["system": "urn:oid:1.3.182.4.1", "value": prescriber]],
                "medicationCodeableConcept": ["coding": [["system": "urn:oid:1.3.182.5.47", "code": line.product]]],
                "dosageInstruction": [["text": "1 comprimé 3 fois par jour"]],
             ] as [String: Any]]
        }
        let bundle: [String: Any] = ["resourceType": "Bundle", "type": "transaction", "entry": entries]
        return Array(try! JSONSerialization.data(withJSONObject: bundle))
    }

    static func payload(ordonnance: String, lines: [Line], patient: String = "7000010105084") -> SinkPayload {
        SinkPayload(body: bundle(ordonnance: ordonnance, lines: lines, patient: patient),
                    contentType: "application/fhir+json", idempotencyKey: ordonnance)
    }

    @Test func anOrdonnanceRoundTripsWithAStatusPerLine() async throws {
        try await withSimulator { sim in
            let sink = EPrescriptionSink(name: "eprescription", baseURL: sim.baseURL + "/eprescription", client: sim.client)
            let lines = [Line(), Line(product: "0234567")]
            let payload = Self.payload(ordonnance: "ORD-2025-0001", lines: lines)
            let receipt = try await sink.deliver(payload)
            #expect(receipt.reference == "ORD-2025-0001")
            #expect(!receipt.duplicate)

            let statuses = try await sink.lineStatuses(ordonnanceId: "ORD-2025-0001")
            #expect(statuses == Dictionary(uniqueKeysWithValues: lines.map { ($0.id, "active") }))
            let line = try await sim.json("/eprescription/MedicationRequest/\(lines[1].id)")
            #expect(line["status"] as? String == "active")
            #expect((line["groupIdentifier"] as? [String: Any])?["value"] as? String == "ORD-2025-0001")
            #expect((line["dosageInstruction"] as? [[String: Any]])?.first?["text"] as? String == "1 comprimé 3 fois par jour")

            let replay = try await sink.deliver(payload)
            #expect(replay.duplicate)
            #expect(try await sink.lineStatuses(ordonnanceId: "ORD-2025-0001").count == 2, "stored once")
            #expect(try await sim.request("GET", "/eprescription/MedicationRequest/\(UUID().uuidString)").status == 404)
        }
    }

    @Test func unknownProductsPatientsAndPrescribersAreRejectedForGood() async throws {
        try await withSimulator { sim in
            let sink = EPrescriptionSink(name: "eprescription", baseURL: sim.baseURL + "/eprescription", client: sim.client)
            let product = await #expect(throws: SinkError.self) {
                try await sink.deliver(Self.payload(ordonnance: "ORD-X1", lines: [Line(), Line(product: "9999999")]))
            }
            #expect(product?.isTransient == false)
            #expect(product?.reason == "HTTP 422: entry[1]: the product is not on the medication list")

            let patient = await #expect(throws: SinkError.self) {
                try await sink.deliver(Self.payload(ordonnance: "ORD-X2", lines: [Line()], patient: "1999999999999"))
            }
            #expect(patient?.reason.contains("subject is not known to the MPI") == true)
            let stored = try await sink.lineStatuses(ordonnanceId: "ORD-X1")
            #expect(stored.isEmpty, "nothing of a rejected ordonnance is stored")
        }
    }

    @Test func anotherOrdonnanceUnderTheSameIdIsAConflict() async throws {
        try await withSimulator { sim in
            let sink = EPrescriptionSink(name: "eprescription", baseURL: sim.baseURL + "/eprescription", client: sim.client)
            _ = try await sink.deliver(Self.payload(ordonnance: "ORD-C", lines: [Line()]))
            let error = await #expect(throws: SinkError.self) {
                try await sink.deliver(Self.payload(ordonnance: "ORD-C", lines: [Line(), Line()]))
            }
            #expect(error?.isTransient == false)
            #expect(error?.reason.hasPrefix("HTTP 409") == true)
        }
    }

    @Test func an503IsTransient() async throws {
        try await withSimulator { sim in
            try await sim.setFault(FaultRule(service: "eprescription", status: 503, count: 1))
            let sink = EPrescriptionSink(name: "eprescription", baseURL: sim.baseURL + "/eprescription", client: sim.client)
            let payload = Self.payload(ordonnance: "ORD-T", lines: [Line()])
            let error = await #expect(throws: SinkError.self) { try await sink.deliver(payload) }
            #expect(error?.isTransient == true)
            #expect(try await sink.deliver(payload).duplicate == false)
        }
    }
}

/// MPI and HPD look-ups.
@Suite struct DirectoryTests {
    @Test func aPatientIsFoundByMatriculeOrLocalId() async throws {
        try await withSimulator { sim in
            for token in ["urn:oid:1.3.182.4.4|7000010105084", "1.3.182.3.1.1.7.3|P-884211"] {
                let query = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let bundle = try await sim.json("/mpi/Patient?identifier=\(query)")
                #expect(bundle["total"] as? Int == 1)
                let patient = try #require((bundle["entry"] as? [[String: Any]])?.first?["resource"] as? [String: Any])
                #expect((patient["name"] as? [[String: Any]])?.first?["family"] as? String == "Schmit")
                let ids = (patient["identifier"] as? [[String: String]])?.map { "\($0["system"]!)|\($0["value"]!)" }
                #expect(ids?.contains("urn:oid:1.3.182.2.4.2|DSP0004711") == true)
            }
            #expect(try await sim.json("/mpi/Patient?identifier=urn%3Aoid%3A1.3.182.4.4%7C1999999999999")["total"] as? Int == 0)
            #expect(try await sim.request("GET", "/mpi/Patient").status == 400)
        }
    }

    @Test func aProfessionalIsFoundByHpdIDOrCNSCode() async throws {
        try await withSimulator { sim in
            for token in ["urn:oid:1.3.182.4.1|HPD-0042", "urn:oid:1.3.182.4.6|901234-56"] {
                let query = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let bundle = try await sim.json("/hpd/Practitioner?identifier=\(query)")
                let practitioner = try #require((bundle["entry"] as? [[String: Any]])?.first?["resource"] as? [String: Any])
                #expect((practitioner["name"] as? [[String: Any]])?.first?["family"] as? String == "Weber")
            }
        }
    }
}
