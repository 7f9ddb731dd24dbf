import Foundation
import StrictJSON
import Testing

/// A type using every scalar the coders support, optionals, nesting, arrays and dictionaries.
struct Everything: Codable, Equatable {
    enum Color: String, Codable { case red, green }
    struct Inner: Codable, Equatable {
        var name: String
        var tags: [String]
    }

    var bool: Bool
    var string: String
    var int: Int
    var int8: Int8
    var int16: Int16
    var int32: Int32
    var int64: Int64
    var uint: UInt
    var uint8: UInt8
    var uint16: UInt16
    var uint32: UInt32
    var uint64: UInt64
    var double: Double
    var float: Float
    var color: Color
    var optionalPresent: String?
    var optionalAbsent: Int?
    var inner: Inner
    var inners: [Inner]
    var matrix: [[Int]]
    var byName: [String: Double]
    var json: JSONValue
    var optionalJSON: JSONValue?

    static let sample = Everything(
        bool: true, string: "tab\t \"q\" é😀", int: -42, int8: -128, int16: 32_767, int32: -2_147_483_648,
        int64: 9_007_199_254_740_992, uint: 7, uint8: 255, uint16: 65_535, uint32: 4_294_967_295,
        uint64: 9_007_199_254_740_992, double: 0.1, float: 1.5, color: .green, optionalPresent: "here",
        optionalAbsent: nil, inner: Inner(name: "a", tags: ["x", "y"]),
        inners: [Inner(name: "b", tags: []), Inner(name: "c", tags: ["z"])], matrix: [[1, 2], [], [3]],
        byName: ["one": 1, "half": 0.5], json: ["k": [1, "two", nil, true]], optionalJSON: ["n": 1])
}

/// A type that decodes itself with every kind of container by hand.
struct HandDecoded: Decodable, Equatable {
    var first: Int
    var pair: [String]
    var nestedFlag: Bool
    var superValue: String
    var keyedSuper: Int
    var nulls: Int

    enum Key: String, CodingKey { case first, list, nested, flag, `super`, other }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        first = try container.decode(Int.self, forKey: .first)
        var list = try container.nestedUnkeyedContainer(forKey: .list)
        #expect(list.count == 4)
        var pair: [String] = []
        var nulls = 0
        while !list.isAtEnd {
            if try list.decodeNil() {
                nulls += 1
                continue
            }
            if pair.count == 2 {
                var inner = try list.nestedUnkeyedContainer()
                pair.append(try inner.decode(String.self))
                #expect(inner.isAtEnd)
            } else {
                pair.append(try list.decode(String.self))
            }
        }
        self.pair = pair
        self.nulls = nulls
        let nested = try container.nestedContainer(keyedBy: Key.self, forKey: .nested)
        nestedFlag = try nested.decode(Bool.self, forKey: .flag)
        superValue = try container.superDecoder().singleValueContainer().decode(String.self)
        keyedSuper = try container.superDecoder(forKey: .other).singleValueContainer().decode(Int.self)
    }
}

@Suite struct ValueDecoderTests {
    @Test func decodesEveryKindOfValueLikeFoundation() throws {
        let bytes = try JSONEncoder().encode(Everything.sample)
        let value = try JSONValue(parsing: Array(bytes))
        let decoded = try JSONValueDecoder().decode(Everything.self, from: value)
        #expect(decoded == Everything.sample)
        #expect(decoded == (try JSONDecoder().decode(Everything.self, from: bytes)))
        #expect(try JSONValueDecoder().decode(Everything.self, from: Array(bytes)) == Everything.sample)
    }

    @Test func decodesWithNestedAndSuperContainers() throws {
        let json = #"{"first":1,"list":["a",null,"b",["c"]],"nested":{"flag":true},"super":"s","other":5}"#
        let expected = try JSONDecoder().decode(HandDecoded.self, from: Data(json.utf8))
        let decoded = try JSONValueDecoder().decode(HandDecoded.self, from: Array(json.utf8))
        #expect(decoded == expected)
        #expect(decoded.first == 1 && decoded.pair == ["a", "b", "c"] && decoded.nestedFlag && decoded.nulls == 1)
        #expect(decoded.superValue == "s" && decoded.keyedSuper == 5)
    }

    @Test func missingAndNullOptionalsAreNil() throws {
        struct Optionals: Decodable, Equatable {
            var a: Int?
            var b: Int?
            var c: Int?
        }
        let decoded = try JSONValueDecoder().decode(Optionals.self, from: ["a": nil, "c": 3])
        #expect(decoded == Optionals(a: nil, b: nil, c: 3))
    }

    @Test func topLevelScalarsAndArrays() throws {
        let decoder = JSONValueDecoder()
        #expect(try decoder.decode(String.self, from: "x") == "x")
        #expect(try decoder.decode(Int.self, from: 12) == 12)
        #expect(try decoder.decode(Double?.self, from: nil) == nil)
        #expect(try decoder.decode([Int?].self, from: [1, nil]) == [1, nil])
        #expect(try decoder.decode(JSONValue.self, from: ["a": 1]) == ["a": 1])
    }

    /// A JSON value decoded through its own `Decodable` conformance (not the decoder's shortcut for
    /// `JSONValue`), which probes containers with `try?` and so depends on every mismatch throwing.
    @Test(arguments: 0..<3)
    func jsonValueDecodesThroughItsConformance(batch: Int) throws {
        struct Wrapper: Decodable {
            var value: JSONValue
            init(from decoder: any Decoder) throws { value = try JSONValue(from: decoder) }
        }
        var generator = ValueGenerator(seed: 0xDEC0_0000 + UInt64(batch))
        for index in 0..<100 {
            let value = generator.value(depth: 4)
            let decoded = try JSONValueDecoder().decode(Wrapper.self, from: value).value
            #expect(decoded == value, "batch \(batch) value \(index): \(value.canonicalString())")
        }
    }

    // MARK: Errors

    struct Leaf: Decodable {
        var c: Int
    }

    struct Branch: Decodable {
        var b: [Leaf]
    }

    /// Both decoders, on the same input: the same error case at the same coding path.
    static func sameError<T: Decodable>(_ type: T.Type, _ json: String) throws -> (ours: DecodingError, foundation: DecodingError) {
        let ours = #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(T.self, from: Array(json.utf8)) }
        let foundation = #expect(throws: DecodingError.self) { try JSONDecoder().decode(T.self, from: Data(json.utf8)) }
        return (try #require(ours), try #require(foundation))
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String { context.codingPath.map(\.stringValue).joined(separator: "/") }
        switch error {
        case .typeMismatch(let type, let context): return "typeMismatch(\(type)) at \(path(context))"
        case .valueNotFound(let type, let context): return "valueNotFound(\(type)) at \(path(context))"
        case .keyNotFound(let key, let context): return "keyNotFound(\(key.stringValue)) at \(path(context))"
        case .dataCorrupted(let context): return "dataCorrupted at \(path(context))"
        @unknown default: return "unknown"
        }
    }

    @Test(arguments: [
        (#"{"b":[{"c":1},{"c":"x"}]}"#, "typeMismatch(Int) at b/Index 1/c"),
        (#"{"b":[{"c":1},{}]}"#, "keyNotFound(c) at b/Index 1"),
        (#"{"b":[{"c":null}]}"#, "valueNotFound(Int) at b/Index 0/c"),
        (#"{"b":{"c":1}}"#, "typeMismatch(Array<JSONValue>) at b"),
        (#"{"b":[{"c":1.5}]}"#, "dataCorrupted at b/Index 0/c"),
    ])
    func errorsNameTheValueLikeFoundation(json: String, expected: String) throws {
        let (ours, foundation) = try Self.sameError(Branch.self, json)
        let oursText = Self.describe(ours)
        let foundationText = Self.describe(foundation)
        #expect(oursText == expected)
        // The same case; the same path, except that Foundation reports a number that does not fit
        // at the root (an empty path), where ours names the value.
        #expect(oursText.prefix(while: { $0 != "(" && $0 != " " }) == foundationText.prefix(while: { $0 != "(" && $0 != " " }))
        if !foundationText.hasSuffix(" at ") {
            #expect(oursText.components(separatedBy: " at ").last == foundationText.components(separatedBy: " at ").last)
        }
    }

    @Test func integersMustFitExactly() throws {
        let decoder = JSONValueDecoder()
        #expect(throws: DecodingError.self) { try decoder.decode(UInt8.self, from: 256) }
        #expect(throws: DecodingError.self) { try decoder.decode(Int8.self, from: -129) }
        #expect(throws: DecodingError.self) { try decoder.decode(UInt.self, from: -1) }
        #expect(throws: DecodingError.self) { try decoder.decode(Int.self, from: 0.5) }
        #expect(throws: DecodingError.self) { try decoder.decode(Float.self, from: 1e39) }
        // Beyond ±2^53 a Double cannot tell neighbouring integers apart: refused, never rounded.
        #expect(throws: DecodingError.self) { try decoder.decode(Int64.self, from: .number(9_007_199_254_740_994)) }
        #expect(try decoder.decode(Int64.self, from: .number(-9_007_199_254_740_992)) == -9_007_199_254_740_992)
        #expect(try decoder.decode(Float.self, from: 0.1) == Float(0.1))
    }

    @Test func wrongJSONTypesAreMismatches() {
        let decoder = JSONValueDecoder()
        #expect(throws: DecodingError.self) { try decoder.decode(Bool.self, from: 1) }
        #expect(throws: DecodingError.self) { try decoder.decode(Int.self, from: true) }
        #expect(throws: DecodingError.self) { try decoder.decode(String.self, from: 1) }
        #expect(throws: DecodingError.self) { try decoder.decode([Int].self, from: ["a": 1]) }
        #expect(throws: DecodingError.self) { try decoder.decode([String: Int].self, from: [1]) }
    }

    @Test func unkeyedContainerAtItsEndThrowsValueNotFound() throws {
        struct Two: Decodable {
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                _ = try container.decode(Int.self)
                _ = try container.decode(Int.self)
            }
        }
        let error = #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Two.self, from: [1]) }
        guard case .valueNotFound(_, let context) = try #require(error) else {
            Issue.record("expected valueNotFound, got \(String(describing: error))")
            return
        }
        #expect(context.codingPath.map(\.intValue) == [1])
    }

    @Test func syntaxErrorsAreJSONSyntaxErrors() {
        #expect(throws: JSONSyntaxError.self) { try JSONValueDecoder().decode(Int.self, from: Array("[1,]".utf8)) }
    }
}
