import Findings

/// A terminology file or pack that could not be loaded, with every problem found in it (file and
/// line in each finding's location), so that an operator fixes them all in one pass.
public struct TerminologyLoadError: Error, CustomStringConvertible {
    public var findings: [Finding]

    public init(findings: [Finding]) {
        self.findings = findings
    }

    init(file: String, line: Int? = nil, rule: String, _ message: String) {
        findings = [Finding(severity: .error, rule: rule, message: message,
                            location: Finding.Location(file: file, line: line))]
    }

    /// The first problems, one per line; a broken 100,000-row file should not flood a terminal.
    public var description: String {
        let shown = findings.prefix(20).map(\.description)
        let more = findings.count > shown.count ? ["… and \(findings.count - shown.count) more"] : []
        return (shown + more).joined(separator: "\n")
    }
}
