import Dispatch
import Foundation
import Synchronization

/// Notices edits under folders (routes, mappings, terminology) by comparing their files' sizes
/// and modification times now and then, so that a deployment that only copies files reloads as
/// SIGHUP does. A change is reported once the files have stayed the same for one more interval,
/// so that a copy in progress is not loaded half-written. Runs on its own dispatch queue: reading
/// the folders never occupies the engine's threads.
public final class FileChangeWatcher: @unchecked Sendable {
    // Dispatch sources are thread-safe; `cancel` is the only use after `init`.
    private let timer: any DispatchSourceTimer

    public init(directories: [String], interval: Duration, onChange: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "passerelle.file-watcher")
        let milliseconds = Int(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(milliseconds))
        // Touched only on `queue`.
        nonisolated(unsafe) var seen = Self.stamps(of: directories)
        nonisolated(unsafe) var pending: [String: FileStamp]?
        timer.setEventHandler {
            let now = Self.stamps(of: directories)
            guard now != seen else {
                pending = nil
                return
            }
            guard now == pending else {
                pending = now
                return
            }
            seen = now
            pending = nil
            onChange()
        }
        timer.resume()
    }

    deinit {
        timer.cancel()
    }

    public func cancel() {
        timer.cancel()
    }

    struct FileStamp: Hashable {
        var size: Int
        var modified: Date
    }

    /// Every file under the folders (recursively, symbolic links followed) with its size and time.
    static func stamps(of directories: [String]) -> [String: FileStamp] {
        var stamps: [String: FileStamp] = [:]
        let keys: [URLResourceKey] = [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey]
        for directory in directories {
            let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath()
            guard let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys) else { continue }
            for case let file as URL in files {
                guard let values = try? file.resolvingSymlinksInPath().resourceValues(forKeys: Set(keys)), values.isRegularFile == true
                else { continue }
                stamps[file.path] = FileStamp(size: values.fileSize ?? 0, modified: values.contentModificationDate ?? .distantPast)
            }
        }
        return stamps
    }
}
