import Testing
import Time

/// `Timestamp.writeISO8601(into:)` (the history writer's) gives exactly `iso8601` (a separate implementation).
@Suite struct TimestampWritingTests {
    static let milliseconds: [Int64] = [
        0, 1, 999, 1_000, -1, -1_000, -86_400_000, 951_782_400_000, 1_763_726_400_123, 1_798_761_599_999,
        253_402_300_799_999, -62_167_219_200_000, 4_102_444_800_000, 1_709_164_800_007,
    ]

    @Test(arguments: milliseconds)
    func writesWhatIso8601Says(value: Int64) {
        let timestamp = Timestamp(millisecondsSinceEpoch: value)
        var bytes: [UInt8] = Array("prefix".utf8)
        timestamp.writeISO8601(into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "prefix" + timestamp.iso8601)
    }

    @Test func agreesOverAYearOfSteps() {
        // Every 7,777,777 ms across 2024 (a leap year) and into 2025.
        var value: Int64 = 1_704_067_200_000
        while value < 1_740_000_000_000 {
            let timestamp = Timestamp(millisecondsSinceEpoch: value)
            var bytes: [UInt8] = []
            timestamp.writeISO8601(into: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == timestamp.iso8601)
            value += 7_777_777
        }
    }
}
