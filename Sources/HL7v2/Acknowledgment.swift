/// MSA-1 acknowledgment codes (HL7 table 0008).
public enum AcknowledgmentCode: String, Sendable, CaseIterable {
    /// Original mode, and enhanced mode's application acknowledgment.
    case applicationAccept = "AA", applicationError = "AE", applicationReject = "AR"
    /// Enhanced mode's accept (commit) acknowledgment.
    case commitAccept = "CA", commitError = "CE", commitReject = "CR"

    var isError: Bool { self != .applicationAccept && self != .commitAccept }
    var isCommitLevel: Bool { rawValue.hasPrefix("C") }
}

/// How the sender asked to be acknowledged (MSH-15, MSH-16).
public enum AcknowledgmentMode: Sendable, Hashable {
    /// MSH-15 and MSH-16 empty: one application acknowledgment (AA/AE/AR) per message.
    case original
    /// Accept (CA/CE/CR) and application acknowledgments, each sent per its condition
    /// (HL7 table 0155: AL always, NE never, ER on error only, SU on success only).
    case enhanced(accept: String, application: String)
}

extension HL7Message {
    public var acknowledgmentMode: AcknowledgmentMode {
        let accept = value(at: HL7Path(segment: "MSH", field: 15)) ?? ""
        let application = value(at: HL7Path(segment: "MSH", field: 16)) ?? ""
        return accept.isEmpty && application.isEmpty ? .original : .enhanced(accept: accept, application: application)
    }

    /// Whether the sender wants an acknowledgment with `code`, per its acknowledgment mode.
    public func wantsAcknowledgment(_ code: AcknowledgmentCode) -> Bool {
        guard case .enhanced(let accept, let application) = acknowledgmentMode else { return !code.isCommitLevel }
        let condition = code.isCommitLevel ? accept : application
        switch condition {
        case "NE": return false
        case "ER": return code.isError
        case "SU": return !code.isError
        default: return true  // AL, and empty which defaults to always
        }
    }

    /// The acknowledgment of this message: MSH with sender and receiver swapped, the trigger
    /// event echoed, MSA with the original control id, and for errors an ERR segment with the
    /// HL7 error code (table 0357; 207 application internal error by default) and `text`.
    public func acknowledgment(_ code: AcknowledgmentCode, text: String? = nil, errorCode: String = "207",
                               controlID: String, timestamp: String) throws(HL7Error) -> HL7Message {
        let d = delimiters
        func raw(_ field: Int) -> [UInt8] {
            locate(HL7Path(segment: "MSH", field: field)).map { Array(storage[$0.range]) } ?? []
        }
        func escaped(_ text: String) throws(HL7Error) -> [UInt8] { try d.escape(text, charset: charset) }
        let trigger = value(at: HL7Path(segment: "MSH", field: 9, component: 2)) ?? ""
        var msh: [[UInt8]] = [
            Array("MSH".utf8), d.encodingCharacters, raw(5), raw(6), raw(3), raw(4), try escaped(timestamp), [],
            try escaped("ACK") + [d.component] + (try escaped(trigger)) + [d.component] + (try escaped("ACK")),
            try escaped(controlID), raw(11), raw(12),
        ]
        let charsetField = raw(18)
        if !charsetField.isEmpty {
            msh += Array(repeating: [], count: 5) + [charsetField]
        }
        var segments = [Array(msh.joined(separator: [d.field]))]
        var msa: [[UInt8]] = [Array("MSA".utf8), Array(code.rawValue.utf8), raw(10)]
        if let text { msa.append(try escaped(text)) }
        segments.append(Array(msa.joined(separator: [d.field])))
        if code.isError {
            let errorText = text ?? (code.rawValue.hasSuffix("R") ? "Message rejected" : "Application error")
            let coded = try escaped(errorCode) + [d.component] + (try escaped(errorText)) + [d.component] + Array("HL70357".utf8)
            let version = self.version
            if version.isEmpty || isVersion(version, atLeast: [2, 5]) {
                // v2.5+: ERR-3 error code, ERR-4 severity, ERR-8 user message.
                let err: [[UInt8]] = [Array("ERR".utf8), [], [], coded, [UInt8(ascii: "E")], [], [], [], try escaped(errorText)]
                segments.append(Array(err.joined(separator: [d.field])))
            } else {
                // Before v2.5: ERR-1 error code and location (ELD), the code in its fourth component.
                let subcoded = try escaped(errorCode) + [d.subcomponent] + (try escaped(errorText)) + [d.subcomponent] + Array("HL70357".utf8)
                segments.append(Array("ERR".utf8) + [d.field] + [d.component, d.component, d.component] + subcoded)
            }
        }
        let bytes = Array(segments.joined(separator: [cr])) + [cr]
        return try HL7Message(bytes)
    }
}

/// Whether dotted version `version` is at least `minimum`, comparing numerically (`2.10` > `2.5`).
func isVersion(_ version: String, atLeast minimum: [Int]) -> Bool {
    let parts = version.split(separator: ".").map { Int($0) ?? 0 }
    for (index, wanted) in minimum.enumerated() {
        let part = index < parts.count ? parts[index] : 0
        if part != wanted { return part > wanted }
    }
    return true
}
