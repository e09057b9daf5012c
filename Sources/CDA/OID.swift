/// Object identifiers the CDA reader and the Luxembourg rules rely on (DESIGN.md §1).
public enum OID {
    /// National identification number (matricule), 13 digits.
    public static let matricule = "1.3.182.4.4"
    /// Patient id in the shared care record (DSP).
    public static let dspPatient = "1.3.182.2.4.2"
    /// Health-professional directory id (hpdID).
    public static let hpd = "1.3.182.4.1"
    /// CNS provider code.
    public static let cnsProvider = "1.3.182.4.6"
    /// The national CDA header template.
    public static let luHeader = "1.3.182.11.1"
    /// The national laboratory report template.
    public static let luLabReport = "1.3.182.11.3"
    /// IHE XD-LAB laboratory report document.
    public static let xdLab = "1.3.6.1.4.1.19376.1.3.3"
    public static let loinc = "2.16.840.1.113883.6.1"
}
