/// A `multipart/related` body (RFC 2387) as MTOM/XOP sends it: the SOAP envelope as the root part,
/// each optimised binary as a part named by its Content-ID.
struct MultipartRelated {
    struct Part {
        /// Header names lowercased.
        var headers: [String: String]
        var body: ArraySlice<UInt8>

        /// The Content-ID without its angle brackets.
        var contentID: String? { headers["content-id"].map(MultipartRelated.unbracketed) }
    }

    var parts: [Part]
    /// The `start` parameter: the Content-ID of the root part, the first part when absent.
    var start: String?

    var root: Part? {
        guard let start else { return parts.first }
        return parts.first { $0.contentID == start }
    }

    func part(contentID: String) -> Part? {
        parts.first { $0.contentID == contentID }
    }

    /// Splits `body` on the boundary named in `contentType`; nil when it is not a well-formed
    /// multipart body (no boundary, no closing delimiter, a part without a header block).
    init?(contentType: String, body: [UInt8]) {
        let parameters = Self.parameters(of: contentType)
        guard let boundary = parameters["boundary"], !boundary.isEmpty else { return nil }
        start = parameters["start"].map(Self.unbracketed)
        let delimiter = Array("--\(boundary)".utf8)
        guard var cursor = Self.find(delimiter, in: body[...]) else { return nil }
        var parts: [Part] = []
        while true {
            let afterDelimiter = cursor + delimiter.count
            if body[afterDelimiter...].starts(with: Array("--".utf8)) { break }
            guard let headersStart = Self.find(Self.crlf, in: body[afterDelimiter...]).map({ $0 + 2 }),
                  let next = Self.find(Self.crlf + delimiter, in: body[headersStart...]),
                  let headersEnd = Self.find(Self.crlf + Self.crlf, in: body[(headersStart - 2)..<next])
            else { return nil }
            let headerText = String(decoding: body[headersStart..<max(headersStart, headersEnd)], as: UTF8.self)
            parts.append(Part(headers: Self.headers(headerText), body: body[(headersEnd + 4)..<next]))
            cursor = next + 2
        }
        self.parts = parts
    }

    private static let crlf: [UInt8] = [13, 10]

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private static func headers(_ text: String) -> [String: String] {
        var headers: [String: String] = [:]
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].trimmed.lowercased()] = String(line[line.index(after: colon)...].trimmed)
        }
        return headers
    }

    /// `type/subtype; name=value; name="quoted value"` → lowercased names to values.
    static func parameters(of contentType: String) -> [String: String] {
        var parameters: [String: String] = [:]
        for item in contentType.split(separator: ";").dropFirst() {
            guard let equals = item.firstIndex(of: "=") else { continue }
            var value = item[item.index(after: equals)...].trimmed
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
            parameters[item[..<equals].trimmed.lowercased()] = String(value)
        }
        return parameters
    }

    static func unbracketed(_ id: String) -> String {
        id.hasPrefix("<") && id.hasSuffix(">") ? String(id.dropFirst().dropLast()) : id
    }
}

extension Substring {
    var trimmed: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
