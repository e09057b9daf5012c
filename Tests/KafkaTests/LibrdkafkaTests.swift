import Kafka
import Testing

@Suite struct LibrdkafkaTests {
    @Test func linkedLibraryIsSupported() throws {
        #expect(Librdkafka.isSupported(versionNumber: Librdkafka.versionNumber), "linked \(Librdkafka.version)")
        try Librdkafka.requireSupportedVersion()
    }

    @Test(arguments: [(0x0202_00ff, true), (0x0208_00ff, true), (0x0300_00ff, true),
                      (0x0200_02ff, false), (0x0109_02ff, false), (0x0201_01ff, false)])
    func versionGate(packed: Int, supported: Bool) {
        #expect(Librdkafka.isSupported(versionNumber: Int32(packed)) == supported)
    }

    @Test func oldLibraryIsRefusedWithTheReasonAndTheFix() {
        do {
            try Librdkafka.requireSupportedVersion(versionNumber: 0x0200_02ff, versionString: "2.0.2")
            Issue.record("librdkafka 2.0.2 was accepted")
        } catch let error as KafkaError {
            #expect(error.kind == .unsupportedLibrary)
            #expect(error.message.contains("2.0.2"))
            #expect(error.message.contains(">= 2.2"))
            #expect(error.message.contains("deploy/setup"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

@Suite struct ConfigurationTests {
    @Test func unknownPropertyIsNamed() {
        #expect {
            _ = try KafkaProducer(configuration: KafkaConfiguration(["bootstrap.servers": "127.0.0.1:1", "no.such.property": "1"]))
        } throws: { error in
            let error = error as? KafkaError
            return error?.kind == .configuration && error?.message.contains("no.such.property") == true
        }
    }

    @Test func invalidValueIsNamed() {
        #expect {
            _ = try KafkaConsumer(configuration: KafkaConfiguration(["session.timeout.ms": "soon"]), groupID: "g", topics: ["t"])
        } throws: { error in
            let error = error as? KafkaError
            return error?.kind == .configuration && error?.message.contains("session.timeout.ms") == true
        }
    }

    @Test func tlsAndSaslSettingsPassThrough() throws {
        // Accepted by librdkafka as-is: security is configuration, not code.
        let producer = try KafkaProducer(configuration: KafkaConfiguration([
            "bootstrap.servers": "127.0.0.1:1", "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512",
            "sasl.username": "passerelle", "sasl.password": "secret", "ssl.endpoint.identification.algorithm": "https",
        ]))
        _ = producer
    }
}
