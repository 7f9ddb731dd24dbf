import StrictJSON
import Testing

@Suite struct RoundTripTests {
    @Test(arguments: 0..<4)
    func canonicalBytesParseBackToTheValue(batch: Int) throws {
        var generator = ValueGenerator(seed: 0x5EED_0000 + UInt64(batch))
        for index in 0..<100 {
            let value = generator.value(depth: 4)
            let bytes = value.canonicalBytes()
            let parsed = try JSONValue(parsing: bytes)
            #expect(parsed == value.sortedRecursively, "batch \(batch) value \(index): \(value.canonicalString())")
            #expect(parsed.canonicalBytes() == bytes)
            #expect(try JSONParser.parse(value.prettyString()).root == parsed)
        }
    }

    @Test func numbersRoundTripBitForBit() throws {
        var generator = ValueGenerator(seed: 7)
        for _ in 0..<5_000 {
            let number = generator.number()
            let parsed = try JSONValue(parsing: JSONValue.number(number).canonicalBytes())
            let back = try #require(parsed.numberValue)
            // -0 is written "0"; every other value keeps its exact bits.
            #expect(back == number && (number == 0 || back.bitPattern == number.bitPattern), "\(number)")
        }
    }
}
