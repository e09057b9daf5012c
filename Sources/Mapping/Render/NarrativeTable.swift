import CDA

extension XMLFragment {
    /// Fixed markup of a renderer. A mistake in it is a programming error, which any test that
    /// renders the document finds.
    static func fixed(prefixes: [String] = [], _ build: (inout XMLWriter) -> Void) -> XMLFragment {
        do { return try XMLFragment(prefixes: prefixes, build) } catch { preconditionFailure("fixed markup: \(error)") }
    }

    /// A section text's table up to its first row: `<text><table><thead>…</thead><tbody>`.
    static func narrativeTableStart(headings: [String]) -> XMLFragment {
        fixed { writer in
            writer.start("text")
            writer.start("table")
            writer.start("thead")
            writer.start("tr")
            for heading in headings { writer.element("th", text: heading) }
            writer.end()
            writer.end()
            writer.start("tbody")
        }
    }
}

extension XMLWriter {
    /// A section's human-readable text as a table: `start` (see `narrativeTableStart`), then one
    /// row per element of `rows`, whose cells `cells` writes (with `cell`), each as text escaped by
    /// the writer. Rows are written straight from the renderer's values, without arrays of cell
    /// strings.
    mutating func narrativeTable<Row>(_ start: XMLFragment, rows: [Row], cells: (inout XMLWriter, UnsafePointer<Row>) -> Void) {
        write(start)
        rows.forEachInPlace { row in
            self.start("tr")
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
        element("td", texts: parts)
    }
}
