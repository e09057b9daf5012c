import Foundation
import Journal
import Kafka
import Logging
import Synchronization

public struct EngineConfiguration: Sendable {
    /// Messages processed at once. Messages with the same key share a lane, so they are handled
    /// one after the other, in offset order; keyless messages share their partition's lane.
    public var lanes: Int
    /// Messages of one lane handed to their sinks and not yet acknowledged. A lane starts its
    /// next message once the previous one is handed off (a Kafka send enqueued), so throughput
    /// is not lanes ÷ acknowledgement latency; hand-off order keeps per-key order, since the
    /// producer keeps send order per partition. 1 waits for each acknowledgement, which keeps
    /// order even when a delivery fails after later messages of its key were sent.
    public var pipelineDepth: Int
    public var deadLetterTopic: String
    public var retry: RetryPolicy
    /// How often finished offsets are committed.
    public var commitInterval: Duration
    /// How long `shutdown` lets in-flight messages finish; what is still running then is
    /// abandoned uncommitted, to be processed again by whoever next owns the partition.
    public var drainDeadline: Duration
    /// The engine's own threads, which run the dispatcher and the lanes (lane `i` on thread
    /// `i % threads`); by default half the machine's cores, the rest being librdkafka's.
    public var threads: Int

    public init(lanes: Int = 8, pipelineDepth: Int = 64, deadLetterTopic: String, retry: RetryPolicy = RetryPolicy(),
                commitInterval: Duration = .milliseconds(200), drainDeadline: Duration = .seconds(30), threads: Int? = nil) {
        precondition(lanes >= 1, "at least one lane")
        precondition(pipelineDepth >= 1, "at least one message in flight per lane")
        precondition((threads ?? 1) >= 1, "at least one engine thread")
        self.lanes = lanes
        self.threads = threads ?? EngineThreads.defaultCount
        self.pipelineDepth = pipelineDepth
        self.deadLetterTopic = deadLetterTopic
        self.retry = retry
        self.commitInterval = commitInterval
        self.drainDeadline = drainDeadline
    }
}

/// Counters for operators and tests.
public struct EngineStatistics: Sendable, Hashable {
    public var processed = 0
    public var retries = 0
    public var deadLettered = 0
    public var commits = 0
    public var replies = 0
}

/// The runtime: consumes, hands each message to the handler in its lane, retries transient
/// failures with backoff, dead-letters the rest, and commits an offset only once every message
/// before it in its partition is finished. When the lanes' queues are full the dispatcher waits,
/// which leaves messages in the consumer's bounded buffer, which stops fetching: back-pressure
/// all the way to the broker, with bounded memory.
public final class Engine: Sendable {
    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let handler: any MessageHandler
    private let configuration: EngineConfiguration
    private let tracker = OffsetTracker()
    private let logger: Logger
    private let dispatcher = Mutex<(task: Task<(any Error)?, Never>?, stopping: Bool)>((nil, false))
    private let counters = Mutex(EngineStatistics())
    private let metrics: EngineMetrics
    private let journal: Journal?

    /// - Parameters:
    ///   - consumer: subscribed to the route sources; the engine closes it when it stops.
    ///   - producer: publishes dead letters and replies; it stays open (the caller owns it).
    ///   - journal: where retries and dead letters are recorded (the handler records deliveries).
    public init(consumer: KafkaConsumer, producer: KafkaProducer, handler: any MessageHandler,
                configuration: EngineConfiguration, metrics: EngineMetrics = EngineMetrics(), journal: Journal? = nil,
                logger: Logger = Logger(label: "passerelle.engine")) {
        self.consumer = consumer
        self.producer = producer
        self.handler = handler
        self.configuration = configuration
        self.metrics = metrics
        self.journal = journal
        self.logger = logger
    }

    public var statistics: EngineStatistics { counters.withLock { $0 } }

    /// Runs until `shutdown` (or until the consumer fails, which is rethrown after draining).
    /// Cancelling the calling task stops at once instead: in-flight messages are abandoned
    /// uncommitted, which loses nothing (they are consumed again) but repeats work.
    public func run() async throws {
        // A few messages queued per lane keep every lane busy while the dispatcher is elsewhere.
        let lanes = LaneQueues(lanes: configuration.lanes, limit: configuration.lanes * 4)
        let threads = EngineThreads(count: configuration.threads)
        defer { threads.stop() }
        let committer = Task { await self.commitPeriodically() }
        let dispatch = Task(executorPreference: threads.forLane(0)) { () -> (any Error)? in await self.dispatch(into: lanes) }
        let stopAlready = dispatcher.withLock { state in
            state.task = dispatch
            return state.stopping
        }
        if stopAlready { dispatch.cancel() }
        let consumerError = await withTaskCancellationHandler {
            await process(lanes, on: threads, until: dispatch)
        } onCancel: {
            dispatch.cancel()
        }
        committer.cancel()
        await committer.value
        await commitFinished()
        await consumer.close()
        if let consumerError { throw consumerError }
    }

    /// Stops consuming, lets in-flight messages finish (up to the drain deadline), commits, closes.
    public func shutdown() {
        let task = dispatcher.withLock { state in
            state.stopping = true
            return state.task
        }
        task?.cancel()
    }

    private func dispatch(into lanes: LaneQueues) async -> (any Error)? {
        do {
            for try await message in consumer.messages {
                tracker.started(message)
                let admission = handler.admit(message)
                await lanes.send((message, admission), toLane: lane(of: message, key: admission.orderingKey, among: lanes.count))
                if Task.isCancelled || dispatcher.withLock({ $0.stopping }) { break }
            }
            return nil
        } catch {
            logger.error("consumer failed, stopping", metadata: ["error": "\(error)"])
            return error
        }
    }

    private enum LaneEvent {
        case drained
        /// The dispatcher stopped (with the consumer's error, if any) and the drain deadline passed.
        case deadline((any Error)?)
    }

    /// Runs the lanes while the dispatcher feeds them, then until they are empty or the drain
    /// deadline passes. Returns the consumer's error, if that is why the dispatcher stopped.
    private func process(_ lanes: LaneQueues, on threads: EngineThreads, until dispatch: Task<(any Error)?, Never>) async -> (any Error)? {
        await withTaskGroup(of: LaneEvent.self) { group in
            for index in 0..<lanes.count {
                group.addTask(executorPreference: threads.forLane(index)) {
                    await self.run(lanes, index)
                    return .drained
                }
            }
            let deadline = configuration.drainDeadline
            group.addTask {
                let error = await dispatch.value
                lanes.finish()
                try? await Task.sleep(for: deadline)
                return .deadline(error)
            }
            var drained = 0
            var consumerError: (any Error)?
            while let event = await group.next() {
                switch event {
                case .drained:
                    drained += 1
                    if drained == lanes.count { group.cancelAll() }
                case .deadline(let error):
                    consumerError = error
                    if drained < lanes.count {
                        logger.warning("drain deadline reached; unfinished messages stay uncommitted",
                                       metadata: ["in-flight": "\(tracker.inFlight)"])
                        group.cancelAll()
                    }
                }
            }
            return consumerError
        }
    }

    /// Processes a lane's messages in order, each started once the one before it is handed off
    /// to its sinks (an immediate task runs synchronously up to its first suspension), or, when
    /// the handler cannot promise that for a message, once it is finished.
    private func run(_ lanes: LaneQueues, _ index: Int) async {
        await withTaskGroup(of: Void.self) { window in
            var inFlight = 0
            for await (message, admission) in lanes.lane(index) {
                lanes.taken()
                if inFlight == configuration.pipelineDepth {
                    await window.next()
                    inFlight -= 1
                }
                window.addImmediateTask { await self.process(message, admission) }
                inFlight += 1
                if !admission.pipelines {
                    await window.waitForAll()
                    inFlight = 0
                }
            }
        }
    }

    private func lane(of message: KafkaMessage, key: [UInt8]?, among count: Int) -> Int {
        guard let key else { return Int(message.partition) % count }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: stable across runs and processes
        for byte in key {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return Int(hash % UInt64(count))
    }

    private func process(_ message: KafkaMessage, _ admission: Admission) async {
        let received = ContinuousClock.now
        var random = SystemRandomNumberGenerator()
        var attempt = 0
        let handler = admission.handler
        let route = admission.route
        let routeMetrics = metrics.route(route)
        routeMetrics.received.increment()
        let retry = admission.retryPolicy ?? configuration.retry
        while true {
            attempt += 1
            do {
                try await handler.handle(message, parsed: admission.parsed)
                guard await publishReplies(to: message, by: handler, failure: nil, metrics: routeMetrics) else { return }
                tracker.finished(message)
                counters.withLock { $0.processed += 1 }
                routeMetrics.delivered.increment()
                routeMetrics.latency.record(duration: ContinuousClock.now - received)
                return
            } catch {
                let where_: Logger.Metadata = [
                    "route": "\(route)", "topic": "\(message.topic)", "partition": "\(message.partition)",
                    "offset": "\(message.offset)", "step": "\(error.step)", "attempt": "\(attempt)",
                ]
                if error.errorClass == .transient, attempt < retry.attempts {
                    logger.warning("transient failure, retrying: \(error.reason)", metadata: where_)
                    counters.withLock { $0.retries += 1 }
                    routeMetrics.retried.increment()
                    await journal?.record(.init(kind: .retried, of: message, route: route, failure: error), logger: logger)
                    do {
                        try await Task.sleep(for: retry.delay(afterAttempt: attempt, using: &random))
                    } catch {
                        return  // drain deadline: left uncommitted
                    }
                    continue
                }
                logger.error("dead-lettering: \(error.reason)", metadata: where_)
                let letter = KafkaRecord.deadLetter(of: message, topic: configuration.deadLetterTopic, route: route,
                                                    failure: error, attempts: attempt, at: Date())
                guard await publish(letter, what: "dead letter"),
                      await publishReplies(to: message, by: handler, failure: error, metrics: routeMetrics) else { return }
                await journal?.record(.init(kind: .deadLettered, of: message, route: route, failure: error), logger: logger)
                tracker.finished(message)
                counters.withLock { $0.deadLettered += 1 }
                routeMetrics.deadLettered.increment()
                routeMetrics.latency.record(duration: ContinuousClock.now - received)
                return
            }
        }
    }

    private func publishReplies(to message: KafkaMessage, by handler: any MessageHandler, failure: ProcessingFailure?,
                                metrics: EngineMetrics.Route) async -> Bool {
        for reply in handler.replies(to: message, failure: failure) {
            guard await publish(reply, what: "reply") else { return false }
            counters.withLock { $0.replies += 1 }
            metrics.replies.increment()
        }
        return true
    }

    /// Publishes a dead letter or reply, retrying until the broker takes it: a failure must not
    /// be lost either. Returns false only when abandoned at the drain deadline.
    private func publish(_ record: KafkaRecord, what: String) async -> Bool {
        var random = SystemRandomNumberGenerator()
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            do {
                try await producer.send(record)
                return true
            } catch {
                logger.error("\(what) topic unavailable, retrying", metadata: ["topic": "\(record.topic)", "error": "\(error)"])
                try? await Task.sleep(for: configuration.retry.delay(afterAttempt: min(attempt, 8), using: &random))
            }
        }
        return false
    }

    private func commitPeriodically() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.commitInterval)
            await commitFinished()
            recordLag()
        }
    }

    /// Consumer lag per partition: the partition's end, as the last fetch saw it, minus where
    /// processing stands (what a restart would resume from).
    private func recordLag() {
        let positions = tracker.positions()
        guard !positions.isEmpty else { return }
        for (partition, end) in consumer.highWatermarks(for: Array(positions.keys)) {
            guard let position = positions[partition] else { continue }
            metrics.lag(partition).record(max(0, end - position))
        }
    }

    private func commitFinished() async {
        let offsets = tracker.readyToCommit()
        guard !offsets.isEmpty else { return }
        do {
            try await consumer.commit(offsets)
            tracker.committed(offsets)
            counters.withLock { $0.commits += 1 }
        } catch {
            // A partition revoked in a rebalance cannot be committed by us any more; its new
            // owner resumes from the last commit, so nothing is lost.
            logger.warning("commit failed", metadata: ["error": "\(error)"])
        }
    }
}
