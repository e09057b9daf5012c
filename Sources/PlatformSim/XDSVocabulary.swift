/// The fixed names of IHE XDS.b (ITI TF-3 §4.2) the registry checks submissions against.
///
/// Written here independently of the sink's copy on purpose: the stand-in checks what a client
/// sends against the standard, so a wrong UUID on either side makes the tests fail.
enum XDS {
    static let referenceIdList = "urn:ihe:iti:xds:2013:referenceIdList"
    /// The CXi type the RCP's case id is sent with in `referenceIdList`.
    static let caseReferenceType = "urn:ihe:iti:xdw:2013:workflowInstanceId"
    enum Namespace {
        static let soap = "http://www.w3.org/2003/05/soap-envelope"
        static let addressing = "http://www.w3.org/2005/08/addressing"
        static let xdsb = "urn:ihe:iti:xds-b:2007"
        static let lcm = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"
        static let rim = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"
        static let rs = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0"
        static let xop = "http://www.w3.org/2004/08/xop/include"
    }

    static let provideAndRegisterAction = "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b"
    static let provideAndRegisterResponseAction = "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-bResponse"

    /// `objectType` of a stable DocumentEntry.
    static let stableDocumentEntry = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"
    /// `classificationNode` marking a RegistryPackage as the SubmissionSet.
    static let submissionSetNode = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"
    static let hasMember = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember"

    /// DocumentEntry classification schemes.
    enum DocumentEntry {
        static let author = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d"
        static let classCode = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a"
        static let confidentialityCode = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f"
        static let formatCode = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d"
        static let healthcareFacilityTypeCode = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1"
        static let practiceSettingCode = "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead"
        static let typeCode = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983"
        static let patientId = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427"
        static let uniqueId = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"
    }

    /// SubmissionSet external identifiers.
    enum SubmissionSet {
        static let uniqueId = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8"
        static let sourceId = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832"
        static let patientId = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446"
    }

    enum ResponseStatus {
        static let success = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"
        static let failure = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure"
    }

    static let errorSeverity = "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"
}
