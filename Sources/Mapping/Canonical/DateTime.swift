import Foundation

extension Canonical {
    /// A point in time as precise as the source gave it: HL7 TS (`YYYY[MM[DD[HH[MM[SS[.S…]]]]]][±ZZZZ]`)
    /// keeps its precision, and a time of day always carries its UTC offset, so that renderers never
    /// guess a zone. JSON shows it in ISO 8601 (`2024-03-05T14:30:00+01:00`, `1970-01-01`).
    public struct DateTime: Sendable, Hashable, Codable, CustomStringConvertible {
        public enum Precision: Int, Sendable, Hashable, Comparable {
            case year, month, day, hour, minute, second

            public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rawValue < rhs.rawValue }
        }

        public var year: Int
        public var month: Int
        public var day: Int
        public var hour: Int
        public var minute: Int
        public var second: Int
        /// Digits of the fraction of a second, "" when none.
        public var fraction: String
        public var precision: Precision
        /// Minutes east of UTC; nil when the precision is a day or coarser.
        public var offsetMinutes: Int?

        /// The zone HL7 times without an offset are read in (DESIGN.md §1: Luxembourg senders).
        public static let defaultZone = TimeZone(identifier: "Europe/Luxembourg")!

        /// Parses HL7 TS/DTM; a time without an offset is taken in `zone`. Nil when malformed or
        /// out of range (month 13, 30 February…).
        public init?(hl7 text: some StringProtocol, zone: TimeZone = DateTime.defaultZone) {
            // Read in place: copying the text into an array cost an allocation per date.
            guard let value = text.utf8.withContiguousStorageIfAvailable({ DateTime(hl7: $0, zone: zone) })
                    ?? Array(text.utf8).withUnsafeBufferPointer({ DateTime(hl7: $0, zone: zone) }) else { return nil }
            self = value
        }

        /// Parses HL7 TS/DTM from its UTF-8 bytes, as `init?(hl7:zone:)` describes.
        init?(hl7 bytes: UnsafeBufferPointer<UInt8>, zone: TimeZone) {
            var index = 0
            // An index loop: iterating a slice of the buffer cost more than the parse.
            func digits(_ count: Int) -> Int? {
                guard index &+ count <= bytes.count else { return nil }
                var value = 0
                for offset in index..<index &+ count {
                    let digit = bytes[offset] &- 0x30
                    guard digit < 10 else { return nil }
                    value = value &* 10 &+ Int(digit)
                }
                index &+= count
                return value
            }
            guard let year = digits(4) else { return nil }
            // Month to second, as many as given; named locals rather than an array, which would
            // allocate on every date read.
            var month = 0, day = 0, hour = 0, minute = 0, second = 0
            var precision = Precision.year
            parts: do {
                guard let value = digits(2) else { break parts }
                (month, precision) = (value, .month)
                guard let value = digits(2) else { break parts }
                (day, precision) = (value, .day)
                guard let value = digits(2) else { break parts }
                (hour, precision) = (value, .hour)
                guard let value = digits(2) else { break parts }
                (minute, precision) = (value, .minute)
                guard let value = digits(2) else { break parts }
                (second, precision) = (value, .second)
            }
            var fraction = ""
            if precision == .second, index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                let start = index + 1
                index = start
                while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 { index += 1 }
                guard index > start, index - start <= 4 else { return nil }
                fraction = String(decoding: bytes[start..<index], as: UTF8.self)
            }
            var offset: Int?
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let hours = digits(2), let minutes = digits(2), hours <= 14, minutes < 60 else { return nil }
                offset = sign * (hours * 60 + minutes)
            }
            guard index == bytes.count else { return nil }
            self.year = year
            self.month = max(month, 1)
            self.day = max(day, 1)
            self.hour = hour
            self.minute = minute
            self.second = second
            self.fraction = fraction
            self.precision = precision
            guard (precision < .month || (1...12).contains(month)),
                  (precision < .day || (1...Self.days(inMonth: month, of: year)).contains(day)),
                  hour < 24, minute < 60, second < 60 else { return nil }
            if precision > .day {
                offsetMinutes = offset ?? Self.offset(of: self, in: zone)
            } else {
                offsetMinutes = nil
            }
        }

        /// HL7 and CDA TS form, e.g. `20240305143000+0100`, `19700101`.
        public var hl7: String { withHL7 { String(decoding: $0, as: UTF8.self) } }

        /// `hl7` as UTF-8 in a stack buffer: a renderer copies it into its output without a String.
        public func withHL7<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
            try format(iso: false, body)
        }

        /// ISO 8601, e.g. `2024-03-05T14:30:00+01:00`.
        public var description: String { format(iso: true) { String(decoding: $0, as: UTF8.self) } }

        /// Either form, its digits written straight into a stack buffer: renderers write every date
        /// of a document, and joining padded Strings allocated for each part.
        private func format<Result>(iso: Bool, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
            // Eight numbers of at most 20 characters each (any Int), eight signs and separators.
            try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8 * 21 + fraction.utf8.count) { buffer in
                var text = DigitWriter(base: buffer.baseAddress!)
                let (dash, tee, colon): (UInt8?, UInt8?, UInt8?) = iso ? (UInt8(ascii: "-"), UInt8(ascii: "T"), UInt8(ascii: ":")) : (nil, nil, nil)
                text.append(year, width: 4)
                if precision >= .month { text.append(month, width: 2, after: dash) }
                if precision >= .day { text.append(day, width: 2, after: dash) }
                if precision >= .hour { text.append(hour, width: 2, after: tee) }
                // ISO always gives the minute with the hour.
                if precision >= .minute || iso && precision >= .hour {
                    text.append(precision >= .minute ? minute : 0, width: 2, after: colon)
                }
                if precision >= .second {
                    text.append(second, width: 2, after: colon)
                    if !fraction.isEmpty {
                        text.append(UInt8(ascii: "."))
                        for byte in fraction.utf8 { text.append(byte) }
                    }
                }
                if let offsetMinutes {
                    text.append(UInt8(ascii: offsetMinutes < 0 ? "-" : "+"))
                    text.append(abs(offsetMinutes) / 60, width: 2)
                    text.append(abs(offsetMinutes) % 60, width: 2, after: colon)
                }
                return try body(UnsafeBufferPointer(start: buffer.baseAddress, count: text.count))
            }
        }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            // ISO 8601 becomes HL7 TS once its separators are dropped (the zone's sign kept).
            let date = text.prefix(10).filter { $0 != "-" }
            let rest = text.dropFirst(10).filter { $0 != ":" && $0 != "T" }
            guard let value = DateTime(hl7: date + rest) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO 8601 date or time"))
            }
            self = value
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }

        private static func days(inMonth month: Int, of year: Int) -> Int {
            let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            switch month {
            case 2: return isLeap ? 29 : 28
            case 4, 6, 9, 11: return 30
            default: return 31
            }
        }

        /// The offset `zone` had at the local wall-clock time of `value`.
        private static func offset(of value: DateTime, in zone: TimeZone) -> Int {
            // Days from 1970-01-01 of the civil date (H. Hinnant's algorithm).
            let y = value.month <= 2 ? value.year - 1 : value.year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (value.month + (value.month > 2 ? -3 : 9)) + 2) / 5 + value.day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            let days = era * 146097 + dayOfEra - 719468
            let wallClock = Double(days * 86400 + value.hour * 3600 + value.minute * 60 + value.second)
            let guess = wallClock - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wallClock)))
            return zone.secondsFromGMT(for: Date(timeIntervalSince1970: guess)) / 60
        }
    }
}

/// Appends to a buffer known to be large enough.
private struct DigitWriter {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0

    mutating func append(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// `value` in decimal, zeros on the left up to `width` characters (a minus sign counting as
    /// one, as in `String(value)`), after `separator` when there is one.
    @inline(__always)
    mutating func append(_ value: Int, width: Int, after separator: UInt8? = nil) {
        if let separator { append(separator) }
        // The year in four digits, the rest in two, as every parsed date has them.
        if value >= 0 && (width == 2 && value < 100 || width == 4 && value < 10_000) {
            var rest = value
            for index in (count..<count &+ width).reversed() {
                base[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            count &+= width
        } else {
            append(anyInt: value, width: width)
        }
    }

    @inline(never)
    private mutating func append(anyInt value: Int, width: Int) {
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        for _ in 0..<max(0, width - digits - (value < 0 ? 1 : 0)) { append(UInt8(ascii: "0")) }
        if value < 0 { append(UInt8(ascii: "-")) }
        count += digits
        var index = count
        repeat {
            index -= 1
            base[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
    }
}
