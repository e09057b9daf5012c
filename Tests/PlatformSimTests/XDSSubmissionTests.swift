import AsyncHTTPClient
import CDA
import Foundation
import PlatformSim
@testable import Sinks
import Testing

/// The DSP/CRE sink against the running stand-in, over HTTP.
@Suite struct XDSSubmissionTests {
    @Test func aSubmissionIsStoredOnceAndAReplayIsAcknowledgedAsDuplicate() async throws {
        try await withSimulator { sim in
            let payload = try Fixtures.labPayload()
            let sink = sim.dspSink()
            let first = try await sink.deliver(payload)
            let replay = try await sink.deliver(payload)
            #expect(!first.duplicate)
            #expect(first.reference.hasPrefix("urn:uuid:"))
            #expect(replay.duplicate)
            #expect(replay.reference == first.reference)

            let uniqueId = payload.idempotencyKey.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let stored = try await sim.request("GET", "/documents/dsp/\(uniqueId)")
            #expect(stored.status == 200)
            #expect(stored.body == String(decoding: payload.body, as: UTF8.self))
            let page = try await sim.request("GET", "/")
            #expect(page.body.components(separatedBy: ">\(payload.idempotencyKey)</a>").count == 2, "listed once")
            // The CRE is another registry: the same document is new there.
            let cre = XDSSink(name: "cre", endpoint: sim.creEndpoint, settings: RunningSimulator.source, client: sim.client)
            #expect(try await cre.deliver(payload).duplicate == false)
        }
    }

    @Test func theRCPNeedsTheCaseIdAndStoresACaseOnce() async throws {
        try await withSimulator { sim in
            let rcp = XDSSink(name: "rcp", endpoint: sim.baseURL + "/rcp/ProvideAndRegisterDocumentSet-b",
                              settings: RunningSimulator.source, client: sim.client)
            let error = await #expect(throws: SinkError.self) { try await rcp.deliver(try Fixtures.labPayload()) }
            #expect(error?.isTransient == false)
            #expect(error?.reason.contains("needs the case id in referenceIdList") == true, "\(String(describing: error))")

            // Two messages (two idempotency keys) about one case: the case is stored once.
            let first = try await rcp.deliver(try Fixtures.labPayload(metadata: ["caseId": "ONC-2026-0042"]))
            let again = try await rcp.deliver(try Fixtures.labPayload(metadata: ["caseId": "ONC-2026-0042"]))
            #expect(!first.duplicate)
            #expect(again.duplicate)
            let received = try await sim.json("/admin/received")
            #expect((received["documents"] as? [String: Int]) == ["rcp": 1])
        }
    }

    @Test func aWrongHashIsAPermanentRepositoryError() async throws {
        try await withSimulator { sim in
            let payload = try Fixtures.labPayload()
            var metadata = try XDSDocumentMetadata(payload: payload, settings: RunningSimulator.source)
            metadata.hash = String(repeating: "0", count: 40)
            let error = await #expect(throws: SinkError.self) { try await sim.dspSink().submit(metadata, document: payload.body) }
            #expect(error?.isTransient == false)
            #expect(error?.reason.contains("XDSRepositoryMetadataError hash does not match") == true, "\(String(describing: error))")
            // Nothing was stored: the right submission is new.
            #expect(try await sim.dspSink().deliver(payload).duplicate == false)
        }
    }

    @Test func aWrongSizeAndAnUnknownAuthorAreReportedTogether() async throws {
        try await withSimulator { sim in
            let payload = try Fixtures.labPayload(metadata: ["authorHpdId": "HPD-9999"])
            var metadata = try XDSDocumentMetadata(payload: payload, settings: RunningSimulator.source)
            metadata.size += 1
            let error = await #expect(throws: SinkError.self) { try await sim.dspSink().submit(metadata, document: payload.body) }
            #expect(error?.reason.contains("size does not match") == true)
            #expect(error?.reason.contains("author hpdID HPD-9999 is not known") == true)
        }
    }

    @Test func anUnknownPatientIsRejected() async throws {
        try await withSimulator { sim in
            let payload = try Fixtures.labPayload(metadata: ["patientId": "1999999999999"])
            let error = await #expect(throws: SinkError.self) { try await sim.dspSink().deliver(payload) }
            #expect(error?.isTransient == false)
            #expect(error?.reason.contains("XDSUnknownPatientId") == true, "\(String(describing: error))")
        }
    }

    @Test func theSameUniqueIdWithOtherContentIsANonIdenticalHash() async throws {
        try await withSimulator { sim in
            let payload = try Fixtures.labPayload()
            _ = try await sim.dspSink().deliver(payload)
            var changed = payload
            changed.body = Array(String(decoding: payload.body, as: UTF8.self).replacing(#"value="4.1""#, with: #"value="4.2""#).utf8)
            let error = await #expect(throws: SinkError.self) { try await sim.dspSink().deliver(changed) }
            #expect(error?.isTransient == false)
            #expect(error?.reason.contains("XDSNonIdenticalHash") == true)
        }
    }

    @Test func aDocumentThatIsNotCDAOrNotAboutThePatientIsInvalidContent() async throws {
        try await withSimulator { sim in
            let notCDA = try Fixtures.labPayload(body: Array("<html/>".utf8), metadata: [
                "patientId": "1985031512345", "classCode": "11502-2", "formatCode": "urn:ihe:lab:xd-lab:2008^1.3.6.1.4.1.19376.1.2.3",
                "authorHpdId": "HPD-0043", "creationTime": "20250611071500",
            ])
            let error = await #expect(throws: SinkError.self) { try await sim.dspSink().deliver(notCDA) }
            #expect(error?.reason.contains("InvalidDocumentContent the document is not a CDA document") == true)

            let otherPatient = try Fixtures.labPayload(metadata: ["patientId": "7000010105084"])
            let mismatch = await #expect(throws: SinkError.self) { try await sim.dspSink().deliver(otherPatient) }
            #expect(mismatch?.reason.contains("recordTarget is not the patientId") == true)
        }
    }

    @Test func anInjected503IsTransientUntilTheFaultClears() async throws {
        try await withSimulator { sim in
            try await sim.setFault(FaultRule(service: "dsp", status: 503, count: 2))
            let payload = try Fixtures.labPayload()
            for _ in 0..<2 {
                let error = await #expect(throws: SinkError.self) { try await sim.dspSink().deliver(payload) }
                #expect(error?.isTransient == true)
                #expect(error?.reason.hasPrefix("HTTP 503") == true)
            }
            let receipt = try await sim.dspSink().deliver(payload)
            #expect(!receipt.duplicate, "the faulted requests stored nothing")
            #expect(try await sim.request("GET", "/admin/faults").body == "[]")
        }
    }

    @Test func aSlowServiceIsATransientTimeoutAndOtherServicesAreUnaffected() async throws {
        try await withSimulator { sim in
            try await sim.setFault(FaultRule(service: "dsp", latencyMs: 1500))
            let error = await #expect(throws: SinkError.self) {
                try await sim.dspSink(timeout: .milliseconds(300)).deliver(try Fixtures.labPayload())
            }
            #expect(error?.isTransient == true)
            #expect(try await sim.request("GET", "/mpi/Patient?identifier=1.3.182.4.4%7C7000010105084").status == 200)
            #expect(try await sim.request("DELETE", "/admin/faults").body == "[]")
            _ = try await sim.dspSink(timeout: .milliseconds(1000)).deliver(try Fixtures.labPayload())
        }
    }

    @Test func aClosedPortIsTransient() async throws {
        let client = PlatformClientSettings(connectTimeout: .seconds(1)).makeClient()
        let sink = XDSSink(name: "dsp", endpoint: "http://127.0.0.1:1/dsp/ProvideAndRegisterDocumentSet-b",
                           settings: RunningSimulator.source, client: client)
        let error = await #expect(throws: SinkError.self) { try await sink.deliver(try Fixtures.labPayload()) }
        try await client.shutdown()
        #expect(error?.isTransient == true)
        #expect(error?.reason.contains("no answer from") == true)
    }

    /// MTOM receivers must also take the document base64 in place; the registry checks it the same way.
    @Test func anInlineBase64SubmissionIsAccepted() async throws {
        try await withSimulator { sim in
            let payload = try Fixtures.labPayload()
            let metadata = try XDSDocumentMetadata(payload: payload, settings: RunningSimulator.source)
            let envelope = String(decoding: try XDSEnvelope.soap(metadata: metadata, settings: RunningSimulator.source,
                                                                 endpoint: sim.dspEndpoint), as: UTF8.self)
            let include = #"<xop:Include href="cid:\#(XDSEnvelope.documentContentID)"/>"#
            #expect(envelope.contains(include))
            let inline = envelope.replacing(include, with: Data(payload.body).base64EncodedString(options: .lineLength76Characters))
            let reply = try await sim.request("POST", "/dsp/ProvideAndRegisterDocumentSet-b",
                                              contentType: "application/soap+xml; charset=UTF-8", body: Array(inline.utf8))
            #expect(reply.status == 200)
            #expect(reply.body.contains("ResponseStatusType:Success"), "\(reply.body)")
            #expect(try await sim.dspSink().deliver(payload).duplicate)
        }
    }

    @Test func aRequestThatIsNotSOAPIsASenderFault() async throws {
        try await withSimulator { sim in
            let garbage = try await sim.request("POST", "/dsp/ProvideAndRegisterDocumentSet-b",
                                                contentType: "application/soap+xml", body: Array("<not-closed".utf8))
            #expect(garbage.status == 400)
            #expect(garbage.body.contains("soap:Sender"))
            let wrongType = try await sim.request("POST", "/dsp/ProvideAndRegisterDocumentSet-b",
                                                  contentType: "text/plain", body: Array("hello".utf8))
            #expect(wrongType.status == 415)
        }
    }

    @Test func registeredDocumentsSurviveARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("sim.sqlite").path
        let payload = try Fixtures.labPayload()
        let first = try await withSimulator(databasePath: database) { sim in try await sim.dspSink().deliver(payload) }
        let replay = try await withSimulator(databasePath: database) { sim in try await sim.dspSink().deliver(payload) }
        #expect(replay.duplicate)
        #expect(replay.reference == first.reference)
    }

    @Test func theOverviewEscapesWhatItShows() async throws {
        try await withSimulator { sim in
            _ = try await sim.dspSink().deliver(try Fixtures.labPayload(metadata: ["title": "<script>alert('x')</script>"]))
            let page = try await sim.request("GET", "/")
            #expect(page.status == 200)
            #expect(page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
            #expect(!page.body.contains("<script>"))
        }
    }
}
