import Foundation
import HL7v2
import Testing

/// A lab result as hospitals send them: ORU^R01 with repetitions, escapes, a Z-segment.
let sampleORU = [
    "MSH|^~\\&|LAB|HRS|DSP|ESANTE|20261127101500+0100||ORU^R01^ORU_R01|MSG0001|P|2.5|||AL|NE",
    "PID|1||12345^^^HRS&1.3.182.3.1.1&ISO^PI~7000010105084^^^1.3.182.4.4^NNLUX||DOE^JOHN^^^^^L||19700101|M",
    "OBR|1|ORD1|FIL1|24323-8^Comprehensive metabolic panel^LN",
    "OBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L|3.9-5.8|N|||F",
    "OBX|2|ST|718-7^Hemoglobin^LN||O\\T\\B \\F\\ \\S\\ \\R\\ \\E\\ \\.br\\next|g/dL||||F",
    "ZXT|custom^data|\"\"||",
].joined(separator: "\r") + "\r"

func parse(_ text: String) throws(HL7Error) -> HL7Message {
    try HL7Message(text)
}

/// ../shared/corpus, from PASSERELLE_SHARED_CORPUS or beside the repository; nil (and a
/// recorded failure, never a silent pass) when absent.
func corpusDirectory(_ subfolder: String, sourceLocation: SourceLocation = #_sourceLocation) -> URL? {
    let base: URL
    if let configured = ProcessInfo.processInfo.environment["PASSERELLE_SHARED_CORPUS"], !configured.isEmpty {
        base = URL(fileURLWithPath: configured)
    } else {
        base = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }
    let folder = base.appendingPathComponent(subfolder)
    guard FileManager.default.fileExists(atPath: folder.path) else {
        Issue.record("shared corpus folder \(folder.path) is absent: these corpus tests cannot run", sourceLocation: sourceLocation)
        return nil
    }
    return folder
}

func corpusBytes(_ folder: URL, _ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: folder.appendingPathComponent(name)))
}
