import CDA
import Foundation
import Testing

/// Every file of the shared C-CDA examples (HL7, CC0), sorted by what it is. The expected counts
/// are those the corpus's SOURCE.txt states for its snapshot. Without the corpus the test fails
/// and says where it looked (`TestFiles.CorpusMissing`).
@Suite struct CorpusTests {
    @Test func cCDAExamplesParseReadAndValidate() throws {
        let folder = try TestFiles.corpus("c-cda-examples")
        let schema = try XMLSchema(path: TestFiles.sdtcSchema.path)
        let files = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension.lowercased() == "xml" }
            .sorted { $0.path < $1.path }

        var documents = 0, read = 0, schemaValid = 0, outsideNamespace = 0
        var fragments = 0, fragmentsNeedingCDANamespaces = 0, headerSnippets = 0, malformed: [String] = []
        for file in files {
            let name = String(file.path.dropFirst(folder.path.count + 1))
            let bytes = try Data(contentsOf: file)
            // As the engine receives it first; fragments that use the prefixes (xsi:, sdtc:) of
            // the document they were cut from are parsed again as fragments.
            let document: XMLDocument
            do {
                document = try XMLDocument(bytes: bytes)
            } catch {
                #expect(error.message.hasPrefix("Namespace prefix"), "\(name): \(error)")
                do {
                    let fragment = try XMLDocument(cdaFragment: bytes)
                    if CDADocumentKind(fragment) == .clinicalDocument {
                        // A header example (participants, recipients) cut down to a ClinicalDocument
                        // with neither namespace declarations nor the required parts.
                        #expect(throws: Never.self, "\(name)") { try ClinicalDocument(fragment) }
                        headerSnippets += 1
                    } else {
                        try expectFragment(fragment, name)
                        fragmentsNeedingCDANamespaces += 1
                        fragments += 1
                    }
                } catch let error as XMLParseError {
                    // Not even well-formed: refused with where and why.
                    #expect(error.line > 0, "\(name): \(error)")
                    malformed.append("\(name) (\(error))")
                }
                continue
            }
            switch CDADocumentKind(document) {
            case .clinicalDocument:
                documents += 1
                let cda = try ClinicalDocument(document)
                read += 1
                #expect(cda.id != nil && cda.code != nil && cda.patient != nil, "\(name)")
                if schema.validate(document, file: name).isEmpty { schemaValid += 1 }
            case .other(let root):
                #expect(root == "ClinicalDocument", "\(name)")
                #expect(throws: CDAReadError.self) { try ClinicalDocument(document) }
                outsideNamespace += 1
            case .fragment:
                try expectFragment(document, name)
                // The same bytes read as a fragment give the same root, now in the HL7 namespace.
                #expect(try CDADocumentKind(XMLDocument(cdaFragment: bytes)) == CDADocumentKind(document), "\(name)")
                fragments += 1
            }
        }
        print("""
            c-cda-examples (\(folder.path)): \(files.count) files: \(documents + outsideNamespace) complete \
            ClinicalDocuments (\(read) read, \(schemaValid) valid against CDA_SDTC.xsd, \(outsideNamespace) refused \
            outside the urn:hl7-org:v3 namespace), \(fragments) fragments handled as fragments (\(fragmentsNeedingCDANamespaces) \
            of them parsed with the CDA namespaces in scope), \(headerSnippets) header examples rooted at an undeclared \
            ClinicalDocument (read as fragments), \(malformed.count) malformed: \(malformed.joined(separator: "; "))
            """)
        #expect(files.count == 447)
        #expect(documents + outsideNamespace == 25)
        #expect(read == 20 && outsideNamespace == 5)
        #expect(schemaValid == 16)
        #expect(fragments == 224 + 192)
        #expect(fragmentsNeedingCDANamespaces == 192)
        #expect(headerSnippets == 5)
        #expect(malformed.count == 1, "one example closes <entryRelationship> with </observation>")
    }

    /// A fragment is reported as one, and the reader refuses it saying what its root is.
    private func expectFragment(_ document: XMLDocument, _ name: String) throws {
        let root = try #require(document.root, "\(name)")
        #expect(CDADocumentKind(document) == .fragment(rootElement: root.name), "\(name)")
        let error = #expect(throws: CDAReadError.self, "\(name)") { try ClinicalDocument(document) }
        #expect(error?.message.contains("not a ClinicalDocument: root is <\(root.name)>") == true, "\(name)")
    }
}
