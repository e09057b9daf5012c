import Foundation

/// `GET /`: what the stand-in received, newest first. Every value comes from a submission, so
/// everything is escaped, and the page forbids scripts.
enum OverviewPage {
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'"

    static func render(documents: [StoredDocument], ordonnances: [StoredOrdonnance]) -> String {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Passerelle platform stand-in</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}</style>
            </head><body>
            <h1>Passerelle platform stand-in</h1>
            <h2>Documents (DSP, CRE)</h2>

            """
        html += table(["Received", "Service", "uniqueId", "Type", "Class", "Title", "Size"], documents.map { document in
            let link = "/documents/\(component(document.service))/\(component(document.uniqueId))"
            return [timestamp(document.receivedAt), escape(document.service),
                    "<a href=\"\(escape(link))\">\(escape(document.uniqueId))</a>", escape(document.typeCode),
                    escape(document.classCode), escape(document.title ?? ""), "\(document.size)"]
        })
        html += "<h2>Ordonnances (ePrescription)</h2>\n"
        html += table(["Received", "Ordonnance", "Prescriber"], ordonnances.map { ordonnance in
            let link = "/eprescription/MedicationRequest?group-identifier=\(component(ordonnance.id))"
            return [timestamp(ordonnance.receivedAt), "<a href=\"\(escape(link))\">\(escape(ordonnance.id))</a>",
                    escape(ordonnance.prescriberId)]
        })
        return html + "</body></html>\n"
    }

    /// Cells are already escaped HTML.
    private static func table(_ headers: [String], _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "<p>Nothing received yet.</p>\n" }
        let head = headers.map { "<th>\(escape($0))</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return "<table><tr>\(head)</tr>\n\(body)</table>\n"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Percent-encodes a path segment or query value (RFC 3986 unreserved characters pass).
    private static func component(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func timestamp(_ date: Date) -> String {
        escape(date.formatted(.iso8601))
    }
}
