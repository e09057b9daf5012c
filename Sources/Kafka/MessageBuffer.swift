import Dispatch
import Synchronization

/// The bounded hand-over between a consumer's poll thread and the tasks that iterate its messages.
/// The poll thread pauses fetching when the buffer is full, so memory stays bounded under any backlog.
final class MessageBuffer: Sendable {
    private struct State {
        var items: [KafkaMessage] = []
        var head = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<KafkaMessage?, any Error>)] = []
        var nextWaiterID: UInt64 = 0
        var termination: KafkaError?? = nil  // .some(nil): finished cleanly; .some(error): failed
        /// Set while the poll thread waits for the buffer to drain to this many messages.
        var roomAt: Int?

        var count: Int { items.count - head }

        /// Whether the poll thread waits for room that taking a message has just made (it is then
        /// to be woken, once).
        mutating func makesRoom() -> Bool {
            guard let roomAt, count <= roomAt else { return false }
            self.roomAt = nil
            return true
        }

        mutating func popFirst() -> KafkaMessage? {
            guard head < items.count else { return nil }
            let item = items[head]
            head += 1
            if head > 64 && head * 2 > items.count {  // compact now and then: amortised O(1)
                items.removeFirst(head)
                head = 0
            }
            return item
        }
    }

    private let state = Mutex(State())
    private let room = DispatchSemaphore(value: 0)

    var count: Int { state.withLock { $0.count } }

    func push(_ message: KafkaMessage) {
        let waiter: CheckedContinuation<KafkaMessage?, any Error>? = state.withLock { state in
            if !state.waiters.isEmpty { return state.waiters.removeFirst().continuation }
            state.items.append(message)
            return nil
        }
        waiter?.resume(returning: message)
    }

    /// Ends iteration once the buffered messages are taken: normally, or with `error`.
    func finish(throwing error: KafkaError? = nil) {
        let waiters = state.withLock { state in
            if state.termination == nil { state.termination = .some(error) }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters {
            if let error { waiter.continuation.resume(throwing: error) } else { waiter.continuation.resume(returning: nil) }
        }
    }

    /// Blocks the calling (poll) thread until the buffer holds at most `count` messages, or
    /// `timeout` passes; true when there is room. Woken once, not per message taken.
    func waitForRoom(atMost count: Int, timeout: Duration) -> Bool {
        let full = state.withLock { state in
            guard state.count > count else { return false }
            state.roomAt = count
            return true
        }
        guard full else { return true }
        let nanoseconds = Int(timeout.components.seconds) * 1_000_000_000 + Int(timeout.components.attoseconds / 1_000_000_000)
        if room.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success { return true }
        // Timed out; a signal sent since is absorbed now, so the next wait starts clean.
        let signalled = state.withLock { state in
            defer { state.roomAt = nil }
            return state.roomAt == nil
        }
        if signalled { room.wait() }
        return signalled
    }

    func next() async throws -> KafkaMessage? {
        // Under a backlog a message is nearly always waiting: taken without a continuation (an
        // allocation and a cancellation handler per message).
        let (buffered, roomMade) = state.withLock { state -> (KafkaMessage?, Bool) in
            guard let message = state.popFirst() else { return (nil, false) }
            return (message, state.makesRoom())
        }
        if roomMade { room.signal() }
        if let buffered { return buffered }
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                var roomMade = false
                let immediate: Result<KafkaMessage?, any Error>? = state.withLock { state in
                    if let message = state.popFirst() {
                        roomMade = state.makesRoom()
                        return .success(message)
                    }
                    if let termination = state.termination {
                        return termination.map { .failure($0) } ?? .success(nil)
                    }
                    if Task.isCancelled { return .success(nil) }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if roomMade { room.signal() }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0).continuation }
            }
            waiter?.resume(returning: nil)
        }
    }
}
