import ArgumentParser
import Foundation

/// A failure reported as `passerelle: <message>` on stderr with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

func writeStandardOutput(_ bytes: [UInt8]) {
    FileHandle.standardOutput.write(Data(bytes))
}

/// Reads a file given to a command as bytes, straight into the array the parsers index
/// (no intermediate copy: `hl7 stats` reads files of hundreds of megabytes); `-` is standard input.
func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))") }
    let size = Int(status.st_size)
    var failure: Int32 = 0
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        count = 0
        while count < size {
            let got = read(descriptor, buffer.baseAddress! + count, size - count)
            if got < 0 { failure = errno; break }
            if got == 0 { break }
            count += got
        }
    }
    if failure != 0 { throw CommandFailure("cannot read \(path): \(String(cString: strerror(failure)))") }
    return bytes
}
