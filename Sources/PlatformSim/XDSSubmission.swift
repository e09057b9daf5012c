import CDA
import Foundation

/// A code as ebRIM classifies it: the code (`nodeRepresentation`), its coding scheme and display name.
struct XDSCode: Sendable, Hashable {
    var code: String
    var scheme: String?
    var displayName: String?
}

/// One DocumentEntry of a Provide-and-Register request, as read from its ExtrinsicObject.
struct XDSDocumentEntry: Sendable {
    /// The `id` attribute: a `urn:uuid:` or a symbolic id the registry replaces.
    var id: String
    var objectType: String?
    var mimeType: String?
    var title: String?
    var slots: [String: [String]]
    var classifications: [String: XDSCode]
    /// `authorPerson` values of the author classifications.
    var authors: [String]
    var externalIdentifiers: [String: String]

    var uniqueId: String? { externalIdentifiers[XDS.DocumentEntry.uniqueId] }
    var patientId: String? { externalIdentifiers[XDS.DocumentEntry.patientId] }
    func slot(_ name: String) -> String? { slots[name]?.first }
}

/// The SubmissionSet and the HasMember associations that put entries into it.
struct XDSSubmissionSet: Sendable {
    var id: String
    var uniqueId: String?
    var sourceId: String?
    var patientId: String?
    var submissionTime: String?
    /// Target object ids of the set's HasMember associations.
    var members: Set<String>
}

/// A parsed ITI-41 request: entries, set and the documents by entry id.
struct XDSSubmission: Sendable {
    var entries: [XDSDocumentEntry]
    var submissionSet: XDSSubmissionSet?
    var documents: [String: [UInt8]]
}

/// Why a request is not a Provide-and-Register request at all: a SOAP Sender fault, not a
/// registry error.
struct SOAPFault: Error, Sendable {
    var reason: String
}

extension XDSSubmission {
    private static let action = try! XPathExpression("/soap:Envelope/soap:Header/wsa:Action")
    private static let request = try! XPathExpression("/soap:Envelope/soap:Body/xdsb:ProvideAndRegisterDocumentSetRequest")
    private static let objects = try! XPathExpression("lcm:SubmitObjectsRequest/rim:RegistryObjectList/*")
    private static let documentElements = try! XPathExpression("xdsb:Document")

    /// Reads the envelope; `attachment` resolves an `xop:Include` href (`cid:…`) to its bytes.
    init(envelope: XMLDocument, attachment: (String) -> [UInt8]?) throws(SOAPFault) {
        for (prefix, uri) in [("soap", XDS.Namespace.soap), ("wsa", XDS.Namespace.addressing), ("xdsb", XDS.Namespace.xdsb),
                              ("lcm", XDS.Namespace.lcm), ("rim", XDS.Namespace.rim)] {
            envelope.bind(prefix: prefix, to: uri)
        }
        do {
            guard envelope.root?.is("Envelope", namespace: XDS.Namespace.soap) == true else {
                throw SOAPFault(reason: "not a SOAP 1.2 envelope")
            }
            let action = try envelope.string(Self.action).trimmingWhitespace
            guard action == XDS.provideAndRegisterAction else {
                throw SOAPFault(reason: action.isEmpty ? "no WS-Addressing Action" : "unsupported action \(action)")
            }
            guard let request = try envelope.nodes(Self.request).first else {
                throw SOAPFault(reason: "no ProvideAndRegisterDocumentSetRequest in the body")
            }
            let objects = try envelope.nodes(Self.objects, at: request)
            entries = objects.filter { $0.is("ExtrinsicObject", namespace: XDS.Namespace.rim) }.map(XDSDocumentEntry.init)
            submissionSet = Self.submissionSet(in: objects)
            var documents: [String: [UInt8]] = [:]
            for element in try envelope.nodes(Self.documentElements, at: request) {
                guard let id = element.attribute("id") else { throw SOAPFault(reason: "a Document without id") }
                documents[id] = try Self.content(of: element, attachment: attachment)
            }
            self.documents = documents
        } catch let error as XPathError {
            throw SOAPFault(reason: error.description)
        } catch let fault as SOAPFault {
            throw fault
        } catch {
            throw SOAPFault(reason: "\(error)")
        }
    }

    /// The bytes of a Document element: an MTOM attachment, or base64 text in place (which an
    /// MTOM receiver must accept too).
    private static func content(of element: XMLNode, attachment: (String) -> [UInt8]?) throws(SOAPFault) -> [UInt8] {
        if let include = element.element("Include", namespace: XDS.Namespace.xop) {
            guard let href = include.attribute("href"), href.hasPrefix("cid:") else {
                throw SOAPFault(reason: "xop:Include without a cid: href")
            }
            let contentID = String(href.dropFirst(4)).removingPercentEncoding ?? String(href.dropFirst(4))
            guard let bytes = attachment(contentID) else { throw SOAPFault(reason: "no MIME part for \(href)") }
            return bytes
        }
        // Line breaks and spaces are allowed in xs:base64Binary.
        guard let bytes = Data(base64Encoded: element.stringValue, options: .ignoreUnknownCharacters).map(Array.init) else {
            throw SOAPFault(reason: "a Document is neither an xop:Include nor base64")
        }
        return bytes
    }

    private static func submissionSet(in objects: [XMLNode]) -> XDSSubmissionSet? {
        let rim = XDS.Namespace.rim
        let markers = objects.filter {
            $0.is("Classification", namespace: rim) && $0.attribute("classificationNode") == XDS.submissionSetNode
        }
        let setIds = Set(markers.compactMap { $0.attribute("classifiedObject") })
        guard let package = objects.first(where: {
            $0.is("RegistryPackage", namespace: rim) && setIds.contains($0.attribute("id") ?? "")
        }), let id = package.attribute("id") else { return nil }
        let identifiers = package.externalIdentifiers
        let members = objects.filter {
            $0.is("Association", namespace: rim) && $0.attribute("associationType") == XDS.hasMember
                && $0.attribute("sourceObject") == id
        }
        return XDSSubmissionSet(
            id: id, uniqueId: identifiers[XDS.SubmissionSet.uniqueId], sourceId: identifiers[XDS.SubmissionSet.sourceId],
            patientId: identifiers[XDS.SubmissionSet.patientId], submissionTime: package.slots["submissionTime"]?.first,
            members: Set(members.compactMap { $0.attribute("targetObject") }))
    }
}

extension XDSDocumentEntry {
    init(_ object: XMLNode) {
        let rim = XDS.Namespace.rim
        id = object.attribute("id") ?? ""
        objectType = object.attribute("objectType")
        mimeType = object.attribute("mimeType")
        title = object.element("Name", namespace: rim)?.element("LocalizedString", namespace: rim)?.attribute("value")
        slots = object.slots
        externalIdentifiers = object.externalIdentifiers
        var classifications: [String: XDSCode] = [:]
        var authors: [String] = []
        for classification in object.elements("Classification", namespace: rim) {
            guard let scheme = classification.attribute("classificationScheme") else { continue }
            if scheme == XDS.DocumentEntry.author {
                authors += classification.slots["authorPerson"] ?? []
            } else if let code = classification.attribute("nodeRepresentation") {
                let name = classification.element("Name", namespace: rim)?.element("LocalizedString", namespace: rim)
                classifications[scheme] = XDSCode(code: code, scheme: classification.slots["codingScheme"]?.first,
                                                  displayName: name?.attribute("value"))
            }
        }
        self.classifications = classifications
        self.authors = authors
    }
}

extension XMLNode {
    /// `rim:Slot name → rim:ValueList/rim:Value` strings.
    var slots: [String: [String]] {
        let rim = XDS.Namespace.rim
        var slots: [String: [String]] = [:]
        for slot in elements("Slot", namespace: rim) {
            guard let name = slot.attribute("name") else { continue }
            let values = slot.element("ValueList", namespace: rim)?.elements("Value", namespace: rim).map(\.stringValue) ?? []
            slots[name, default: []] += values
        }
        return slots
    }

    /// `identificationScheme → value` of the `rim:ExternalIdentifier` children.
    var externalIdentifiers: [String: String] {
        var identifiers: [String: String] = [:]
        for identifier in elements("ExternalIdentifier", namespace: XDS.Namespace.rim) {
            if let scheme = identifier.attribute("identificationScheme"), let value = identifier.attribute("value") {
                identifiers[scheme] = value
            }
        }
        return identifiers
    }
}

extension String {
    var trimmingWhitespace: String { String(Substring(self).trimmed) }
}
