import CDA

extension XMLWriter {
    /// A section's human-readable text as a table: one header row, then one row per element of
    /// `rows`, whose cells `cells` writes (with `cell`), each as text escaped by the writer. Rows
    /// are written straight from the renderer's values, without arrays of cell strings.
    mutating func narrativeTable<Row>(headings: [String], rows: [Row], cells: (inout XMLWriter, UnsafePointer<Row>) -> Void) {
        start("text")
        start("table")
        start("thead")
        start("tr")
        for heading in headings { element("th", text: heading) }
        end()
        end()
        start("tbody")
        rows.forEachInPlace { row in
            start("tr")
            cells(&self, row)
            end()
        }
        end()
        end()
        end()
    }

    /// `<td>text</td>`, `<td></td>` when empty.
    mutating func cell(_ text: String) {
        element("td", text: text)
    }

    /// A cell whose text comes in parts (a value and its comparator, the two ends of a range).
    mutating func cell(_ parts: (String, String, String)) {
        start("td")
        text(parts.0)
        if !parts.1.isEmpty { text(parts.1) }
        if !parts.2.isEmpty { text(parts.2) }
        end()
    }
}
