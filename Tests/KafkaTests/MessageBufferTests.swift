@testable import Kafka
import Testing

@Suite struct MessageBufferTests {
    private func message(_ offset: Int64) -> KafkaMessage {
        KafkaMessage(topic: "t", partition: 0, offset: offset, key: nil, value: [], headers: [], timestampMilliseconds: nil)
    }

    @Test func deliversInOrderThenEnds() async throws {
        let buffer = MessageBuffer()
        for offset in 0..<200 { buffer.push(message(Int64(offset))) }
        buffer.finish()
        var offsets: [Int64] = []
        while let next = try await buffer.next() { offsets.append(next.offset) }
        #expect(offsets == (0..<200).map(Int64.init))
        #expect(buffer.count == 0)
    }

    @Test func thePollThreadWaitsForRoomOnceNotPerMessage() async throws {
        let buffer = MessageBuffer()
        for offset in 0..<8 { buffer.push(message(Int64(offset))) }
        #expect(buffer.waitForRoom(atMost: 8, timeout: .milliseconds(1)))       // already there
        #expect(!buffer.waitForRoom(atMost: 4, timeout: .milliseconds(20)))     // nobody takes any
        let waiter = Task.detached { buffer.waitForRoom(atMost: 4, timeout: .seconds(10)) }
        try await Task.sleep(for: .milliseconds(20))
        for _ in 0..<3 { _ = try await buffer.next() }
        try await Task.sleep(for: .milliseconds(20))
        #expect(buffer.count == 5)
        _ = try await buffer.next()  // the fourth taken leaves 4: room
        #expect(await waiter.value)
        // The wake-up was consumed: a later wait with room returns at once, one without times out.
        #expect(buffer.waitForRoom(atMost: 4, timeout: .milliseconds(1)))
        #expect(!buffer.waitForRoom(atMost: 1, timeout: .milliseconds(20)))
    }

    @Test func waiterIsResumedByPush() async throws {
        let buffer = MessageBuffer()
        async let received = buffer.next()
        try await Task.sleep(for: .milliseconds(20))
        buffer.push(message(7))
        #expect(try await received?.offset == 7)
    }

    @Test func failureReachesTheIterator() async throws {
        let buffer = MessageBuffer()
        buffer.push(message(1))
        buffer.finish(throwing: KafkaError.closed("test"))
        #expect(try await buffer.next()?.offset == 1)
        await #expect(throws: KafkaError.self) { try await buffer.next() }
    }

    @Test func cancellationEndsAWait() async throws {
        let buffer = MessageBuffer()
        let task = Task { try await buffer.next() }
        try await Task.sleep(for: .milliseconds(20))
        task.cancel()
        #expect(try await task.value == nil)
    }
}
