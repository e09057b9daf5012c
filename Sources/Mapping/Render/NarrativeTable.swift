import CDA

extension XMLWriter {
    /// A section's human-readable text as a table: one header row, then one row per entry, each
    /// cell as text (escaped by the writer).
    mutating func narrativeTable(headings: [String], rows: [[String]]) {
        start("text")
        start("table")
        start("thead")
        start("tr")
        for heading in headings { element("th", text: heading) }
        end()
        end()
        start("tbody")
        for row in rows {
            start("tr")
            for cell in row { element("td", text: cell) }
            end()
        }
        end()
        end()
        end()
    }
}
