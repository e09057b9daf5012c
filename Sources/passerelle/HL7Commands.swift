import ArgumentParser
import Foundation
import HL7v2

struct HL7Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hl7",
        abstract: "Read, convert and acknowledge HL7 v2 (ER7) messages.",
        subcommands: [Get.self, JSON.self, Encode.self, Ack.self, Stats.self])

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the unescaped value at each path of the file's first message, one per line.",
            discussion: "Paths: PID-5.1, PID-3[2].4.2 (second repetition), OBX[3]-5 (third OBX), MSH-9.2. An empty or absent value prints an empty line.")

        @Argument(help: "The message file (read as bytes; encoding from MSH-18).") var file: String
        @Argument(help: "HL7 paths.") var paths: [String]
        @Flag(help: "Render formatting escapes (\\.br\\ as a line break, \\H\\ and \\N\\ dropped) instead of keeping them.")
        var renderFormatting = false

        func run() throws {
            let message = try firstMessage(of: file)
            var output = ""
            for path in paths {
                let value = try orExit { () throws(HL7Error) in
                    try message.string(path, formatting: renderFormatting ? .render : .keep)
                }
                output += value + "\n"
            }
            writeStandardOutput(Array(output.utf8))
        }
    }

    struct JSON: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every message of the file as JSON, one message per line.")

        @Argument(help: "The message file.") var file: String

        func run() throws {
            var output = ""
            for message in try messages(of: file) { output += message.json() + "\n" }
            writeStandardOutput(Array(output.utf8))
        }
    }

    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every message parsed then serialized, segments terminated by \\r.")

        @Argument(help: "The message file.") var file: String

        func run() throws {
            var output: [UInt8] = []
            for message in try messages(of: file) { output += message.serialize(terminateLastSegment: true) }
            writeStandardOutput(output)
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the acknowledgment of the file's first message.",
            discussion: "Without --code: AA, or CA when the message asks for enhanced-mode acknowledgments (MSH-15/16).")

        @Argument(help: "The message file.") var file: String
        @Option(help: "MSA-1: AA, AE, AR (application) or CA, CE, CR (enhanced-mode accept).") var code: String?
        @Option(help: "Text for MSA-3 and, on errors, ERR.") var text: String?
        @Option(help: "HL7 error code (table 0357) for ERR on errors.") var errorCode = "207"

        func run() throws {
            let message = try firstMessage(of: file)
            let ackCode: AcknowledgmentCode
            if let code {
                guard let parsed = AcknowledgmentCode(rawValue: code.uppercased()) else {
                    throw ValidationError("--code must be one of \(AcknowledgmentCode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                ackCode = parsed
            } else {
                ackCode = message.acknowledgmentMode == .original ? .applicationAccept : .commitAccept
            }
            let ack = try orExit { () throws(HL7Error) in
                try message.acknowledgment(ackCode, text: text, errorCode: errorCode, controlID: newControlID(),
                                           timestamp: hl7Timestamp(Date()))
            }
            writeStandardOutput(ack.serialize(terminateLastSegment: true))
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse every message of the file and print counts and throughput.")

        @Argument(help: "The message file.") var file: String

        func run() throws {
            let bytes = try readInput(file)
            let clock = ContinuousClock()
            let started = clock.now
            let parsed = try orExit { () throws(HL7Error) in try HL7Stream.messages(in: bytes) }
            var segments = 0
            var fields = 0
            for message in parsed {
                segments += message.segmentCount
                for index in 0..<message.segmentCount { fields += message.fieldCount(ofSegment: index) }
            }
            let elapsed = started.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("""
                messages \(parsed.count)
                segments \(segments)
                fields \(fields)
                bytes \(bytes.count)
                seconds \(String(format: "%.6f", seconds))
                throughput \(String(format: "%.1f", Double(bytes.count) / 1e6 / max(seconds, 1e-9))) MB/s, \
                \(String(format: "%.0f", Double(parsed.count) / max(seconds, 1e-9))) messages/s
                """)
        }
    }
}

private func messages(of path: String) throws -> [HL7Message] {
    let bytes = try readInput(path)
    return try orExit(path: path) { () throws(HL7Error) in try HL7Stream.messages(in: bytes) }
}

private func firstMessage(of path: String) throws -> HL7Message {
    try messages(of: path)[0]
}

/// Turns a codec error into the documented failure: a message on stderr and exit status 1.
private func orExit<T>(path: String? = nil, _ body: () throws(HL7Error) -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw CommandFailure((path.map { "\($0): " } ?? "") + error.description)
    }
}

/// An HL7 TS with seconds and the local offset, e.g. `20261127081500+0100`.
func hl7Timestamp(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyyMMddHHmmssZ"
    return formatter.string(from: date)
}

/// A message control id within HL7's 20-character limit.
func newControlID() -> String {
    String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20))
}
