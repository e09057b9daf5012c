import CDA

/// One `rs:RegistryError`: an XDS error code (ITI TF-3 Table 4.2.4.1-2) and what it is about.
struct RegistryError: Sendable, Hashable {
    var code: String
    var context: String
    /// The uniqueId or entry id concerned, when there is one.
    var location: String?

    static func metadata(_ context: String, at location: String? = nil) -> RegistryError {
        RegistryError(code: "XDSRegistryMetadataError", context: context, location: location)
    }
}

/// The SOAP 1.2 bodies the registry answers with.
enum RegistryResponse {
    /// Success, with the registry's entryUUID of each entry and the uniqueIds it already had,
    /// as response slots (the stand-in's way of handing back a reference for receipts).
    static func success(entryUUIDs: [String], duplicates: [String]) -> [UInt8] {
        envelope { writer in
            writer.start("rs:RegistryResponse", namespaces: ["rs": XDS.Namespace.rs, "rim": XDS.Namespace.rim])
            writer.attribute("status", XDS.ResponseStatus.success)
            writer.start("rs:ResponseSlotList")
            slot("entryUUID", entryUUIDs, into: &writer)
            slot("duplicateUniqueId", duplicates, into: &writer)
            writer.end()
            writer.end()
        }
    }

    static func failure(_ errors: [RegistryError]) -> [UInt8] {
        envelope { writer in
            writer.start("rs:RegistryResponse", namespaces: ["rs": XDS.Namespace.rs])
            writer.attribute("status", XDS.ResponseStatus.failure)
            writer.start("rs:RegistryErrorList")
            writer.attribute("highestSeverity", XDS.errorSeverity)
            for error in errors {
                writer.element("rs:RegistryError", [
                    "errorCode": error.code, "codeContext": error.context, "location": error.location ?? "",
                    "severity": XDS.errorSeverity,
                ])
            }
            writer.end()
            writer.end()
        }
    }

    /// A SOAP Sender fault: the request is not one the service can read (HTTP 400 per the SOAP
    /// 1.2 HTTP binding), or a Receiver fault (HTTP 500) when the service itself failed.
    static func fault(_ reason: String, sender: Bool) -> [UInt8] {
        envelope(action: "http://www.w3.org/2005/08/addressing/soap/fault") { writer in
            writer.start("soap:Fault")
            writer.start("soap:Code")
            writer.element("soap:Value", text: sender ? "soap:Sender" : "soap:Receiver")
            writer.end()
            writer.start("soap:Reason")
            writer.element("soap:Text", ["xml:lang": "en"], text: reason)
            writer.end()
            writer.end()
        }
    }

    private static func slot(_ name: String, _ values: [String], into writer: inout XMLWriter) {
        writer.start("rim:Slot")
        writer.attribute("name", name)
        writer.start("rim:ValueList")
        for value in values { writer.element("rim:Value", text: value) }
        writer.end()
        writer.end()
    }

    private static func envelope(action: String = XDS.provideAndRegisterResponseAction,
                                 body: (inout XMLWriter) -> Void) -> [UInt8] {
        var writer = XMLWriter()
        writer.start("soap:Envelope", namespaces: ["soap": XDS.Namespace.soap, "wsa": XDS.Namespace.addressing])
        writer.start("soap:Header")
        writer.element("wsa:Action", text: action)
        writer.end()
        writer.start("soap:Body")
        body(&writer)
        writer.end()
        writer.end()
        // Every name above is a literal and every element is closed: the writer cannot fail here.
        return (try? writer.finish()) ?? []
    }
}
