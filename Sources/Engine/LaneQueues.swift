import Kafka
import Synchronization

/// The dispatcher's hand-over to the lanes: a queue per lane, so that a busy lane does not hold
/// back the messages of idle ones, under one bound over all of them (messages handed over and not
/// yet taken by their lane). At the bound the dispatcher waits, the consumer's buffer fills and
/// fetching stops: memory stays bounded under any backlog.
final class LaneQueues: Sendable {
    typealias Item = (message: KafkaMessage, admission: Admission)

    private let streams: [AsyncStream<Item>]
    private let continuations: [AsyncStream<Item>.Continuation]
    private let limit: Int
    /// Items queued, and the dispatcher when it waits for the count to fall under `limit`.
    private let state = Mutex<(queued: Int, waiter: CheckedContinuation<Void, Never>?)>((0, nil))

    init(lanes: Int, limit: Int) {
        precondition(limit >= 1, "room for at least one message")
        let pairs = (0..<lanes).map { _ in AsyncStream<Item>.makeStream(bufferingPolicy: .unbounded) }
        streams = pairs.map(\.stream)
        continuations = pairs.map(\.continuation)
        self.limit = limit
    }

    var count: Int { streams.count }

    /// The messages of lane `index`, in the order sent; call `taken` for each.
    func lane(_ index: Int) -> AsyncStream<Item> { streams[index] }

    /// Queues `item` for lane `index`, first waiting while `limit` items are queued. For one
    /// sender (the dispatcher); cancelling it ends the wait and queues the item anyway.
    func send(_ item: Item, toLane index: Int) async {
        if state.withLock({ $0.queued >= limit }) {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    // Checked again under the lock, so that a `taken` in between cannot be missed.
                    let ready = state.withLock { state in
                        guard state.queued >= limit else { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                state.withLock { state in
                    defer { state.waiter = nil }
                    return state.waiter
                }?.resume()
            }
        }
        state.withLock { $0.queued += 1 }
        continuations[index].yield(item)
    }

    /// A lane took an item from its queue.
    func taken() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.queued -= 1
            guard state.queued < limit, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Ends every lane's sequence once its queued items are taken.
    func finish() {
        for continuation in continuations { continuation.finish() }
    }
}
