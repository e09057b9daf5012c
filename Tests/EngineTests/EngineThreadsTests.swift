@testable import Engine
import Foundation
import Synchronization
import Testing

@Suite struct EngineThreadsTests {
    /// The calling thread's id, to tell threads apart.
    private static func currentThread() -> UInt { UInt(bitPattern: Int(pthread_self())) }

    @Test func aTaskStaysOnItsEngineThreadAcrossResumesFromOtherThreads() async throws {
        let threads = EngineThreads(count: 1)
        defer { threads.stop() }
        let seen = try await Task(executorPreference: threads.forLane(0)) { () async throws -> [UInt] in
            var seen = [Self.currentThread()]
            for _ in 0..<20 {
                // Resumed from a Dispatch thread, as a Kafka delivery report resumes a send.
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    DispatchQueue.global().async { continuation.resume() }
                }
                seen.append(Self.currentThread())
                try await Task.sleep(for: .milliseconds(1))
                seen.append(Self.currentThread())
            }
            return seen
        }.value
        #expect(seen.count == 41)
        #expect(Set(seen).count == 1, "ran on \(Set(seen).count) threads")
        #expect(seen[0] != Self.currentThread())
    }

    @Test func lanesAreSpreadOverTheThreadsAndChildTasksFollowTheirLane() async {
        let threads = EngineThreads(count: 3)
        defer { threads.stop() }
        #expect(threads.count == 3)
        #expect(threads.forLane(0) === threads.forLane(3) && threads.forLane(1) === threads.forLane(4))
        let byLane = await withTaskGroup(of: (Int, Set<UInt>).self) { group in
            for lane in 0..<6 {
                group.addTask(executorPreference: threads.forLane(lane)) {
                    // A lane's per-message child tasks inherit its thread.
                    let children = await withTaskGroup(of: UInt.self) { children in
                        for _ in 0..<4 { children.addTask { await Task.yield(); return Self.currentThread() } }
                        return await children.reduce(into: Set<UInt>()) { $0.insert($1) }
                    }
                    return (lane, children.union([Self.currentThread()]))
                }
            }
            return await group.reduce(into: [Int: Set<UInt>]()) { $0[$1.0] = $1.1 }
        }
        #expect(byLane.values.allSatisfy { $0.count == 1 }, "\(byLane)")
        let threadOf = byLane.mapValues { $0.first! }
        #expect(Set(threadOf.values).count == 3)
        #expect(threadOf[0] == threadOf[3] && threadOf[1] == threadOf[4] && threadOf[2] == threadOf[5])
    }

    @Test func threadsAreNamedForOperators() async throws {
        let threads = EngineThreads(count: 2)
        defer { threads.stop() }
        for lane in 0..<2 {
            // What `top -H` and `ps -L` show: the kernel's name of the thread running the task.
            let name = try await Task(executorPreference: threads.forLane(lane)) {
                try String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
            }.value
            #expect(name == "engine-\(lane)\n")
        }
    }

    @Test func workArrivingAfterStopStillRuns() async {
        let threads = EngineThreads(count: 1)
        let thread = threads.forLane(0)
        threads.stop()
        // Let the thread see the stop and exit; what is enqueued after runs on the global executor.
        try? await Task.sleep(for: .milliseconds(50))
        let ran = await Task(executorPreference: thread) { () async -> Bool in
            await Task.yield()
            return true
        }.value
        #expect(ran)
    }

    @Test func theDefaultIsHalfTheCoresAndAtLeastOne() {
        #expect(EngineThreads.defaultCount == max(1, ProcessInfo.processInfo.activeProcessorCount / 2))
        #expect(EngineConfiguration(deadLetterTopic: "d").threads == EngineThreads.defaultCount)
        #expect(EngineConfiguration(deadLetterTopic: "d", threads: 3).threads == 3)
    }
}
