import Kafka
import Synchronization

/// Decides what may be committed: for each partition, the offset after the longest run of
/// finished messages from the start. A message finished out of order (another key, another lane)
/// waits for those before it, so a crash never skips an unfinished message.
final class OffsetTracker: Sendable {
    private struct Partition {
        /// Offsets handed to workers, in consumption order (ascending).
        var pending: [Int64] = []
        var head = 0
        var finished: Set<Int64> = []
        /// The next offset to commit, once it moved past what was committed.
        var committable: Int64?
        var committed: Int64?
    }

    private let partitions = Mutex<[TopicPartition: Partition]>([:])

    /// Records a message as in flight. A message at or before the last one seen means the
    /// partition was rewound (rebalance, replay): its old state is dropped.
    func started(_ message: KafkaMessage) {
        partitions.withLock { partitions in
            var state = partitions[message.topicPartition] ?? Partition()
            if let last = state.pending.last, message.offset <= last {
                state = Partition(committed: state.committed)
            }
            state.pending.append(message.offset)
            partitions[message.topicPartition] = state
        }
    }

    /// Records a message as done (delivered or dead-lettered).
    func finished(_ message: KafkaMessage) {
        partitions.withLock { partitions in
            guard var state = partitions[message.topicPartition] else { return }
            state.finished.insert(message.offset)
            while state.head < state.pending.count, state.finished.remove(state.pending[state.head]) != nil {
                state.committable = state.pending[state.head] + 1
                state.head += 1
            }
            if state.head > 256, state.head * 2 > state.pending.count {
                state.pending.removeFirst(state.head)
                state.head = 0
            }
            partitions[message.topicPartition] = state
        }
    }

    /// Next offsets that advanced since they were last reported as committed.
    func readyToCommit() -> [TopicPartition: Int64] {
        partitions.withLock { partitions in
            partitions.compactMapValues { state in
                guard let next = state.committable, next != state.committed else { return nil }
                return next
            }
        }
    }

    func committed(_ offsets: [TopicPartition: Int64]) {
        partitions.withLock { partitions in
            for (partition, offset) in offsets { partitions[partition]?.committed = offset }
        }
    }

    /// Per partition, the offset processing stands at: the next one to commit, or, before the
    /// first commit, the oldest message started.
    func positions() -> [TopicPartition: Int64] {
        partitions.withLock { partitions in
            partitions.compactMapValues { state in
                state.committed ?? (state.head < state.pending.count ? state.pending[state.head] : state.committable)
            }
        }
    }

    /// Messages started and not finished, across partitions.
    var inFlight: Int {
        partitions.withLock { $0.values.reduce(0) { $0 + $1.pending.count - $1.head - $1.finished.count } }
    }
}
