/// A length of time with millisecond precision, written in workflow files as `250ms`, `30s`, `5m`,
/// `2h`, `1d` or combinations such as `1h30m`.
public struct Interval: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The length in milliseconds.
    public var milliseconds: Int64

    /// An interval of `milliseconds`.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Zero length.
    public static let zero = Interval(milliseconds: 0)

    /// `count` milliseconds.
    public static func milliseconds(_ count: Int64) -> Interval { Interval(milliseconds: count) }
    /// `count` seconds.
    public static func seconds(_ count: Int64) -> Interval { Interval(milliseconds: count * 1000) }
    /// `count` minutes.
    public static func minutes(_ count: Int64) -> Interval { Interval(milliseconds: count * 60_000) }
    /// `count` hours.
    public static func hours(_ count: Int64) -> Interval { Interval(milliseconds: count * 3_600_000) }
    /// `count` days.
    public static func days(_ count: Int64) -> Interval { Interval(milliseconds: count * 86_400_000) }

    public static func < (lhs: Interval, rhs: Interval) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// Seconds as a floating-point number.
    public var seconds: Double { Double(milliseconds) / 1000 }

    /// The stdlib `Duration` of the same length.
    public var duration: Duration { .milliseconds(milliseconds) }

    /// The largest interval a workflow may name: one year, SWF's maximum for any timeout.
    public static let maximum = Interval.days(366)

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// Parses the workflow-file syntax; nil when the text is not a well-formed, positive-or-zero
    /// interval no longer than ``maximum``.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var index = 0
        var total: Int64 = 0
        var lastUnitRank = -1
        while index < bytes.count {
            var value: Int64 = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                value = value * 10 + Int64(bytes[index] - 48)
                digits += 1
                index += 1
                if digits > 12 { return nil }
            }
            guard digits > 0 else { return nil }
            var unitEnd = index
            while unitEnd < bytes.count, bytes[unitEnd] >= 97, bytes[unitEnd] <= 122 { unitEnd += 1 }
            let unit = String(decoding: bytes[index..<unitEnd], as: UTF8.self)
            // Units must appear largest first and at most once ("1h30m", not "30m1h").
            guard let rank = Self.units.firstIndex(where: { $0.suffix == unit }), rank > lastUnitRank else {
                return nil
            }
            lastUnitRank = rank
            total += value * Self.units[rank].milliseconds
            if total > Self.maximum.milliseconds { return nil }
            index = unitEnd
        }
        milliseconds = total
    }

    /// The canonical text form, e.g. `1h30m`, `250ms`, `0s`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var remaining = milliseconds
        var text = milliseconds < 0 ? "-" : ""
        remaining = Swift.abs(remaining)
        for unit in Self.units where remaining >= unit.milliseconds {
            text += "\(remaining / unit.milliseconds)\(unit.suffix)"
            remaining %= unit.milliseconds
        }
        return text
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Interval(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a duration such as \"30s\", found \"\(text)\"")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
