import ArgumentParser
import CDA
import Kafka

@main
struct Passerelle: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "passerelle",
        abstract: "Passerelle, a Kafka-native healthcare integration engine.",
        discussion: "HL7 v2 and CDA from Kafka topics to the Luxembourg national eHealth platform.",
        version: versionText,
        subcommands: [HL7Command.self, CDACommand.self, XPathCommand.self, LOINCCommand.self, TerminologyCommand.self,
                      MapCommand.self, CheckCommand.self, TestCommand.self, Run.self, JournalCommand.self, SimCommand.self, Demo.self])

    /// Passerelle's version and the C libraries actually loaded, for bug reports and support.
    static var versionText: String {
        """
        passerelle \(version)
        librdkafka \(Librdkafka.version)
        libxml2 \(LibXML.version)
        """
    }
}
