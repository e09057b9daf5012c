import CDA
import Foundation
import Testing

/// Every file of the shared C-CDA examples (HL7, CC0), sorted by what it is. The expected counts
/// are those the corpus's SOURCE.txt states for its snapshot.
@Suite struct CorpusTests {
    @Test func cCDAExamplesParseReadAndValidate() throws {
        let folder = try TestFiles.corpus("c-cda-examples")
        let schema = try XMLSchema(path: TestFiles.sdtcSchema.path)
        let files = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension.lowercased() == "xml" }
            .sorted { $0.path < $1.path }

        var documents = 0, read = 0, schemaValid = 0, fragments = 0, notStandalone = 0
        for file in files {
            let name = file.path.dropFirst(folder.path.count + 1)
            let document: XMLDocument
            do {
                document = try XMLDocument(bytes: Data(contentsOf: file))
            } catch let error as XMLParseError {
                // Fragments that use prefixes (xsi:, sdtc:) declared only in a full document.
                #expect(error.message.hasPrefix("Namespace prefix"), "\(name): \(error)")
                notStandalone += 1
                continue
            }
            guard document.root?.name == "ClinicalDocument" else {
                fragments += 1
                continue
            }
            documents += 1
            if let cda = try? ClinicalDocument(document) {
                read += 1
                #expect(cda.id != nil && cda.code != nil && cda.patient != nil, "\(name)")
            }
            if schema.validate(document, file: String(name)).isEmpty { schemaValid += 1 }
        }
        print("c-cda-examples: \(files.count) files: \(documents) ClinicalDocuments (\(read) read, \(schemaValid) valid against CDA_SDTC.xsd), \(fragments) fragments, \(notStandalone) fragments not standalone-parseable")
        #expect(files.count == 447)
        #expect(documents == 25)
        #expect(read == 20, "the 5 without the urn:hl7-org:v3 namespace are refused")
        #expect(schemaValid == 16)
        #expect(fragments == 224)
        #expect(notStandalone == 198)
    }
}
