import StrictJSON
import Testing

/// Documents a strict parser must reject, in the spirit of JSONTestSuite's `n_` cases, each with
/// the stable code and the line and column the error must point at.
struct Reject: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var code: JSONSyntaxError.Code
    var line: Int
    var column: Int
    var testDescription: String { name }

    init(_ name: String, _ text: String, _ code: JSONSyntaxError.Code, _ line: Int, _ column: Int) {
        self.init(name, bytes: Array(text.utf8), code, line, column)
    }

    init(_ name: String, bytes: [UInt8], _ code: JSONSyntaxError.Code, _ line: Int, _ column: Int) {
        self.name = name
        self.bytes = bytes
        self.code = code
        self.line = line
        self.column = column
    }
}

private let syntax = JSONSyntaxError.Code.syntax
private let unterminated = JSONSyntaxError.Code.unterminatedString
private let escape = JSONSyntaxError.Code.invalidEscape
private let control = JSONSyntaxError.Code.controlCharacterInString
private let number = JSONSyntaxError.Code.invalidNumber
private let utf8 = JSONSyntaxError.Code.invalidUTF8
private let duplicate = JSONSyntaxError.Code.duplicateKey
private let tooDeep = JSONSyntaxError.Code.tooDeep
private let trailing = JSONSyntaxError.Code.trailingContent
private let empty = JSONSyntaxError.Code.emptyDocument

@Suite struct RejectTests {
    static let cases: [Reject] = [
        // json.syntax
        Reject("n_array_trailing_comma", "[1,]", syntax, 1, 4),
        Reject("n_object_trailing_comma", #"{"a":1,}"#, syntax, 1, 8),
        Reject("n_array_double_comma", "[1,,2]", syntax, 1, 4),
        Reject("n_array_leading_comma", "[,1]", syntax, 1, 2),
        Reject("n_array_missing_comma", "[1 2]", syntax, 1, 4),
        Reject("n_array_colon", "[1:2]", syntax, 1, 3),
        Reject("n_array_unclosed", "[1", syntax, 1, 3),
        Reject("n_array_unclosed_after_comma", "[1,", syntax, 1, 4),
        Reject("n_array_open_only", "[", syntax, 1, 2),
        Reject("n_object_unclosed", #"{"a":1"#, syntax, 1, 7),
        Reject("n_object_missing_colon", #"{"a" 1}"#, syntax, 1, 6),
        Reject("n_object_comma_for_colon", #"{"a",1}"#, syntax, 1, 5),
        Reject("n_object_missing_value", #"{"a":}"#, syntax, 1, 6),
        Reject("n_object_unquoted_key", "{a:1}", syntax, 1, 2),
        Reject("n_object_single_quoted_key", "{'a':1}", syntax, 1, 2),
        Reject("n_object_number_key", "{1:1}", syntax, 1, 2),
        Reject("n_string_single_quotes", "['a']", syntax, 1, 2),
        Reject("n_comment_block", "[1, /* c */ 2]", syntax, 1, 5),
        Reject("n_comment_hash", "# c\n1", syntax, 1, 1),
        Reject("n_literal_capital_true", "True", syntax, 1, 1),
        Reject("n_literal_truncated_true", "[tru]", syntax, 1, 2),
        Reject("n_literal_truncated_null_eof", "nul", syntax, 1, 1),
        Reject("n_literal_undefined", "[undefined]", syntax, 1, 2),
        Reject("n_bare_close_bracket", "]", syntax, 1, 1),
        Reject("n_non_ascii_value", "[é]", syntax, 1, 2),
        Reject("n_control_outside_string", "[\u{01}]", syntax, 1, 2),
        Reject("n_formfeed_is_not_whitespace", "[\u{0C}1]", syntax, 1, 2),
        Reject("n_nbsp_is_not_whitespace", "[\u{A0}1]", syntax, 1, 2),
        Reject("n_mismatched_close", "[1}", syntax, 1, 3),
        // json.unterminatedString
        Reject("n_string_no_close", "\"abc", unterminated, 1, 1),
        Reject("n_string_no_close_in_array", "[\"abc]", unterminated, 1, 2),
        Reject("n_string_backslash_at_end", "\"abc\\", unterminated, 1, 1),
        Reject("n_string_u_escape_at_end", "\"\\u12", unterminated, 1, 1),
        Reject("n_key_no_close", "{\"a", unterminated, 1, 2),
        // json.invalidEscape
        Reject("n_string_escape_x", #""\x41""#, escape, 1, 2),
        Reject("n_string_escape_single_quote", #""\'""#, escape, 1, 2),
        Reject("n_string_escape_a", #"["ok", "\a"]"#, escape, 1, 9),
        Reject("n_string_u_bad_hex", #""\u12G4""#, escape, 1, 2),
        Reject("n_string_u_uppercase_U", #""\U0041""#, escape, 1, 2),
        Reject("n_string_lone_high_surrogate", #""\uD800""#, escape, 1, 2),
        Reject("n_string_lone_low_surrogate", #""ab\uDC00""#, escape, 1, 4),
        Reject("n_string_high_then_non_low", #""\uD800\u0041""#, escape, 1, 2),
        Reject("n_string_high_then_text", #""\uD800abc""#, escape, 1, 2),
        Reject("n_string_two_high_surrogates", #""\uD800\uD800""#, escape, 1, 2),
        // json.controlCharacterInString
        Reject("n_string_raw_newline", "\"a\nb\"", control, 1, 3),
        Reject("n_string_raw_tab", "[\"a\tb\"]", control, 1, 4),
        Reject("n_string_raw_nul", bytes: [0x22, 0x00, 0x22], control, 1, 2),
        Reject("n_string_raw_unit_separator", bytes: [0x22, 0x61, 0x1F, 0x22], control, 1, 3),
        Reject("n_string_raw_control_after_escape", bytes: Array(#""\n"#.utf8) + [0x01, 0x22], control, 1, 4),
        // json.invalidNumber
        Reject("n_number_leading_zero", "01", number, 1, 1),
        Reject("n_number_negative_leading_zero", "[-01]", number, 1, 2),
        Reject("n_number_double_zero", "00", number, 1, 1),
        Reject("n_number_trailing_dot", "1.", number, 1, 1),
        Reject("n_number_dot_exponent", "2.e3", number, 1, 1),
        Reject("n_number_leading_dot", "[.5]", number, 1, 2),
        Reject("n_number_plus", "+1", number, 1, 1),
        Reject("n_number_minus_only", "[-]", number, 1, 2),
        Reject("n_number_minus_space", "- 1", number, 1, 1),
        Reject("n_number_exponent_empty", "1e", number, 1, 1),
        Reject("n_number_exponent_sign_only", "1e+", number, 1, 1),
        Reject("n_number_NaN", "NaN", number, 1, 1),
        Reject("n_number_Infinity", "[Infinity]", number, 1, 2),
        Reject("n_number_minus_Infinity", "-Infinity", number, 1, 1),
        Reject("n_number_overflow", "1e400", number, 1, 1),
        Reject("n_number_negative_overflow", #"{"x": -1e400}"#, number, 1, 7),
        Reject("n_number_huge_integer_overflow", String(repeating: "9", count: 400), number, 1, 1),
        // json.invalidUTF8
        Reject("n_utf8_invalid_byte_in_string", bytes: [0x22, 0xFF, 0x22], utf8, 1, 2),
        Reject("n_utf8_overlong_nul", bytes: [0x22, 0xC0, 0x80, 0x22], utf8, 1, 2),
        Reject("n_utf8_overlong_three_byte", bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22], utf8, 1, 2),
        Reject("n_utf8_encoded_surrogate", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], utf8, 1, 2),
        Reject("n_utf8_above_max", bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], utf8, 1, 2),
        Reject("n_utf8_truncated_sequence", bytes: [0x22, 0x61, 0xE2, 0x82, 0x22], utf8, 1, 3),
        Reject("n_utf8_truncated_at_end", bytes: [0x22, 0xE2, 0x82], utf8, 1, 2),
        Reject("n_utf8_lone_continuation", bytes: [0x80], utf8, 1, 1),
        Reject("n_utf8_invalid_value_start", bytes: [0x5B, 0xFF, 0x5D], utf8, 1, 2),
        Reject("n_utf8_after_escape", bytes: Array(#""\t"#.utf8) + [0xFE, 0x22], utf8, 1, 4),
        // json.duplicateKey
        Reject("n_object_duplicate_key", #"{"a":1,"a":2}"#, duplicate, 1, 8),
        Reject("n_object_duplicate_key_nested", #"[{"x":{"k":1,"j":2,"k":3}}]"#, duplicate, 1, 20),
        Reject("n_object_duplicate_key_by_escape", #"{"a":1,"\u0061":2}"#, duplicate, 1, 8),
        // json.tooDeep
        Reject("n_structure_65_arrays", String(repeating: "[", count: 65) + String(repeating: "]", count: 65), tooDeep, 1, 65),
        // json.trailingContent
        Reject("n_structure_two_values", "1 2", trailing, 1, 3),
        Reject("n_structure_extra_close", "[1]]", trailing, 1, 4),
        Reject("n_structure_object_then_garbage", "{} x", trailing, 1, 4),
        Reject("n_structure_two_strings", "\"a\" \"b\"", trailing, 1, 5),
        Reject("n_structure_trailing_comma", "null,", trailing, 1, 5),
        Reject("n_structure_line_comment_after", "[1] // c", trailing, 1, 5),
        Reject("n_number_hex", "0x10", trailing, 1, 2),
        Reject("n_structure_trailing_nul", bytes: [0x31, 0x00], trailing, 1, 2),
        // json.emptyDocument
        Reject("n_structure_empty", "", empty, 1, 1),
        Reject("n_structure_whitespace_only", " \n\t", empty, 2, 2),
        Reject("n_structure_bom_only", bytes: [0xEF, 0xBB, 0xBF], empty, 1, 1),
    ]

    @Test(arguments: cases)
    func rejects(_ reject: Reject) {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(reject.bytes) }
        #expect(error?.code == reject.code, "\(error?.description ?? "")")
        #expect(error?.location.line == reject.line, "\(error?.description ?? "")")
        #expect(error?.location.column == reject.column, "\(error?.description ?? "")")
        // The fast path reports the same error.
        let fast = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: reject.bytes) }
        #expect(fast == error)
    }

    @Test func everyCodeIsCovered() {
        var covered = Set(Self.cases.map(\.code))
        covered.insert(JSONSyntaxError.Code.tooLarge)  // needs an option; see tooLargeRespectsMaxBytes
        #expect(covered == Set(JSONSyntaxError.Code.all))
    }

    @Test func tooLargeRespectsMaxBytes() throws {
        let bytes = Array("[1, 2, 3]".utf8)
        let error = #expect(throws: JSONSyntaxError.self) {
            try JSONParser.parse(bytes, options: .init(maxBytes: 8))
        }
        #expect(error?.code == JSONSyntaxError.Code.tooLarge)
        #expect(error?.location == SourceLocation(line: 1, column: 9, offset: 8))
        #expect(error?.message.contains("limit is 8 bytes") == true)
        #expect(try JSONParser.parse(bytes, options: .init(maxBytes: 9)).root == [1, 2, 3])
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("[1, 2, 3]", options: .init(maxBytes: 8)) }
    }

    @Test func descriptionIsLineColumnCodeMessage() {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("{\n  \"a\" 1}") }
        #expect(error?.description == "2:7: json.syntax: expected ':' after the object key; found '1'")
    }

    @Test(arguments: [
        ("[1,]", "expected a value after ','; found ']' (JSON does not allow trailing commas)"),
        ("{\"a\":1,}", "expected a string key after ','; found '}' (JSON does not allow trailing commas)"),
        ("{a:1}", "expected a string key or '}'; found 'a' (object keys must be in double quotes)"),
        ("['a']", "expected a value or ']'; found \"'\" (JSON strings use double quotes)"),
        ("[1 x]", "expected ',' or ']' after an array element; found 'x'"),
        ("{\"a\":1 x}", "expected ',' or '}' after an object member; found 'x'"),
        ("[1, // c\n 2]", "expected a value after ','; found '/' (JSON does not allow comments)"),
        ("[\n[1", "expected ',' or ']' after an array element; found end of input (the array opened at line 2, column 1 is not closed)"),
        ("01", "numbers must not have leading zeros; found '01'"),
        ("NaN", "'NaN' is not a JSON number; JSON has no NaN or Infinity (use null or a string)"),
        ("-Infinity", "'-Infinity' is not a JSON number; JSON has no NaN or Infinity (use null or a string)"),
        ("1e400", "the number 1e400 is outside the range of a 64-bit floating-point number (about ±1.8e308); write it as a string"),
        ("\"\\uD800\"", "'\\uD800' is a high surrogate and must be followed by a low surrogate '\\uDC00'…'\\uDFFF'"),
        ("\"a\tb\"", "control character U+0009 in a string must be escaped; write \\t"),
        ("[é]", "expected a value or ']'; found 'é' (U+00E9)"),
        ("[😀]", "expected a value or ']'; found '😀' (U+1F600)"),
        ("1 2", "found '2' after the JSON value; a document holds exactly one value"),
    ])
    func messagesSayWhatToDo(text: String, message: String) {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        #expect(error?.message == message)
    }
}
