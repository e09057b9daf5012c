import Foundation
import Kafka

/// Dead-letter headers, added to the original message's own headers, key and bytes.
public enum DeadLetterHeader {
    public static let route = "passerelle-route"
    public static let step = "passerelle-step"
    public static let errorClass = "passerelle-error-class"
    public static let reason = "passerelle-reason"
    public static let attempts = "passerelle-attempts"
    public static let sourceTopic = "passerelle-source-topic"
    public static let sourcePartition = "passerelle-source-partition"
    public static let sourceOffset = "passerelle-source-offset"
    public static let failedAt = "passerelle-failed-at"
    public static let receivedAt = "passerelle-received-at"
}

extension KafkaRecord {
    /// The dead letter of `message`: its bytes, key and headers unchanged, plus where it came
    /// from, which route and step failed, how, and when.
    static func deadLetter(of message: KafkaMessage, topic: String, route: String, failure: ProcessingFailure,
                           attempts: Int, at date: Date) -> KafkaRecord {
        var headers = message.headers
        headers += [
            KafkaHeader(key: DeadLetterHeader.route, value: route),
            KafkaHeader(key: DeadLetterHeader.step, value: failure.step),
            KafkaHeader(key: DeadLetterHeader.errorClass, value: failure.errorClass.rawValue),
            KafkaHeader(key: DeadLetterHeader.reason, value: failure.reason),
            KafkaHeader(key: DeadLetterHeader.attempts, value: String(attempts)),
            KafkaHeader(key: DeadLetterHeader.sourceTopic, value: message.topic),
            KafkaHeader(key: DeadLetterHeader.sourcePartition, value: String(message.partition)),
            KafkaHeader(key: DeadLetterHeader.sourceOffset, value: String(message.offset)),
            KafkaHeader(key: DeadLetterHeader.failedAt, value: date.formatted(.iso8601)),
        ]
        if let received = message.timestampMilliseconds {
            let date = Date(timeIntervalSince1970: Double(received) / 1000)
            headers.append(KafkaHeader(key: DeadLetterHeader.receivedAt, value: date.formatted(.iso8601)))
        }
        return KafkaRecord(topic: topic, key: message.key, value: message.value, headers: headers)
    }
}
