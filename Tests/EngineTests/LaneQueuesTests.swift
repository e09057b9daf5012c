@testable import Engine
import HL7v2
import Kafka
import Synchronization
import Testing

@Suite struct LaneQueuesTests {
    private struct Quiet: MessageHandler {
        func admit(_ message: KafkaMessage) -> Admission { Admission(route: "r", orderingKey: nil, handler: self) }
        func handle(_ message: KafkaMessage, parsed: HL7Message?) async throws(ProcessingFailure) {}
    }

    private func item(_ offset: Int64) -> LaneQueues.Item {
        let message = KafkaMessage(topic: "t", partition: 0, offset: offset, key: nil, value: [], headers: [], timestampMilliseconds: nil)
        return (message, Quiet().admit(message))
    }

    @Test func aBusyLaneDoesNotHoldBackTheOthersAndTheBoundHolds() async throws {
        let queues = LaneQueues(lanes: 2, limit: 3)
        // Lane 0 takes nothing; lane 1 still gets its messages while under the bound.
        await queues.send(item(0), toLane: 0)
        await queues.send(item(1), toLane: 1)
        var lane1 = queues.lane(1).makeAsyncIterator()
        #expect(await lane1.next()?.message.offset == 1)
        queues.taken()
        await queues.send(item(2), toLane: 0)
        await queues.send(item(3), toLane: 0)  // 3 queued, all on lane 0: the bound
        let sent = Mutex(false)
        let sender = Task {
            await queues.send(item(4), toLane: 1)
            sent.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(!sent.withLock { $0 }, "the dispatcher waits at the bound")
        var lane0 = queues.lane(0).makeAsyncIterator()
        #expect(await lane0.next()?.message.offset == 0)
        queues.taken()
        await sender.value
        #expect(sent.withLock { $0 })
        #expect(await lane1.next()?.message.offset == 4)
        queues.finish()
        #expect(await lane0.next()?.message.offset == 2)
        #expect(await lane0.next()?.message.offset == 3)
        #expect(await lane0.next() == nil)
    }

    @Test func cancellingTheDispatcherEndsItsWait() async throws {
        let queues = LaneQueues(lanes: 1, limit: 1)
        await queues.send(item(0), toLane: 0)
        let sender = Task { await queues.send(item(1), toLane: 0) }
        try await Task.sleep(for: .milliseconds(20))
        sender.cancel()
        await sender.value  // returns: the wait ended
    }
}
