@testable import Engine
import Kafka
import Testing

@Suite struct OffsetTrackerTests {
    private func message(_ offset: Int64, partition: Int32 = 0) -> KafkaMessage {
        KafkaMessage(topic: "t", partition: partition, offset: offset, key: nil, value: [], headers: [], timestampMilliseconds: nil)
    }

    @Test func commitsOnlyTheFinishedPrefix() {
        let tracker = OffsetTracker()
        for offset: Int64 in 10..<15 { tracker.started(message(offset)) }
        tracker.finished(message(12))
        tracker.finished(message(11))
        #expect(tracker.readyToCommit().isEmpty)  // 10 still running
        tracker.finished(message(10))
        let ready = tracker.readyToCommit()
        #expect(ready == [TopicPartition(topic: "t", partition: 0): 13])
        tracker.committed(ready)
        #expect(tracker.readyToCommit().isEmpty)
        tracker.finished(message(14))
        #expect(tracker.readyToCommit().isEmpty)  // 13 still running
        tracker.finished(message(13))
        #expect(tracker.readyToCommit() == [TopicPartition(topic: "t", partition: 0): 15])
        #expect(tracker.inFlight == 0)
    }

    @Test func partitionsAreIndependent() {
        let tracker = OffsetTracker()
        tracker.started(message(0, partition: 0))
        tracker.started(message(0, partition: 1))
        tracker.finished(message(0, partition: 1))
        #expect(tracker.readyToCommit() == [TopicPartition(topic: "t", partition: 1): 1])
    }

    @Test func rewindDropsStaleState() {
        let tracker = OffsetTracker()
        tracker.started(message(5))
        tracker.started(message(6))
        tracker.started(message(5))  // replayed after a rebalance
        tracker.finished(message(5))
        #expect(tracker.readyToCommit() == [TopicPartition(topic: "t", partition: 0): 6])
    }

    @Test func manyOffsetsStayCompact() {
        let tracker = OffsetTracker()
        for offset in 0..<10_000 { tracker.started(message(Int64(offset))) }
        for offset in (0..<10_000).reversed() { tracker.finished(message(Int64(offset))) }
        #expect(tracker.readyToCommit() == [TopicPartition(topic: "t", partition: 0): 10_000])
        #expect(tracker.inFlight == 0)
    }
}

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesUpToTheCap() {
        let policy = RetryPolicy(attempts: 10, initialBackoff: .milliseconds(200), maxBackoff: .seconds(30))
        #expect(policy.ceiling(afterAttempt: 1) == .milliseconds(200))
        #expect(policy.ceiling(afterAttempt: 2) == .milliseconds(400))
        #expect(policy.ceiling(afterAttempt: 8) == .milliseconds(25_600))
        #expect(policy.ceiling(afterAttempt: 9) == .seconds(30))
        #expect(policy.ceiling(afterAttempt: 60) == .seconds(30))
    }

    @Test func jitterStaysBetweenHalfAndTheCeiling() {
        let policy = RetryPolicy()
        var random = SystemRandomNumberGenerator()
        var seen = Set<Duration>()
        for _ in 0..<200 {
            let delay = policy.delay(afterAttempt: 3, using: &random)
            #expect(delay >= .milliseconds(400) && delay <= .milliseconds(800))
            seen.insert(delay)
        }
        #expect(seen.count > 100)  // spread, not lockstep
    }
}
