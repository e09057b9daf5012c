import CRdkafka
import Logging

/// librdkafka's own log lines (broker connections, protocol problems). They name brokers and
/// topics, never message contents.
let librdkafkaLogger = Logger(label: "passerelle.kafka.librdkafka")

let librdkafkaLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    _, level, facility, buffer in
    let text = buffer.map { String(cString: $0) } ?? ""
    let facilityName = facility.map { String(cString: $0) } ?? ""
    // syslog levels: 0 emerg … 3 err, 4 warning, 5 notice, 6 info, 7 debug
    let swiftLevel: Logger.Level =
        switch level {
        case ...3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    librdkafkaLogger.log(level: swiftLevel, "\(text)", metadata: ["facility": "\(facilityName)"])
}
