import Findings
import Foundation
import Synchronization

/// The pack in force, replaced atomically: a reload loads the new pack aside and swaps it in
/// only when it loaded completely and is newer, so checks running meanwhile finish on the old
/// snapshot and a broken pack leaves the previous one in force.
public final class TerminologyStore: Sendable {
    private let pack: Mutex<TerminologyPack>

    public init(_ pack: TerminologyPack) {
        self.pack = Mutex(pack)
    }

    public convenience init(loading directory: URL) throws {
        self.init(try TerminologyPack.load(from: directory))
    }

    /// The pack in force; callers keep it for the whole of one message so that a reload never
    /// changes the terminology halfway through.
    public var current: TerminologyPack { pack.withLock { $0 } }

    /// Loads the pack in `directory` and puts it in force. Throws, leaving the current pack in
    /// force, when it fails to load or is not newer (unless `allowingOlder`, to roll back).
    @discardableResult
    public func reload(from directory: URL, allowingOlder: Bool = false) throws -> TerminologyPack {
        try replace(with: TerminologyPack.load(from: directory), allowingOlder: allowingOlder)
    }

    @discardableResult
    public func replace(with newPack: TerminologyPack, allowingOlder: Bool = false) throws -> TerminologyPack {
        try pack.withLock { current in
            guard allowingOlder || current.version < newPack.version else {
                throw TerminologyLoadError(findings: [Finding(
                    severity: .error, rule: "pack.not-newer",
                    message: "pack \(newPack.name) \(newPack.version) is not newer than \(current.name) \(current.version) in force")])
            }
            current = newPack
        }
        return newPack
    }
}
