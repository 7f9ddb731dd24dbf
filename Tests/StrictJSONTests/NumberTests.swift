import HistoryTesting
import StrictJSON
import Testing

@Suite struct NumberTests {
    @Test(arguments: [
        "0.1", "0.2", "0.3", "-0.1", "1.5", "3.141592653589793", "2.718281828459045", "1e22", "1e23", "1e-22", "1e-23",
        "9007199254740992", "9007199254740993", "9007199254740995", "18446744073709551615", "18446744073709551616",
        "1234567890123456789", "12345678901234567890", "0.000001", "1.7976931348623157e308", "2.2250738585072014e-308",
        "4.9406564584124654e-324", "2.4703282292062327e-324", "123.456e-7", "-0", "0e1000000", "1E+2", "100e-2",
        "0.1e1", "7.0e-10", "8.41e21", "4.35e-23",
    ])
    func matchesDoubleFromString(text: String) throws {
        let expected = try #require(Double(text))
        let parsed = try #require(try JSONValue(parsing: Array(text.utf8)).numberValue)
        #expect(parsed.bitPattern == expected.bitPattern, "\(text): \(parsed) vs \(expected)")
    }

    @Test func randomDecimalTextMatchesDoubleFromString() throws {
        var random = SeededRandom(seed: 0xD1617)
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(random.next() % 10)) })
        }
        for _ in 0..<20_000 {
            var text = random.next() % 2 == 0 ? "-" : ""
            let integer = digits(1 + Int(random.next() % 20)).drop { $0 == "0" }
            text += integer.isEmpty ? "0" : String(integer)
            if random.next() % 2 == 0 { text += "." + digits(1 + Int(random.next() % 20)) }
            if random.next() % 3 == 0 { text += "e" + (random.next() % 2 == 0 ? "-" : "") + String(random.next() % 40) }
            let expected = try #require(Double(text))
            let parsed = try #require(try JSONValue(parsing: Array(text.utf8)).numberValue)
            #expect(parsed.bitPattern == expected.bitPattern, "\(text)")
        }
    }

    @Test func integersNearTheExactLimit() throws {
        for integer: Int64 in [0, 1, -1, 999_999_999_999_999, 9_007_199_254_740_991, -9_007_199_254_740_992] {
            let parsed = try JSONValue(parsing: Array(String(integer).utf8))
            #expect(parsed.integerValue == integer)
        }
    }
}
