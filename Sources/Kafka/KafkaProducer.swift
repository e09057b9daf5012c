import CRdkafka
import Synchronization

/// A librdkafka handle. librdkafka documents `rd_kafka_t` as safe to use from any thread.
struct NativeClient: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// Resumed from the delivery-report callback, on the producer's poll thread.
private final class DeliveryWaiter {
    let continuation: CheckedContinuation<DeliveryReport, any Error>
    init(_ continuation: CheckedContinuation<DeliveryReport, any Error>) { self.continuation = continuation }
}

private let deliveryReportCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    _, message, _ in
    guard let message, let opaque = message.pointee._private else { return }
    let waiter = Unmanaged<DeliveryWaiter>.fromOpaque(opaque).takeRetainedValue()
    let m = message.pointee
    if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
        waiter.continuation.resume(returning: DeliveryReport(
            topic: String(cString: rd_kafka_topic_name(m.rkt)), partition: m.partition, offset: m.offset))
    } else {
        waiter.continuation.resume(throwing: KafkaError(m.err, context: "delivery to \(String(cString: rd_kafka_topic_name(m.rkt)))"))
    }
}

/// Publishes messages; `send` returns only once the broker has acknowledged the message
/// (per `acks`, `all` by default) or throws the broker's or librdkafka's error.
///
/// Delivery reports are served by a dedicated poll thread. A full local queue is back-pressure:
/// `send` waits for room instead of failing.
public final class KafkaProducer: Sendable {
    private let client: NativeClient
    private let poller: PollThread
    private let flusher = BlockingExecutor(label: "passerelle.kafka.producer.flush")
    /// Held while enqueueing so that `close` cannot destroy the client under a concurrent `send`.
    private let closed = Mutex<Bool>(false)

    public init(configuration: KafkaConfiguration) throws {
        try Librdkafka.requireSupportedVersion()
        // Idempotence keeps retried sends from duplicating or reordering messages in a partition.
        var defaults: [String: String] = ["enable.idempotence": "true", "acks": "all"]
        for key in configuration.properties.keys { defaults[key] = nil }
        let conf = try KafkaConfiguration(configuration.properties.merging(defaults) { a, _ in a }).makeNative()
        rd_kafka_conf_set_dr_msg_cb(conf, deliveryReportCallback)
        let client = NativeClient(pointer: try makeClient(type: RD_KAFKA_PRODUCER, conf: conf))
        self.client = client
        poller = PollThread(name: "kafka-producer") { shouldStop in
            while !shouldStop() {
                rd_kafka_poll(client.pointer, 100)
            }
            rd_kafka_destroy(client.pointer)
        }
    }

    deinit {
        poller.requestStop()
    }

    /// Publishes `record` and waits for the broker's acknowledgement.
    @discardableResult
    public func send(_ record: KafkaRecord) async throws -> DeliveryReport {
        while true {
            do {
                return try await withCheckedThrowingContinuation { continuation in
                    let waiter = Unmanaged.passRetained(DeliveryWaiter(continuation))
                    let error = closed.withLock { isClosed in
                        isClosed ? KafkaError.closed("producer") : enqueue(record, opaque: waiter.toOpaque())
                    }
                    if let error {
                        waiter.release()
                        continuation.resume(throwing: error)
                    }
                }
            } catch let error as KafkaError where error.code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue {
                // librdkafka's queue is full: wait for deliveries to make room.
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    private func enqueue(_ record: KafkaRecord, opaque: UnsafeMutableRawPointer) -> KafkaError? {
        let headers = rd_kafka_headers_new(record.headers.count)!
        for header in record.headers {
            if let value = header.value {
                value.withUnsafeBytes { _ = rd_kafka_header_add(headers, header.key, -1, $0.baseAddress, $0.count) }
            } else {
                _ = rd_kafka_header_add(headers, header.key, -1, nil, 0)
            }
        }
        let error: OpaquePointer? = record.topic.withCString { topic in
            record.value.withUnsafeBytes { value in
                withOptionalBytes(record.key) { key in
                    var fields: [rd_kafka_vu_t] = []
                    fields.reserveCapacity(7)
                    var field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_TOPIC
                    field.u.cstr = topic
                    fields.append(field)
                    fields.append(bytesField(RD_KAFKA_VTYPE_VALUE, value))
                    if let key { fields.append(bytesField(RD_KAFKA_VTYPE_KEY, key)) }
                    if let partition = record.partition {
                        field = rd_kafka_vu_t()
                        field.vtype = RD_KAFKA_VTYPE_PARTITION
                        field.u.i32 = partition
                        fields.append(field)
                    }
                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    field.u.i = RD_KAFKA_MSG_F_COPY
                    fields.append(field)
                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_HEADERS
                    field.u.headers = headers
                    fields.append(field)
                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_OPAQUE
                    field.u.ptr = opaque
                    fields.append(field)
                    return rd_kafka_produceva(client.pointer, fields, fields.count)
                }
            }
        }
        guard let error else { return nil }  // librdkafka now owns `headers`
        rd_kafka_headers_destroy(headers)
        return KafkaError(consuming: error)
    }

    /// Waits until every message sent so far has been acknowledged or has failed.
    public func flush(timeout: Duration = .seconds(30)) async throws {
        let client = client
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let err = try await flusher.run { rd_kafka_flush(client.pointer, milliseconds) }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(err, context: "flush")
        }
    }

    /// Flushes outstanding messages (up to `timeout`), then releases the client. Messages still
    /// undelivered after the timeout fail their `send` with a purge error.
    public func close(timeout: Duration = .seconds(30)) async {
        let wasClosed = closed.withLock { isClosed in
            defer { isClosed = true }
            return isClosed
        }
        guard !wasClosed else { return }
        try? await flush(timeout: timeout)
        // No `send` can enqueue any more.
        let client = client
        // Fail what is left so that no `send` waits forever, then serve those reports.
        _ = try? await flusher.run { rd_kafka_purge(client.pointer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT) }
        _ = try? await flusher.run { rd_kafka_flush(client.pointer, 1000) }
        await poller.stop()
    }
}

/// A key or value argument of `rd_kafka_produceva`, pointing at bytes it copies.
private func bytesField(_ type: rd_kafka_vtype_t, _ bytes: UnsafeRawBufferPointer) -> rd_kafka_vu_t {
    var field = rd_kafka_vu_t()
    field.vtype = type
    field.u.mem.ptr = UnsafeMutableRawPointer(mutating: bytes.baseAddress)
    field.u.mem.size = bytes.count
    return field
}

func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    if let bytes { return bytes.withUnsafeBytes { body($0) } }
    return body(nil)
}
