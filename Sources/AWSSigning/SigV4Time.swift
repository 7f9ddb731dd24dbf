/// A moment in UTC as SigV4 writes it.
///
/// Whole seconds only: SigV4 timestamps have no fraction, and a signer that rounded differently
/// from the clock reading would sign a different `X-Amz-Date` than the caller logged.
public struct SigV4Time: Sendable, Hashable {
    /// Seconds since 1970-01-01T00:00:00Z (negative before it), ignoring leap seconds as POSIX time does.
    public let secondsSince1970: Int64

    /// The civil date and time, split once at initialization so the string forms are cheap.
    private let year: Int64
    private let month: Int64
    private let day: Int64
    private let hour: Int64
    private let minute: Int64
    private let second: Int64

    /// The moment `secondsSince1970` seconds after the Unix epoch.
    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
        let (days, secondOfDay) = Self.floorDivide(secondsSince1970, by: 86_400)
        (year, month, day) = Self.civil(fromDays: days)
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
    }

    /// Parses `yyyyMMdd'T'HHmmss'Z'` (e.g. `20150830T123600Z`); nil unless every field is present and in range.
    public init?(amzDate: String) {
        let bytes = Array(amzDate.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        // No leap second (60): POSIX time cannot represent it, and AWS never sends one.
        guard (1...12).contains(month), (1...Self.daysInMonth(year: year, month: month)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        self.init(secondsSince1970: Self.days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
    }

    /// `yyyyMMdd'T'HHmmss'Z'`, e.g. `20260101T120000Z`: the `X-Amz-Date` value.
    public var amzDate: String {
        dateStamp + "T" + Self.padded(hour, 2) + Self.padded(minute, 2) + Self.padded(second, 2) + "Z"
    }

    /// `yyyyMMdd`, e.g. `20260101`: the date in the credential scope.
    public var dateStamp: String {
        Self.padded(year, 4) + Self.padded(month, 2) + Self.padded(day, 2)
    }

    /// Only the moment counts; the civil fields are derived from it.
    public static func == (lhs: SigV4Time, rhs: SigV4Time) -> Bool {
        lhs.secondsSince1970 == rhs.secondsSince1970
    }

    /// Hashes the moment, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(secondsSince1970)
    }

    // MARK: Calendar arithmetic (proleptic Gregorian, Howard Hinnant's civil-from-days algorithms)

    /// Quotient rounded toward negative infinity and the matching non-negative remainder, so times
    /// before 1970 land on the right day.
    private static func floorDivide(_ value: Int64, by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// Year, month (1…12) and day (1…31) of the day `days` after 1970-01-01.
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        // Shift the epoch to 0000-03-01 so leap days fall at the end of each year, then count 400-year eras.
        let shifted = days + 719_468
        let (era, dayOfEra) = floorDivide(shifted, by: 146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Days from 1970-01-01 to the given civil date (the inverse of ``civil(fromDays:)``).
    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let (era, yearOfEra) = floorDivide(marchYear, by: 400)
        let monthFromMarch = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `value` in decimal, left-padded with zeros to `width` digits (a sign, if any, comes first).
    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + zeros + digits
    }
}
