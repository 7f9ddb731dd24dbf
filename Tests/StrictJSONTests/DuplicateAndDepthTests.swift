import StrictJSON
import Testing

@Suite struct DuplicateKeyTests {
    static let text = """
        {
          "id": 1,
          "name": "a",
          "id": 2
        }
        """

    @Test func rejectedAtTheSecondKeyNamingTheFirstLine() {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Self.text) }
        #expect(error?.code == JSONSyntaxError.Code.duplicateKey)
        #expect(error?.location.line == 4)
        #expect(error?.location.column == 3)
        #expect(error?.message == #"duplicate key "id" (first defined on line 2, column 3); keys in an object must be unique"#)
    }

    @Test func allowedLastWinsInFirstPosition() throws {
        let parsed = try JSONParser.parse(Self.text, options: .init(allowDuplicateKeys: true))
        #expect(parsed.root.objectValue?.keys == ["id", "name"])
        #expect(parsed.root["id"] == 2)
        let id = JSONPointer.root.appending("id")
        #expect(
            parsed.location(of: id) == SourceLocation(line: 4, column: 9, offset: LocationTests.offset(line: 4, column: 9, in: Self.text)))
        #expect(
            parsed.keyLocation(of: id)
                == SourceLocation(line: 4, column: 3, offset: LocationTests.offset(line: 4, column: 3, in: Self.text)))
    }

    @Test(arguments: [5, 12, 13, 14, 100])
    func largeObjectsFindDuplicatesToo(memberCount: Int) throws {
        let members = (0..<memberCount).map { "\"k\($0)\": \($0)" }
        let duplicateOfFirst = "{" + (members + ["\"k0\": -1"]).joined(separator: ",\n") + "}"
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(duplicateOfFirst) }
        #expect(error?.code == JSONSyntaxError.Code.duplicateKey)
        #expect(error?.location.line == memberCount + 1)
        #expect(error?.message.contains("first defined on line 1, column 2") == true)

        let duplicateOfLast = "{" + (members + ["\"k\(memberCount - 1)\": -1", "\"z\": 0"]).joined(separator: ",") + "}"
        let lastError = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Array(duplicateOfLast.utf8)) }
        #expect(lastError?.code == JSONSyntaxError.Code.duplicateKey)

        let allowed = try JSONParser.parse(duplicateOfLast, options: .init(allowDuplicateKeys: true))
        #expect(allowed.root.objectValue?.count == memberCount + 1)
        #expect(allowed.root["k\(memberCount - 1)"] == -1)
        #expect(allowed.root.objectValue?.keys.last == "z")
    }

    @Test func sameKeyInSiblingAndNestedObjectsIsFine() throws {
        let value = try JSONValue(parsing: Array(#"{"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}"#.utf8))
        #expect(value["b"]?[1]?["a"] == 3)
    }
}

@Suite struct DepthTests {
    static func nestedArrays(_ depth: Int) -> [UInt8] {
        Array((String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)).utf8)
    }

    static func nestedObjects(_ depth: Int) -> [UInt8] {
        Array((String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)).utf8)
    }

    @Test(arguments: [63, 64])
    func atOrBelowTheLimitParses(depth: Int) throws {
        var arrays = try JSONParser.parse(Self.nestedArrays(depth)).root
        for _ in 0..<depth { arrays = try #require(arrays[0]) }
        #expect(arrays == 1)
        #expect(try JSONValue(parsing: Self.nestedObjects(depth)).value(at: JSONPointer(tokens: Array(repeating: "a", count: depth))) == 1)
    }

    @Test func oneDeeperThanTheLimitIsRejectedAtItsBracket() {
        let arrays = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Self.nestedArrays(65)) }
        #expect(arrays?.code == JSONSyntaxError.Code.tooDeep)
        #expect(arrays?.location == SourceLocation(line: 1, column: 65, offset: 64))
        let objects = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Self.nestedObjects(65)) }
        #expect(objects?.code == JSONSyntaxError.Code.tooDeep)
        #expect(objects?.location.column == 64 * 5 + 1)
    }

    @Test func customLimits() throws {
        #expect(try JSONValue(parsing: Array("1".utf8), maxDepth: 0) == 1)
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Array("[]".utf8), maxDepth: 0) }
        #expect(try JSONValue(parsing: Self.nestedArrays(200), maxDepth: 200) != nil)
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Self.nestedArrays(201), maxDepth: 200) }
    }

    @Test func hugeNestingWithNoLimitDoesNotOverflowTheStack() {
        // The parser keeps containers on a heap stack, so only memory bounds the depth it can read.
        let open = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        let error = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: open, maxDepth: Int.max) }
        #expect(error?.code == JSONSyntaxError.Code.syntax)
        #expect(error?.location.offset == 100_000)
    }
}
