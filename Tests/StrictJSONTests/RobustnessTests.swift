import HistoryTesting
import StrictJSON
import Testing

/// A seeded stand-in for the libFuzzer run: mutated documents must never crash the parser, and
/// both entry points must agree on every input.
@Suite struct RobustnessTests {
    static let seeds: [String] = [
        #"{"name": "café", "steps": [{"id": "a", "retry": {"max": 3, "backoff": 1.5e2}}, null, true, false]}"#,
        #"["\u00e9\uD834\uDD1E\n", -0.0, 1e-7, [[], {}], {"a": {"b": {"c": [1, 2, 3]}}}]"#,
        "\u{FEFF}{\r\n  \"x\": \"日本\",\r\n  \"y\": [1, 2, 3]\r\n}",
    ]

    @Test(arguments: 0..<seeds.count)
    func mutatedDocumentsNeverCrash(seedIndex: Int) throws {
        var random = SeededRandom(seed: 0xF022 + UInt64(seedIndex))
        let original = Array(Self.seeds[seedIndex].utf8)
        let interesting: [UInt8] =
            Array("{}[],:\"\\/-+.0123456789eEtfnu \n\r\t".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xE2, 0xED, 0xF0, 0xF4, 0xFF]
        for round in 0..<3_000 {
            var bytes = original
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
                let byte =
                    random.next() % 2 == 0
                    ? interesting[Int(random.next() % UInt64(interesting.count))] : UInt8(truncatingIfNeeded: random.next())
                switch random.next() % 4 {
                case 0 where !bytes.isEmpty: bytes[position] = byte
                case 1: bytes.insert(byte, at: position)
                case 2 where !bytes.isEmpty: bytes.remove(at: position)
                default: bytes.removeLast(min(bytes.count, Int(random.next() % 8)))
                }
            }
            try check(bytes, round: round)
        }
    }

    @Test func randomBytesNeverCrash() throws {
        var random = SeededRandom(seed: 0xBADB17E5)
        for round in 0..<3_000 {
            let bytes = (0..<Int(random.next() % 40)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            try check(bytes, round: round)
        }
    }

    func check(_ bytes: [UInt8], round: Int) throws {
        let document: Result<JSONDocument, JSONSyntaxError> = Result { () throws(JSONSyntaxError) in try JSONParser.parse(bytes) }
        let fast: Result<JSONValue, JSONSyntaxError> = Result { () throws(JSONSyntaxError) in try JSONValue(parsing: bytes) }
        switch (document, fast) {
        case (.success(let document), .success(let value)):
            #expect(document.root == value, "round \(round)")
            #expect(try JSONValue(parsing: value.canonicalBytes()) == value.sortedRecursively, "round \(round)")
            #expect(document.location(of: .root) != nil)
        case (.failure(let error), .failure(let fastError)):
            #expect(error == fastError, "round \(round)")
            #expect(JSONSyntaxError.Code.all.contains(error.code), "round \(round): \(error)")
            #expect(error.location.offset >= 0 && error.location.offset <= bytes.count, "round \(round): \(error)")
            #expect(error.location.line >= 1 && error.location.column >= 1, "round \(round): \(error)")
            #expect(!error.message.isEmpty)
        default:
            Issue.record("round \(round): the two entry points disagree: \(document) vs \(fast)")
        }
    }

    @Test func largeInputsStayLinear() throws {
        // A wide object (dictionary-backed duplicate checks), a long escaped string, many numbers.
        let pairs = (0..<50_000).map { ("key\($0)", JSONValue.number(Double($0) + 0.25)) }
        let wide = JSONValue.object(JSONObject(pairs)).canonicalBytes()
        let parsed = try JSONParser.parse(wide)
        #expect(parsed.root.objectValue?.count == 50_000)
        #expect(parsed.root["key49999"] == 49_999.25)
        #expect(try JSONValue(parsing: wide) == parsed.root)

        let escaped = Array(("\"" + String(repeating: "\\n\\u00e9\\\"x", count: 100_000) + "\"").utf8)
        #expect(try JSONValue(parsing: escaped).stringValue?.unicodeScalars.count == 400_000)

        let longNumber = Array(("0." + String(repeating: "1", count: 1_000_000)).utf8)
        #expect(try JSONValue(parsing: longNumber).numberValue == Double("0." + String(repeating: "1", count: 40)))
    }
}
