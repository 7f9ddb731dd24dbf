/// A point in wall-clock time with millisecond precision, UTC.
///
/// History events carry timestamps at this precision so the value a decider sees after a replay
/// is exactly the value it saw live.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    /// A timestamp from milliseconds since the Unix epoch.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// This timestamp moved forward by `interval`.
    public func adding(_ interval: Interval) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch &+ interval.milliseconds)
    }

    /// The interval from `earlier` to this timestamp (negative when `earlier` is later).
    public func interval(since earlier: Timestamp) -> Interval {
        Interval(milliseconds: millisecondsSinceEpoch - earlier.millisecondsSinceEpoch)
    }

    /// ISO 8601 in UTC with milliseconds, e.g. `2026-11-21T10:00:00.123Z`.
    public var iso8601: String {
        let millis = Int64(floorMod(millisecondsSinceEpoch, 1000))
        let seconds = floorDiv(millisecondsSinceEpoch, 1000)
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = floorMod(seconds, 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2) + "." + pad(millis, 3) + "Z"
    }

    public var description: String { iso8601 }

    /// Appends ``iso8601``'s bytes without building a string (history records carry one each).
    public func writeISO8601(into output: inout [UInt8]) {
        let millis = floorMod(millisecondsSinceEpoch, 1000)
        let seconds = floorDiv(millisecondsSinceEpoch, 1000)
        let secondOfDay = floorMod(seconds, 86_400)
        let (year, month, day) = Self.civil(fromDays: floorDiv(seconds, 86_400))
        guard (0...9999).contains(year) else {
            output.append(contentsOf: iso8601.utf8)
            return
        }
        // `YYYY-MM-DDTHH:MM:SS.mmmZ` is 24 bytes: filled on the stack, then appended at once.
        var text = (UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &text) { buffer in
            var position = 0
            func digits(_ value: Int64, _ width: Int) {
                var rest = value
                for offset in stride(from: width - 1, through: 0, by: -1) {
                    buffer[position + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                position += width
            }
            func character(_ byte: Unicode.Scalar) {
                buffer[position] = UInt8(ascii: byte)
                position += 1
            }
            digits(year, 4)
            character("-")
            digits(month, 2)
            character("-")
            digits(day, 2)
            character("T")
            digits(secondOfDay / 3600, 2)
            character(":")
            digits(secondOfDay / 60 % 60, 2)
            character(":")
            digits(secondOfDay % 60, 2)
            character(".")
            digits(millis, 3)
            character("Z")
            output.append(contentsOf: buffer[..<position])
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z`; returns nil for anything else.
    public init?(iso8601 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var millis: Int64 = 0
        if bytes.count > 20 {
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 21, let fraction = number(20..<(bytes.count - 1))
            else { return nil }
            let digits = bytes.count - 21
            var scaled = fraction
            if digits < 3 {
                for _ in digits..<3 { scaled *= 10 }
            } else {
                for _ in 3..<digits { scaled /= 10 }
            }
            millis = scaled
        } else if bytes.count != 20 {
            return nil
        }
        let days = Self.days(fromCivil: year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        self.millisecondsSinceEpoch = seconds * 1000 + millis
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an ISO 8601 UTC timestamp, found \"\(text)\"")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }

    // Howard Hinnant's days-from-civil algorithms, proleptic Gregorian calendar.
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func days(fromCivil year0: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let year = month <= 2 ? year0 - 1 : year0
        let era = floorDiv(year, 400)
        let yoe = year - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

private func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
    a - floorDiv(a, b) * b
}

private func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
