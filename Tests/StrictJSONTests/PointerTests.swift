import StrictJSON
import Testing

@Suite struct PointerTests {
    @Test(arguments: [
        ([] as [String], ""),
        ([""], "/"),
        (["steps", "0", "id"], "/steps/0/id"),
        (["a/b"], "/a~1b"),
        (["m~n"], "/m~0n"),
        (["~1"], "/~01"),
        (["/~", ""], "/~1~0/"),
        (["ü", " "], "/ü/ "),
    ])
    func escapesAndParses(tokens: [String], text: String) {
        #expect(JSONPointer(tokens: tokens).description == text)
        #expect(JSONPointer(parsing: text)?.tokens == tokens)
    }

    @Test(arguments: ["a", "steps/0", "/~", "/~2", "/a~", "#/a"])
    func rejectsMalformed(text: String) {
        #expect(JSONPointer(parsing: text) == nil)
    }

    @Test func appendingBuildsPaths() {
        let pointer = JSONPointer.root.appending("steps").appending(3).appending("a/b")
        #expect(pointer.description == "/steps/3/a~1b")
        #expect(pointer.tokens == ["steps", "3", "a/b"])
        #expect(JSONPointer.root.description == "")
    }

    /// RFC 6901 section 5.
    @Test(arguments: [
        ("/foo", ["bar", "baz"] as JSONValue),
        ("/foo/0", "bar"),
        ("/", 0),
        ("/a~1b", 1),
        ("/c%d", 2),
        ("/e^f", 3),
        ("/g|h", 4),
        ("/i\\j", 5),
        ("/k\"l", 6),
        ("/ ", 7),
        ("/m~0n", 8),
    ])
    func rfc6901Examples(text: String, expected: JSONValue) throws {
        let document = try JSONValue(
            parsing: Array(
                #"""
                {"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, "k\"l": 6, " ": 7, "m~n": 8}
                """#.utf8))
        let pointer = try #require(JSONPointer(parsing: text))
        #expect(document.value(at: pointer) == expected)
        #expect(document.value(at: .root) == document)
    }

    @Test(arguments: ["/foo/01", "/foo/-", "/foo/2", "/foo/-1", "/foo/+1", "/foo/ 1", "/foo/0/x", "/bar", "/foo/99999999999999999999"])
    func missingValues(text: String) throws {
        let document: JSONValue = ["foo": ["bar", "baz"]]
        #expect(document.value(at: try #require(JSONPointer(parsing: text))) == nil)
    }
}
