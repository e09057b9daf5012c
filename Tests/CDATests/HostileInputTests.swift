import CDA
import Foundation
import Synchronization
import Testing

/// Each attack gives a clear error within bounded time and memory, and never reads a local file
/// or opens a connection.
@Suite struct HostileInputTests {
    static let refused = "refused: CDA documents do not use entities"

    @Test func externalFileEntityIsRefusedAndNotRead() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-xxe-\(UUID()).txt")
        try "TOP-SECRET-MARKER".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        let error = #expect(throws: XMLParseError.self) {
            try XMLDocument(string: """
                <?xml version="1.0"?>
                <!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "\(secret.absoluteString)">]>
                <ClinicalDocument>&xxe;</ClinicalDocument>
                """)
        }
        #expect(error?.message == "entity declaration 'xxe' \(Self.refused)")
        #expect(error?.line == 2)
        #expect(error?.diagnostics.contains { $0.message.contains("TOP-SECRET") } == false)
    }

    @Test func externalDTDSubsetIsNotLoaded() throws {
        let dtd = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-xxe-\(UUID()).dtd")
        try #"<!ENTITY secret "TOP-SECRET-MARKER">"#.write(to: dtd, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: dtd) }
        // Had the subset been loaded, its entity declaration would have been refused; unloaded,
        // the reference stays an unresolved reference and the marker appears nowhere.
        do {
            let document = try XMLDocument(string: #"<!DOCTYPE r SYSTEM "\#(dtd.absoluteString)"><r>&secret;</r>"#)
            #expect(document.root?.stringValue.contains("TOP-SECRET") == false)
        } catch {
            #expect(!error.diagnostics.contains { $0.message.contains(Self.refused) || $0.message.contains("TOP-SECRET") })
        }
    }

    @Test func networkEntitiesAndSubsetsAreNeverFetched() throws {
        let listener = try ConnectionListener()
        let url = "http://127.0.0.1:\(listener.port)"
        let attacks = [
            #"<!DOCTYPE r [<!ENTITY net SYSTEM "\#(url)/entity">]><r>&net;</r>"#,
            #"<!DOCTYPE r [<!ENTITY % net SYSTEM "\#(url)/parameter"> %net;]><r/>"#,
            #"<!DOCTYPE r SYSTEM "\#(url)/subset.dtd"><r/>"#,
        ]
        for attack in attacks { _ = try? XMLDocument(string: attack) }
        #expect(listener.stop() == 0, "libxml2 connected to the network")
    }

    @Test func billionLaughsIsRefusedQuickly() {
        var dtd = #"<!ENTITY lol0 "lol">"#
        for level in 1...9 {
            dtd += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        let started = ContinuousClock.now
        let error = #expect(throws: XMLParseError.self) {
            try XMLDocument(string: "<!DOCTYPE lolz [\(dtd)]><lolz>&lol9;</lolz>")
        }
        #expect(error?.message == "entity declaration 'lol0' \(Self.refused)")
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func quadraticBlowupIsRefusedQuickly() {
        let entity = String(repeating: "x", count: 100_000)
        let body = String(repeating: "&a;", count: 50_000)
        let started = ContinuousClock.now
        let error = #expect(throws: XMLParseError.self) {
            try XMLDocument(string: "<!DOCTYPE r [<!ENTITY a \"\(entity)\">]><r>\(body)</r>")
        }
        #expect(error?.message == "entity declaration 'a' \(Self.refused)")
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func tenThousandDeepNestingStops() {
        let depth = 10_000
        let text = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let error = #expect(throws: XMLParseError.self) { try XMLDocument(string: text) }
        #expect(error?.message == "element nesting deeper than 256 levels", "\(String(describing: error))")
        #expect(error?.column == 3 * 257)
    }

    @Test func depthLimitIsConfigurable() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        }
        let options = XMLParseOptions(maxDepth: 10)
        _ = try XMLDocument(string: nested(10), options: options)
        let error = #expect(throws: XMLParseError.self) { try XMLDocument(string: nested(11), options: options) }
        #expect(error?.message == "element nesting deeper than 10 levels")
    }

    @Test func hundredMegabyteDocumentIsRefusedBeforeParsing() {
        var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 100 << 20)
        bytes.replaceSubrange(0..<3, with: Array("<a>".utf8))
        bytes.replaceSubrange((bytes.count - 4)..., with: Array("</a>".utf8))
        let started = ContinuousClock.now
        let error = #expect(throws: XMLParseError.self) { try XMLDocument(bytes: bytes) }
        #expect(error?.message == "document is 104857600 bytes, over the limit of 52428800 bytes")
        #expect(ContinuousClock.now - started < .milliseconds(100))
    }

    @Test func byteLimitIsConfigurable() {
        let error = #expect(throws: XMLParseError.self) {
            try XMLDocument(string: "<a>0123456789</a>", options: XMLParseOptions(maxBytes: 16))
        }
        #expect(error?.message == "document is 17 bytes, over the limit of 16 bytes")
        #expect(error?.line == 0)
    }

    /// The network test above means something only if the listener sees a real connection.
    @Test func listenerCountsConnections() throws {
        let listener = try ConnectionListener()
        let client = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = listener.port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(connected == 0)
        var buffer = [UInt8](repeating: 0, count: 1)
        #expect(read(client, &buffer, 1) == 0, "the listener hangs up after accepting")
        #expect(listener.stop() == 1)
    }
}

/// A TCP listener on 127.0.0.1 that counts the connections made to it.
struct ConnectionListener {
    let port: UInt16
    private let socket: Int32
    private let connections = Counter()
    private let acceptorExited = DispatchSemaphore(value: 0)

    final class Counter: Sendable {
        let value = Mutex(0)
    }

    init() throws {
        let listening = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listening, $0, length) == 0 && listen(listening, 8) == 0 && getsockname(listening, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        socket = listening
        port = UInt16(bigEndian: address.sin_port)
        let connections = connections
        let acceptorExited = acceptorExited
        Thread.detachNewThread {
            // Accept and hang up at once, so that a client that did connect is not left waiting.
            while case let client = accept(listening, nil, nil), client >= 0 {
                connections.value.withLock { $0 += 1 }
                close(client)
            }
            acceptorExited.signal()
        }
    }

    /// Stops listening and returns how many connections were made.
    func stop() -> Int {
        // Closing only after the accept thread is gone: a descriptor number closed earlier could be
        // reused by another test's listener, whose connections this thread would then steal.
        shutdown(socket, Int32(SHUT_RDWR))
        acceptorExited.wait()
        close(socket)
        return connections.value.withLock { $0 }
    }
}
