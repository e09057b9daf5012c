import Findings

extension LOINCTable {
    /// The findings for one result: its code (see `LOINCVerdict.findings`) and its unit, which
    /// must be UCUM and, for a quantitative code, one of the code's example UCUM units.
    public func findings(observationCode text: String, unit: String?,
                         codeLocation: Finding.Location? = nil, unitLocation: Finding.Location? = nil) -> [Finding] {
        let unit = unit.flatMap { $0.isEmpty ? nil : $0 }
        guard let code = LOINCCode(text) else {
            return LOINCVerdict.findings(for: text, table: self, at: codeLocation)
                + (unit.map { UCUM.findings(for: $0, at: unitLocation) } ?? [])
        }
        let position = position(of: code)
        var findings = LOINCVerdict.findings(for: code, status: position.map { read($0) { $0.pointee.status } }, table: self,
                                             at: codeLocation)
        // The expected unit comes from LOINC and is valid UCUM: only another unit needs parsing.
        let expectedUnits = position.flatMap { read($0) { $0.pointee.exampleUCUMUnits } }
        let hasExpectedUnits = expectedUnits != nil
        let isExpected = hasExpectedUnits && unit.map { LOINCEntry.units(expectedUnits, contain: $0) } ?? false
        if let unit, !isExpected {
            findings += UCUM.findings(for: unit, at: unitLocation)
        }
        guard let position, hasExpectedUnits, !isExpected else { return findings }
        let entry = entries[position]
        if let unit {
            findings.append(Finding(
                severity: .warning, rule: "units.unexpected",
                message: "\(entry.code) (\(entry.longCommonName)) is not usually reported in \(unit)",
                code: unit, location: unitLocation,
                suggestion: "expected \(entry.expectedUnits.joined(separator: " or "))"))
        } else if entry.scale == "Qn" {
            findings.append(Finding(
                severity: .warning, rule: "units.missing", message: "\(entry.code) is quantitative but has no unit",
                code: text, location: unitLocation,
                suggestion: "expected \(entry.expectedUnits.joined(separator: " or "))"))
        }
        return findings
    }
}
