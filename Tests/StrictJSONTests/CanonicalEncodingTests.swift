import StrictJSON
import Testing

@Suite struct CanonicalEncodingTests {
    @Test func keysAreSortedByUnicodeScalarsAtEveryLevel() {
        let value: JSONValue = ["é": 1, "b": ["z": 1, "a": 2], "B": 3, "": 4, "aa": 5, "a": 6]
        #expect(value.canonicalString() == #"{"":4,"B":3,"a":6,"aa":5,"b":{"a":2,"z":1},"é":1}"#)
    }

    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (1.0, "1"), (-42.0, "-42"), (1e15, "1000000000000000"),
        (9_007_199_254_740_992.0, "9007199254740992"), (-9_007_199_254_740_992.0, "-9007199254740992"),
        (18_014_398_509_481_984.0, "1.8014398509481984e+16"), (0.5, "0.5"), (0.1, "0.1"), (1e-7, "1e-07"),
        (Double.infinity, "null"), (Double.nan, "null"),
    ])
    func numbers(value: Double, text: String) {
        #expect(JSONValue.number(value).canonicalString() == text)
    }

    @Test func stringEscapes() {
        let value: JSONValue = .string("q\" b\\ s/ n\n r\r t\t b\u{8} f\u{C} nul\u{0} us\u{1F} del\u{7F} é😀")
        #expect(value.canonicalString() == #""q\" b\\ s/ n\n r\r t\t b\b f\f nul\u0000 us\u001f del\u007f é😀""#)
    }

    @Test func compactAndEmptyContainers() {
        let value: JSONValue = ["a": [], "b": [:], "c": [nil, true, false]]
        #expect(value.canonicalString() == #"{"a":[],"b":{},"c":[null,true,false]}"#)
    }

    @Test func prettyFormIsSortedAndIndented() {
        let value: JSONValue = ["b": [1, 2], "a": ["x": nil]]
        #expect(value.prettyString() == "{\n  \"a\": {\n    \"x\": null\n  },\n  \"b\": [\n    1,\n    2\n  ]\n}")
    }

    @Test func sameValueSameBytesWhateverTheInsertionOrder() throws {
        let first = try JSONValue(parsing: Array(#"{"x":1,"y":{"p":true,"q":[1,2]}}"#.utf8))
        let second = try JSONValue(parsing: Array(#"{"y":{"q":[1,2],"p":true},"x":1}"#.utf8))
        #expect(first.canonicalBytes() == second.canonicalBytes())
    }
}

@Suite struct JSONObjectTests {
    @Test(arguments: [3, 16, 17, 100])
    func laterDuplicatePairReplacesTheValueInPlace(count: Int) {
        var pairs = (0..<count).map { ("k\($0)", JSONValue.number(Double($0))) }
        pairs.append(("k1", "replaced"))
        let object = JSONObject(pairs)
        #expect(object.count == count)
        #expect(object.keys == (0..<count).map { "k\($0)" })
        #expect(object["k1"] == "replaced")
    }
}
