import Foundation
import StrictJSON
import Testing

/// `JSONValueEncoder` followed by `foundationCompatibleBytes()` against Foundation's `JSONEncoder`
/// with `.sortedKeys` and `.withoutEscapingSlashes`: the two must write the same bytes.
@Suite struct ValueEncoderTests {
    static func foundationBytes(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func ourBytes(_ value: some Encodable) throws -> [UInt8] {
        try JSONValueEncoder().encode(value).foundationCompatibleBytes()
    }

    @Test func everyKindOfValueEncodesAsFoundationDoes() throws {
        let ours = try Self.ourBytes(Everything.sample)
        #expect(String(decoding: ours, as: UTF8.self) == String(decoding: try Self.foundationBytes(Everything.sample), as: UTF8.self))
        #expect(try JSONValueDecoder().decode(Everything.self, from: ours) == Everything.sample)
    }

    /// Strings with every character Foundation escapes or deliberately does not (`/`, DEL,
    /// U+2028), and keys whose order differs between byte order and case-insensitive or numeric
    /// order.
    @Test func stringsAndKeyOrderMatchFoundation() throws {
        let allControls = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) }))
        let strings = [
            allControls, "\u{7F} del", "a/b \\ \"q\"", "\u{2028}\u{2029}\u{FEFF}", "é e\u{301} 日本 😀", "",
        ]
        #expect(try Self.ourBytes(strings) == Self.foundationBytes(strings))
        let keys = [
            "Tags", "engine", "a10", "a9", "a", "B", "b", "A", "_x", "Zed", "ä", "é", "a01", "a1", "x-y", "x_y",
            "xY", "xy", "aB", "Ab", "ß", "ss", "１", "1", "0", "00", "k\u{7F}", "", " ", "ﬀ", "e\u{301}x",
        ]
        let dictionary = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        #expect(try Self.ourBytes(dictionary) == Self.foundationBytes(dictionary))
    }

    @Test func numbersMatchFoundation() throws {
        var numbers: [Double] = [
            0, 1, -1, 1.5, 0.1, 1e15, 1e16, 1e17, 1e20, 1e21, 1e22, 1e-5, 1e-7, .leastNonzeroMagnitude, 1.7976931348623157e308,
            -1e300, 0.000001, 100, 2.5e-3, 1234567.125, 9_007_199_254_740_992, 9_007_199_254_740_994,
            -9_007_199_254_740_994, 4_503_599_627_370_497.5, 123_456_789_012_345.6,
        ]
        var generator = ValueGenerator(seed: 0xF00D)
        for _ in 0..<2_000 { numbers.append(generator.number()) }
        // Typed Double -0 is Foundation's "-0" but a JSONValue's "0" (see below), so leave it out here.
        numbers.removeAll { $0 == 0 && $0.sign == .minus }
        #expect(try Self.ourBytes(numbers) == Self.foundationBytes(numbers))
        let integers: [Int64] = [0, 1, -1, 42, 9_007_199_254_740_992, -9_007_199_254_740_992, 1 << 40]
        #expect(try Self.ourBytes(integers) == Self.foundationBytes(integers))
    }

    /// JSON values of every shape, through `JSONValue`'s own `Encodable` conformance, which is how
    /// they reach Foundation's encoder in history records.
    @Test(arguments: 0..<4)
    func randomValuesMatchFoundation(batch: Int) throws {
        var generator = ValueGenerator(seed: 0xE4C0_0000 + UInt64(batch))
        for index in 0..<100 {
            let value: JSONValue = ["value": generator.value(depth: 4)]
            let ours = try Self.ourBytes(value)
            #expect(ours == (try Self.foundationBytes(value)), "batch \(batch) value \(index): \(value.canonicalString())")
            #expect(try JSONValue(parsing: ours) == value)
        }
    }

    /// The generic path, without the encoder's shortcut for `JSONValue`: a wrapper calls the
    /// value's `encode(to:)` with the encoder itself.
    @Test(arguments: 0..<2)
    func jsonValueEncodesThroughItsConformance(batch: Int) throws {
        struct Wrapper: Encodable {
            var value: JSONValue
            func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
        }
        var generator = ValueGenerator(seed: 0xE4C1_0000 + UInt64(batch))
        for _ in 0..<100 {
            let value = generator.value(depth: 4)
            #expect(try JSONValueEncoder().encode(Wrapper(value: value)) == value)
        }
    }

    @Test func nestedAndSuperContainers() throws {
        struct Hand: Encodable {
            enum Key: String, CodingKey { case a, nested, list, other }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(1, forKey: .a)
                var nested = container.nestedContainer(keyedBy: Key.self, forKey: .nested)
                try nested.encode("x", forKey: .a)
                var list = container.nestedUnkeyedContainer(forKey: .list)
                try list.encode(true)
                try list.encodeNil()
                var inner = list.nestedUnkeyedContainer()
                try inner.encode(2.5)
                var innerObject = list.nestedContainer(keyedBy: Key.self)
                try innerObject.encode("y", forKey: .a)
                var listSuper = list.superEncoder().singleValueContainer()
                try listSuper.encode("s")
                var superContainer = container.superEncoder().singleValueContainer()
                try superContainer.encode(3)
                var other = container.superEncoder(forKey: .other).container(keyedBy: Key.self)
                try other.encode(4, forKey: .a)
                // Reopening a nested container adds to it; encoding a key again replaces its value.
                var again = container.nestedContainer(keyedBy: Key.self, forKey: .nested)
                try again.encode("z", forKey: .other)
                try container.encode(5, forKey: .a)
            }
        }
        let expected = #"{"a":5,"list":[true,null,[2.5],{"a":"y"},"s"],"nested":{"a":"x","other":"z"},"other":{"a":4},"super":3}"#
        #expect(String(decoding: try Self.ourBytes(Hand()), as: UTF8.self) == expected)
        #expect(String(decoding: try Self.foundationBytes(Hand()), as: UTF8.self) == expected)
    }

    @Test func optionalsAreLeftOutAndNilIsNull() throws {
        struct Optionals: Encodable {
            var absent: Int?
            var present: Int? = 1
            var explicitNull: JSONValue? = .null
        }
        #expect(try Self.ourBytes(Optionals()) == Self.foundationBytes(Optionals()))
        #expect(try JSONValueEncoder().encode(Optionals()) == ["present": 1, "explicitNull": nil])
    }

    @Test func floatsKeepTheirShortestDecimal() throws {
        #expect(try JSONValueEncoder().encode(Float(0.1)) == 0.1)
        #expect(try Self.ourBytes([Float(0.1), 1.5, -2, 3.4028235e38]) == Self.foundationBytes([Float(0.1), 1.5, -2, 3.4028235e38]))
    }

    @Test func whatAJSONValueCannotHoldIsRefused() {
        let encoder = JSONValueEncoder()
        #expect(throws: EncodingError.self) { try encoder.encode(Double.nan) }
        #expect(throws: EncodingError.self) { try encoder.encode([Double.infinity]) }
        #expect(throws: EncodingError.self) { try encoder.encode(["x": Float.nan]) }
        #expect(throws: EncodingError.self) { try encoder.encode(JSONValue.array([.number(.nan)])) }
        #expect(throws: EncodingError.self) { try encoder.encode(Int64.max) }
        #expect(throws: EncodingError.self) { try encoder.encode(UInt64(9_007_199_254_740_993)) }
    }

    @Test func aNaNInsideAJSONValueIsReportedAtItsPath() throws {
        struct Holder: Encodable { var payload: JSONValue }
        let error = #expect(throws: EncodingError.self) {
            try JSONValueEncoder().encode(Holder(payload: ["list": [1, .number(.infinity)]]))
        }
        guard case .invalidValue(_, let context) = try #require(error) else { return }
        #expect(context.codingPath.map(\.stringValue) == ["payload", "list", "Index 1"])
    }

    @Test func aValueThatEncodesNothingIsAnEmptyObjectOrAnError() throws {
        struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }
        struct Holder: Encodable { var nothing = Nothing() }
        #expect(try JSONValueEncoder().encode(Holder()) == ["nothing": [:]])
        #expect(try Self.ourBytes(Holder()) == Self.foundationBytes(Holder()))
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode(Nothing()) }
    }

    /// Where canonical and Foundation spellings part: U+007F only.
    @Test func foundationSpellingDiffersFromCanonicalOnlyInDelete() {
        let value: JSONValue = ["k\u{7F}": "a\u{7F}/\u{1}"]
        #expect(value.canonicalString() == #"{"k\u007f":"a\u007f/\u0001"}"#)
        #expect(String(decoding: value.foundationCompatibleBytes(), as: UTF8.self) == "{\"k\u{7F}\":\"a\u{7F}/\\u0001\"}")
    }

    @Test func nestingDepthCountsContainers() {
        #expect(JSONValue.number(1).nestingDepth == 0)
        #expect(JSONValue.array([]).nestingDepth == 1)
        #expect(JSONValue.array([[1], [[["a": [:]]]]]).nestingDepth == 5)
    }
}
