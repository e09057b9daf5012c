import Foundation
import Synchronization

/// A dedicated OS thread that runs one librdkafka poll loop, so that librdkafka's blocking calls
/// never occupy Swift's cooperative thread pool.
final class PollThread: Sendable {
    private let stopRequested = OnceFlag()
    private let finished = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Starts `body(shouldStop)` on a new thread named `name` (Linux shows 15 bytes of it); `body`
    /// must return soon after `shouldStop()` becomes true, and may do its own clean-up before
    /// returning.
    init(name: String, body: @escaping @Sendable (_ shouldStop: () -> Bool) -> Void) {
        let thread = Thread { [self] in
            nameCurrentThread(name)
            body { self.stopRequested.isSet }
            let waiters = finished.withLock { state in
                state.done = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        thread.start()
    }

    /// Asks the loop to stop without waiting for it (from `deinit`).
    func requestStop() {
        _ = stopRequested.set()
    }

    /// Asks the loop to stop and waits, without blocking a cooperative thread, until it has.
    func stop() async {
        requestStop()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyDone = finished.withLock { state in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if alreadyDone { continuation.resume() }
        }
    }
}

/// Runs blocking calls (librdkafka's, a file sink's writes) one at a time on a dedicated thread and
/// resumes the caller with the result, so that neither Swift's cooperative pool nor the engine's
/// threads wait on them.
package final class BlockingExecutor: Sendable {
    private let queue: DispatchQueue

    package init(label: String) {
        queue = DispatchQueue(label: label)
    }

    package func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}

/// A one-way switch shared with work items that outlive the call that queued them.
final class OnceFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .acquiring) }

    /// Sets the flag; returns false when it was already set.
    func set() -> Bool { !value.exchange(true, ordering: .acquiringAndReleasing) }
}

/// Gives the calling thread the name `top -H` and `ps -L` show (Linux keeps 15 bytes). Written to
/// procfs: Foundation's `Thread.name` reaches the kernel only if the starting thread has recorded
/// the new thread's handle before the new thread sets it, a race that is lost under load, and
/// `pthread_setname_np` is not exported by Swift's Glibc module.
package func nameCurrentThread(_ name: String) {
    try? name.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
}
