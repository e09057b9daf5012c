import Dispatch
import Foundation
import Kafka
import Synchronization

/// The engine's own threads, each a serial task executor; every lane is pinned to one of them, as
/// a channel is to its event loop in SwiftNIO.
///
/// Why not Swift's cooperative pool: a message crosses several tasks (dispatcher, lane, the wait
/// for its Kafka acknowledgement), and on the pool each hand-over woke an idle pool thread that ran
/// one job and slept again, about one context switch per message. With the broker and librdkafka
/// on the same cores that was a sixth of the engine's CPU (BENCHMARKS.md, fifth session). A thread
/// here drains its whole queue before it sleeps, and only work for a sleeping thread wakes it.
final class EngineThreads: Sendable {
    private let threads: [EngineThread]

    /// Half the machine's cores by default (at least one): librdkafka's threads, which compress,
    /// checksum and move every message, need the rest.
    static var defaultCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }

    /// Threads are named `engine`, or `engine-0`, `engine-1`… (Linux keeps 15 bytes of a name).
    init(count: Int, name: String = "engine") {
        precondition(count >= 1, "at least one engine thread")
        threads = (0..<count).map { EngineThread(name: count == 1 ? name : "\(name)-\($0)") }
    }

    var count: Int { threads.count }

    /// The thread lane `index` runs on.
    func forLane(_ index: Int) -> EngineThread { threads[index % threads.count] }

    /// Lets each thread exit once its queue is empty; work that arrives later runs on Swift's
    /// global executor instead.
    func stop() {
        for thread in threads { thread.stop() }
    }
}

/// One thread running the jobs enqueued on it, in order.
final class EngineThread: TaskExecutor, Sendable {
    private struct State {
        var jobs: [UnownedJob] = []
        /// The thread waits on `wake`: the next enqueue must signal it.
        var sleeping = false
        var stopping = false
        var exited = false
    }

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    init(name: String) {
        Thread { [self] in
            nameCurrentThread(name)
            drain()
        }.start()
    }

    func enqueue(_ job: UnownedJob) {
        let (wakeUp, exited) = state.withLock { state -> (Bool, Bool) in
            guard !state.exited else { return (false, true) }
            state.jobs.append(job)
            defer { state.sleeping = false }
            return (state.sleeping, false)
        }
        if exited { return globalConcurrentExecutor.enqueue(job) }
        if wakeUp { wake.signal() }
    }

    func stop() {
        let wakeUp = state.withLock { state -> Bool in
            state.stopping = true
            defer { state.sleeping = false }
            return state.sleeping
        }
        if wakeUp { wake.signal() }
    }

    /// Runs batches of jobs until stopped with an empty queue. Jobs are taken all at once, so
    /// enqueueing from other threads meanwhile contends for the lock once per batch, not per job.
    private func drain() {
        var batch: [UnownedJob] = []
        let executor = asUnownedTaskExecutor()
        while true {
            let exit = state.withLock { state -> Bool in
                swap(&batch, &state.jobs)
                guard batch.isEmpty else { return false }
                if state.stopping {
                    state.exited = true
                    return true
                }
                state.sleeping = true
                return false
            }
            if exit { return }
            if batch.isEmpty {
                wake.wait()
                continue
            }
            for job in batch { job.runSynchronously(on: executor) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
