import StrictJSON
import Testing

@Suite struct LocationTests {
    static let document = """
        {
          "name": "café",
          "steps": [
            {"id": "ß", "run": true},
            {"id": "日本", "n": -1.5e3}
          ]
        }
        """

    /// The byte offset of a 1-based line and scalar column, computed independently of the parser.
    static func offset(line: Int, column: Int, in text: String) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let before = lines.prefix(line - 1).reduce(0) { $0 + $1.utf8.count + 1 }
        return before + String(String.UnicodeScalarView(lines[line - 1].unicodeScalars.prefix(column - 1))).utf8.count
    }

    @Test(arguments: [
        ("", 1, 1),
        ("/name", 2, 11),
        ("/steps", 3, 12),
        ("/steps/0", 4, 5),
        ("/steps/0/id", 4, 12),
        ("/steps/0/run", 4, 24),
        ("/steps/1", 5, 5),
        ("/steps/1/id", 5, 12),
        ("/steps/1/n", 5, 23),
    ])
    func valueLocations(pointer: String, line: Int, column: Int) throws {
        let parsed = try JSONParser.parse(Self.document)
        let path = try #require(JSONPointer(parsing: pointer))
        let location = try #require(parsed.location(of: path))
        #expect(location == SourceLocation(line: line, column: column, offset: Self.offset(line: line, column: column, in: Self.document)))
    }

    @Test(arguments: [
        ("/name", 2, 3),
        ("/steps", 3, 3),
        ("/steps/0/id", 4, 6),
        ("/steps/0/run", 4, 17),
        ("/steps/1/n", 5, 18),
    ])
    func keyLocations(pointer: String, line: Int, column: Int) throws {
        let parsed = try JSONParser.parse(Self.document)
        let path = try #require(JSONPointer(parsing: pointer))
        let location = try #require(parsed.keyLocation(of: path))
        #expect(location == SourceLocation(line: line, column: column, offset: Self.offset(line: line, column: column, in: Self.document)))
    }

    @Test(arguments: ["", "/steps/0", "/missing", "/steps/2", "/steps/x", "/name/0", "/steps/01"])
    func noKeyLocationOrMissing(pointer: String) throws {
        let parsed = try JSONParser.parse(Self.document)
        let path = try #require(JSONPointer(parsing: pointer))
        #expect(parsed.keyLocation(of: path) == nil)
        if parsed.root.value(at: path) == nil { #expect(parsed.location(of: path) == nil) }
    }

    @Test func errorAfterNonASCIIOnEarlierLinesAndSameLine() {
        let text = "{\n  \"città\": \"Zürich\",\n  \"ü\": [\"ß\", 2,, 3]\n}"
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        #expect(error?.code == JSONSyntaxError.Code.syntax)
        #expect(error?.location == SourceLocation(line: 3, column: 16, offset: Self.offset(line: 3, column: 16, in: text)))
        #expect(error?.description.hasPrefix("3:16: json.syntax: ") == true)
    }

    @Test func errorInFourByteCharacterLine() {
        let text = "[\"😀😀\", tru]"
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        // Each emoji is one column and four bytes.
        #expect(error?.location == SourceLocation(line: 1, column: 8, offset: 13))
    }

    @Test func carriageReturnLineEnds() {
        let crlf = "{\r\n  \"a\": x\r\n}"
        let crlfError = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(crlf) }
        #expect(crlfError?.location == SourceLocation(line: 2, column: 8, offset: 10))
        let lone = "[1,\r\r 2,\r x]"
        let loneError = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(lone) }
        #expect(loneError?.location == SourceLocation(line: 4, column: 2, offset: 10))
    }

    @Test func byteOrderMarkIsNotAColumnButIsAnOffset() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("[x]".utf8)
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
        #expect(error?.location == SourceLocation(line: 1, column: 2, offset: 4))
        let parsed = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8))
        #expect(parsed.location(of: JSONPointer.root.appending(0)) == SourceLocation(line: 1, column: 2, offset: 4))
    }

    @Test func unterminatedStringPointsAtItsOpeningQuote() {
        let text = "{\n  \"a\": \"never closed\n}"
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        // The raw line break is met first, and reported where it is.
        #expect(error?.code == JSONSyntaxError.Code.controlCharacterInString)
        #expect(error?.location.line == 2)
        #expect(error?.location.column == 21)
        let eof = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("[\n  \"abc") }
        #expect(eof?.code == JSONSyntaxError.Code.unterminatedString)
        #expect(eof?.location == SourceLocation(line: 2, column: 3, offset: 4))
    }

    @Test func longSingleLineStaysLinear() throws {
        // 200,000 elements on one line: a tracker that rescanned the line per value would take minutes.
        let count = 200_000
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for index in 0..<count {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: "\"é\"".utf8)
        }
        bytes.append(UInt8(ascii: "]"))
        let parsed = try JSONParser.parse(bytes)
        let last = try #require(parsed.location(of: JSONPointer.root.appending(count - 1)))
        #expect(last.line == 1)
        #expect(last.column == 2 + (count - 1) * 4)
        #expect(last.offset == 1 + (count - 1) * 5)
    }
}
