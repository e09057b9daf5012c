import Hummingbird

/// The MPI and HPD look-ups: FHIR `Patient` and `Practitioner` search by identifier token
/// (`?identifier=urn:oid:1.3.182.4.4|7000010105084`), answered from the seed.
struct Directory: Sendable {
    let seed: SimSeed

    func patients(_ request: Request) -> Response {
        guard let token = FHIR.token(request.uri.queryParameters["identifier"].map(String.init)) else {
            return FHIR.outcome(.badRequest, code: "required", ["search by identifier=system|value"])
        }
        let matches = seed.patients.enumerated().filter {
            $0.element.identifiers.contains(.init(system: token.system, value: token.value))
        }
        return FHIR.json(FHIR.searchset(matches.map { index, patient in
            var resource: [String: Any] = [
                "resourceType": "Patient", "id": "patient-\(index + 1)",
                "identifier": Self.identifiers(patient.identifiers),
                "name": [["family": patient.family, "given": patient.given]],
            ]
            resource["gender"] = patient.gender
            resource["birthDate"] = patient.birthDate
            return resource
        }))
    }

    func practitioners(_ request: Request) -> Response {
        guard let token = FHIR.token(request.uri.queryParameters["identifier"].map(String.init)) else {
            return FHIR.outcome(.badRequest, code: "required", ["search by identifier=system|value"])
        }
        let matches = seed.practitioners.enumerated().filter {
            $0.element.identifiers.contains(.init(system: token.system, value: token.value))
        }
        return FHIR.json(FHIR.searchset(matches.map { index, practitioner in
            var name: [String: Any] = ["family": practitioner.family, "given": practitioner.given]
            name["prefix"] = practitioner.prefix.map { [$0] }
            return [
                "resourceType": "Practitioner", "id": "practitioner-\(index + 1)",
                "identifier": Self.identifiers(practitioner.identifiers), "name": [name],
            ] as [String: Any]
        }))
    }

    private static func identifiers(_ identifiers: [SimSeed.Identifier]) -> [[String: String]] {
        identifiers.map { ["system": "urn:oid:\($0.system)", "value": $0.value] }
    }
}
