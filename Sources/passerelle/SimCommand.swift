import ArgumentParser
import Foundation
import PlatformSim

/// `passerelle sim`: the national platform's services on 127.0.0.1, until Ctrl-C.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the national-platform stand-in (DSP, CRE, ePrescription, MPI, HPD) on 127.0.0.1.",
        discussion: """
            Endpoints: POST /dsp/ProvideAndRegisterDocumentSet-b and /cre/… (XDS.b, MTOM or inline), \
            POST /eprescription/Bundle (FHIR transaction), GET /eprescription/MedicationRequest?group-identifier=ID, \
            GET /mpi/Patient?identifier=SYSTEM|VALUE, GET /hpd/Practitioner?identifier=…, POST|GET|DELETE /admin/faults, \
            and GET / for what was received. See deploy/platform-sim/README.md.
            """)

    @Option(help: "TCP port on 127.0.0.1 (0: any free port, printed on start).")
    var port: Int = 8089

    @Option(help: "SQLite database file, kept across runs (default: in memory).")
    var db: String?

    @Option(help: "JSON seed of the MPI, HPD and medication list.")
    var seed: String = "deploy/platform-sim/seed.json"

    @Option(help: "XSD every submitted CDA document must be valid against (e.g. CDA.xsd).")
    var schema: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
    }

    func run() async throws {
        let seedData: SimSeed
        do {
            seedData = try SimSeed(contentsOf: URL(fileURLWithPath: seed))
        } catch {
            throw CommandFailure("cannot load the seed \(seed): \(error)")
        }
        let simulator = try PlatformSimulator(.init(port: port, databasePath: db, seed: seedData, schemaPath: schema))
        try await simulator.runUntilSignalled { port in
            // Written at once, unbuffered: scripts wait for this line to learn the port.
            let line = "passerelle sim listening on http://127.0.0.1:\(port)/ (\(seedData.patients.count) patients, "
                + "\(seedData.practitioners.count) professionals, \(seedData.medications.count) medications)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}
