import StrictJSON
import Testing

/// Documents RFC 8259 accepts, in the spirit of JSONTestSuite's `y_` cases.
struct Accept: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var expected: JSONValue
    var testDescription: String { name }

    init(_ name: String, _ text: String, _ expected: JSONValue) {
        self.name = name
        bytes = Array(text.utf8)
        self.expected = expected
    }

    init(_ name: String, bytes: [UInt8], _ expected: JSONValue) {
        self.name = name
        self.bytes = bytes
        self.expected = expected
    }
}

@Suite struct AcceptTests {
    static let cases: [Accept] = [
        Accept("y_array_empty", "[]", []),
        Accept("y_object_empty", "{}", [:]),
        Accept("y_array_nested_empty", "[[],{}]", [[], [:]]),
        Accept("y_structure_lonely_true", "true", true),
        Accept("y_structure_lonely_false", "false", false),
        Accept("y_structure_lonely_null", "null", nil),
        Accept("y_structure_lonely_int", "42", 42),
        Accept("y_structure_lonely_string", "\"asd\"", "asd"),
        Accept("y_number_zero", "0", 0),
        Accept("y_number_minus_zero", "-0", .number(-0.0)),
        Accept("y_number_minus_zero_fraction", "-0.0", .number(-0.0)),
        Accept("y_number_simple_real", "123.456789", 123.456789),
        Accept("y_number_capital_E", "1E22", 1e22),
        Accept("y_number_capital_E_neg_exp", "1E-2", 0.01),
        Accept("y_number_capital_E_pos_exp", "1.5E+3", 1500),
        Accept("y_number_exponent_leading_zeros", "1e007", 1e7),
        Accept("y_number_real_fraction_exponent", "123.456e78", 123.456e78),
        Accept("y_number_negative_int", "-123", -123),
        Accept("y_number_very_big_int", "123456789012345678901234567890", 123456789012345678901234567890.0),
        Accept("y_number_underflow_to_zero", "1e-400", 0),
        Accept("y_number_max_double", "1.7976931348623157e308", .number(Double.greatestFiniteMagnitude)),
        Accept("y_number_min_subnormal", "5e-324", .number(Double.leastNonzeroMagnitude)),
        Accept("y_string_escapes", #""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"),
        Accept("y_string_u_escape", #""\u00e9\u00C9""#, "éÉ"),
        Accept("y_string_u_null", #""a\u0000b""#, "a\u{0}b"),
        Accept("y_string_surrogate_pair", #""\uD834\uDD1E""#, "𝄞"),
        Accept("y_string_last_surrogates", #""\uDBFF\uDFFF""#, "\u{10FFFF}"),
        Accept("y_string_noncharacter", #""\uFFFF""#, "\u{FFFF}"),
        Accept("y_string_raw_utf8", "\"café 日本 😀\"", "café 日本 😀"),
        Accept("y_string_raw_del", "\"\u{7F}\"", "\u{7F}"),
        Accept("y_string_escape_then_raw", #""a\nβ\tγ""#, "a\nβ\tγ"),
        Accept("y_object_empty_key", #"{"":0}"#, ["": 0]),
        Accept("y_object_nested", #"{"a":[1,{"b":null}],"c":"d"}"#, ["a": [1, ["b": nil]], "c": "d"]),
        Accept("y_whitespace_around", " \r\n\t[ 1 ,\n 2 ]\t\r\n ", [1, 2]),
        Accept("y_bom", bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8), [:]),
        Accept("y_bom_then_space", bytes: [0xEF, 0xBB, 0xBF] + Array(" 1".utf8), 1),
        Accept("y_array_heterogeneous", #"[null, 1, "1", {}, true, false, []]"#, [nil, 1, "1", [:], true, false, []]),
        Accept(
            "y_object_many_members", #"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14}"#,
            ["a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10, "k": 11, "l": 12, "m": 13, "n": 14]),
    ]

    @Test(arguments: cases)
    func accepts(_ accept: Accept) throws {
        let document = try JSONParser.parse(accept.bytes)
        #expect(document.root == accept.expected)
        #expect(try JSONValue(parsing: accept.bytes) == accept.expected)
        let noLocations = try JSONParser.parse(accept.bytes, options: .init(recordLocations: false))
        #expect(noLocations.root == accept.expected)
        #expect(noLocations.location(of: .root) == nil)
    }

    @Test func minusZeroKeepsItsSign() throws {
        let value = try JSONValue(parsing: Array("-0".utf8))
        #expect(value.numberValue?.sign == .minus)
    }

    @Test func memberOrderIsSourceOrder() throws {
        let value = try JSONValue(parsing: Array(#"{"b":1,"a":2,"c":3}"#.utf8))
        #expect(value.objectValue?.keys == ["b", "a", "c"])
    }

    @Test func stringInputMatchesBytes() throws {
        let text = "{\"k\": [\"ü\", 1.5]}"
        #expect(try JSONParser.parse(text).root == JSONParser.parse(Array(text.utf8)).root)
    }
}
