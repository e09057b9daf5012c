extension Canonical {
    /// A document whose body is text or an attached PDF (CDA level 1): emergency summaries,
    /// discharge letters, imaging reports.
    public struct ClinicalDocument: Sendable, Hashable, Codable {
        public var id: String?
        /// National document type, `DT-nnnnn` in code system 1.3.182.5.9.
        public var typeCode: String?
        public var code: Coding?
        public var title: String?
        public var effectiveTime: DateTime?
        public var patient: Patient
        public var author: Professional?
        public var custodian: Organisation?
        public var text: String?
        /// A PDF, base64-encoded, when the body is an attachment.
        public var pdfBase64: String?

        public init(id: String? = nil, typeCode: String? = nil, code: Coding? = nil, title: String? = nil,
                    effectiveTime: DateTime? = nil, patient: Patient = Patient(), author: Professional? = nil,
                    custodian: Organisation? = nil, text: String? = nil, pdfBase64: String? = nil) {
            self.id = id
            self.typeCode = typeCode
            self.code = code
            self.title = title
            self.effectiveTime = effectiveTime
            self.patient = patient
            self.author = author
            self.custodian = custodian
            self.text = text
            self.pdfBase64 = pdfBase64
        }
    }
}
