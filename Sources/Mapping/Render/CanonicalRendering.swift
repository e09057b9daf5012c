import Foundation

/// The output formats `passerelle map --to` knows.
public enum OutputFormat: String, Sendable, CaseIterable {
    case cda, fhir, json
}

extension CanonicalValue {
    /// The value rendered as `format`; throws for a combination that has no renderer.
    public func rendered(as format: OutputFormat) throws(RenderError) -> [UInt8] {
        switch (format, self) {
        case (.json, _): return try json()
        case (.cda, .labReport(let report)): return try XDLabRenderer().render(report)
        case (.cda, .ordonnance(let ordonnance)): return try EPrescriptionRenderer().render(ordonnance)
        case (.fhir, .ordonnance(let ordonnance)): return try FHIRPrescriptionRenderer().render(ordonnance)
        case (.cda, .document(let document)): return try ClinicalDocumentRenderer().render(document)
        default: throw RenderError("no \(format.rawValue) rendering of a \(kind)")
        }
    }

    /// JSON of the canonical model: keys sorted, so that the same value always gives the same bytes.
    public func json() throws(RenderError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(self)) } catch { throw RenderError("JSON encoding failed: \(error)") }
    }

    var kind: String {
        switch self {
        case .labReport: "lab report"
        case .ordonnance: "ordonnance"
        case .document: "clinical document"
        }
    }
}

extension Array {
    /// Calls `body` with a pointer to each element where it is stored. A renderer that took each
    /// element as a value would copy it whole (a canonical observation is 600 bytes and a dozen
    /// strings to retain) even when passing it on as `borrowing`; through the pointer it reads only
    /// the fields it uses.
    func forEachInPlace(_ body: (UnsafePointer<Element>) -> Void) {
        withUnsafeBufferPointer { elements in
            guard let first = elements.baseAddress else { return }
            for index in elements.indices { body(first + index) }
        }
    }
}
