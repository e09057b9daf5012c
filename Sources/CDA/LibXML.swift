import CLibXML2

/// The libxml2 this process is linked with.
public enum LibXML {
    /// The runtime version, e.g. `2.9.14` (libxml2 reports it as `20914`).
    public static var version: String {
        // `xmlParserVersion` is a macro over this accessor in thread-enabled builds.
        let packed = Int(String(cString: __xmlParserVersion().pointee!)) ?? 0
        return "\(packed / 10000).\(packed / 100 % 100).\(packed % 100)"
    }
}
