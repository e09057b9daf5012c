import CDA
import Foundation
import Mapping
import Testing

/// The shipped `from: cda` mappings: XD-LAB back to a lab report (a round trip of the ORU
/// fixture through oru-to-xdlab), CDA documents back to clinical documents (round trips of the
/// MDM fixtures' CDA), and every complete ClinicalDocument of the shared C-CDA examples.
@Suite struct CDAMappingTests {
    static let xdLab = try! MappingPlan.load(contentsOf: TestFiles.mappings.appendingPathComponent("cda-xdlab-to-lab-report.yaml"))
    static let documents = try! MappingPlan.load(contentsOf: TestFiles.mappings.appendingPathComponent("cda-to-clinical-document.yaml"))
    static let xdLabFixture = fixture("cda-xdlab-lab-report.xml")

    static func fixture(_ name: String) -> URL { TestFiles.mappings.appendingPathComponent("fixtures/\(name)") }

    static func labReport(_ value: CanonicalValue) throws -> Canonical.LabReport {
        guard case .labReport(let report) = value else { throw RenderError("not a lab report") }
        return report
    }

    static func document(_ value: CanonicalValue) throws -> Canonical.ClinicalDocument {
        guard case .document(let document) = value else { throw RenderError("not a clinical document") }
        return document
    }

    @Test func xdLabFixtureMapsToTheExpectedJSON() throws {
        let result = try Self.xdLab.map(XMLDocument(bytes: Data(contentsOf: Self.xdLabFixture)))
        #expect(result.findings.isEmpty)
        let expected = try Data(contentsOf: Self.fixture("cda-xdlab-lab-report.expected.json"))
        #expect(String(decoding: try result.value.json(), as: UTF8.self) + "\n" == String(decoding: expected, as: UTF8.self))
        #expect(try JSONDecoder().decode(CanonicalValue.self, from: expected) == result.value)
    }

    /// The fixture is oru-r01-lab.hl7 mapped by oru-to-xdlab and rendered as XD-LAB. Mapped back,
    /// it gives the original report except for what the CDA does not carry.
    @Test func xdLabRoundTripGivesBackTheOriginalReport() throws {
        let original = try Self.labReport(MappingPlan.load(contentsOf: TestFiles.oruMapping).map(TestFiles.message(TestFiles.oruFixture)).value)
        let rendered = try CanonicalValue.labReport(original).rendered(as: .cda)
        let roundTrip = try Self.labReport(Self.xdLab.map(XMLDocument(bytes: rendered)).value)
        // The checked-in fixture is what the renderer writes today, as far as the mapping reads it.
        #expect(try Self.labReport(Self.xdLab.map(XMLDocument(bytes: Data(contentsOf: Self.xdLabFixture))).value) == roundTrip)

        // Nothing is lost for this fixture: the report comes back equal, field for field.
        #expect(roundTrip == original)
    }

    /// What cannot survive the round trip: XD-LAB as rendered has no place for the report's
    /// orderer, nor an observation's performer or comment (the ORU fixture has none of them).
    @Test func xdLabRoundTripLosesOnlyTheOrdererAndObservationPerformersAndComments() throws {
        var original = try Self.labReport(MappingPlan.load(contentsOf: TestFiles.oruMapping).map(TestFiles.message(TestFiles.oruFixture)).value)
        original.batteries[0].observations[0].id = .init(system: "1.3.182.3.1.1.7.6", value: "OBS-1")
        var enriched = original
        enriched.orderer = .init(hpdID: "HPD-0001")
        enriched.batteries[0].observations[0].performer = .init(hpdID: "HPD-0002")
        enriched.batteries[0].observations[0].comment = "hémolysé"
        let roundTrip = try Self.labReport(Self.xdLab.map(XMLDocument(bytes: CanonicalValue.labReport(enriched).rendered(as: .cda))).value)
        #expect(roundTrip == original)
    }

    static let documentFixtures = ["mdm-t02-emergency-summary", "oru-r01-imaging-report", "mdm-t02-pathology-report"]

    /// The CDA level 1 documents mdm-t02-to-clinical-document writes (text, and PDF) give back
    /// their canonical documents.
    @Test(arguments: documentFixtures) func clinicalDocumentRoundTrip(_ name: String) throws {
        let original = try Self.document(JSONDecoder().decode(CanonicalValue.self, from: Data(contentsOf: Self.fixture("\(name).expected.json"))))
        let result = try Self.documents.map(XMLDocument(bytes: Data(contentsOf: Self.fixture("\(name).expected.cda.xml"))))
        #expect(result.findings.isEmpty)
        var expected = original
        // The renderer writes the custodian as the author's organisation when it has none.
        if expected.author != nil, expected.author?.organisation == nil { expected.author?.organisation = original.custodian }
        #expect(try Self.document(result.value) == expected)
    }

    /// Every complete ClinicalDocument of the shared C-CDA examples maps, or fails with a run
    /// error naming the mapping and the rule; fragments and header snippets are not documents.
    @Test(.enabled(if: TestFiles.hasCorpus, "the shared corpus (../shared/corpus/c-cda-examples) is absent: set PASSERELLE_SHARED_CORPUS"))
    func cCDAExamplesMapToClinicalDocuments() throws {
        let folder = try TestFiles.corpus().appendingPathComponent("c-cda-examples")
        let files = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension.lowercased() == "xml" }
            .sorted { $0.path < $1.path }
        var mapped = 0, refused: [String: Int] = [:], notDocuments = 0
        var withPatient = 0, withAuthorName = 0, withCustodian = 0, withText = 0
        for file in files {
            let name = String(file.path.dropFirst(folder.path.count + 1))
            guard let xml = try? XMLDocument(bytes: Data(contentsOf: file)), CDADocumentKind(xml) == .clinicalDocument,
                  let header = try? ClinicalDocument(xml) else {
                notDocuments += 1
                continue
            }
            do {
                let document = try Self.document(Self.documents.map(xml).value)
                mapped += 1
                #expect(document.id != nil && document.effectiveTime != nil, "\(name)")
                #expect(document.code?.code == header.code?.code, "\(name)")
                if !document.patient.localIDs.isEmpty || document.patient.name != nil { withPatient += 1 }
                if document.author?.name?.family != nil { withAuthorName += 1 }
                if document.custodian?.ids.isEmpty == false { withCustodian += 1 }
                if document.text != nil || document.pdfBase64 != nil { withText += 1 }
            } catch let error as MappingRunError {
                #expect(error.mapping == "cda-to-clinical-document" && error.rule.hasPrefix("map."), "\(name): \(error)")
                // Never a patient's value in the error.
                if let family = header.patient?.names.first?.family.first, !family.isEmpty {
                    #expect(!error.description.contains(family), "\(name)")
                }
                refused[error.rule, default: 0] += 1
            }
        }
        print("c-cda-examples: \(files.count) XML files, \(mapped) documents mapped, \(refused.values.reduce(0, +)) refused \(refused), "
              + "\(notDocuments) not complete documents; \(withPatient) with patient ids or name, \(withAuthorName) with an author's name, "
              + "\(withCustodian) with a custodian id, \(withText) with a level 1 body")
        // The snapshot's counts (as CDATests' CorpusTests reads them): 20 ClinicalDocuments in the
        // CDA namespace; the rest are fragments, header snippets and 5 documents outside it.
        #expect(files.count == 447 && mapped == 20 && refused.isEmpty && notDocuments == 427)
        #expect(withPatient == 20 && withAuthorName == 19 && withCustodian == 19 && withText == 2)
    }
}
