// Error construction: each message says what was expected, what was found, and what to do.
extension ByteParser {
    /// An error with `code` and `message` located at byte `offset`.
    func fail(_ code: JSONSyntaxError.Code, _ message: String, at offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(code: code, message: message, location: location(at: offset))
    }

    /// The line and column of byte `offset`.
    func location(at offset: Int) -> SourceLocation {
        var tracker = lines
        return tracker.location(at: offset, in: bytes)
    }

    /// Checks that the literal `word` (true, false, null) is at `index` and moves past it.
    mutating func parseLiteral(_ word: StaticString, _ context: ValueContext) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw unexpectedValue(context) }
        let matches = word.withUTF8Buffer { expected in
            var offset = 0
            while offset < count, bytes[index + offset] == expected[offset] { offset += 1 }
            return offset == count
        }
        guard matches else { throw unexpectedValue(context) }
        index += count
    }

    /// Something other than a value where one was expected.
    func unexpectedValue(_ context: ValueContext) -> JSONSyntaxError {
        let found = describe(at: index)
        let expectation: String
        switch context {
        case .document: expectation = "expected a JSON value"
        case .arrayStart: expectation = "expected a value or ']'"
        case .afterComma: expectation = "expected a value after ','"
        case .afterColon: expectation = "expected a value after ':'"
        }
        guard index < bytes.count else {
            return fail(JSONSyntaxError.Code.syntax, "\(expectation); found end of input", at: index)
        }
        switch bytes[index] {
        case UInt8(ascii: "]") where context == .afterComma:
            return fail(JSONSyntaxError.Code.syntax, "\(expectation); found ']' (JSON does not allow trailing commas)", at: index)
        case UInt8(ascii: "+"), UInt8(ascii: "."):
            return fail(
                JSONSyntaxError.Code.invalidNumber,
                "\(expectation); found \(found) (a number starts with a digit or '-')",
                at: index)
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            let text = word(at: index)
            if text == "NaN" || text == "Infinity" { return nonFiniteLiteral(at: index) }
        case 0x80...0xFF:
            if ByteParser.wellFormedUTF8Length(bytes, at: index) == nil {
                return fail(
                    JSONSyntaxError.Code.invalidUTF8,
                    "invalid UTF-8 (byte 0x\(ByteParser.hexByte(bytes[index]))); save the document as UTF-8",
                    at: index)
            }
        default:
            break
        }
        return fail(JSONSyntaxError.Code.syntax, "\(expectation); found \(found)", at: index)
    }

    /// `NaN`, `Infinity` or `-Infinity`, which JavaScript has and JSON does not.
    func nonFiniteLiteral(at position: Int) -> JSONSyntaxError {
        let text =
            (bytes[position] == UInt8(ascii: "-") ? "-" : "") + word(at: bytes[position] == UInt8(ascii: "-") ? position + 1 : position)
        return fail(
            JSONSyntaxError.Code.invalidNumber,
            "'\(text)' is not a JSON number; JSON has no NaN or Infinity (use null or a string)",
            at: position)
    }

    /// Something other than a key where an object member should start.
    func unexpectedKey(afterComma: Bool) -> JSONSyntaxError {
        let expectation = afterComma ? "expected a string key after ','" : "expected a string key or '}'"
        var hint = ""
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "}") where afterComma: hint = " (JSON does not allow trailing commas)"
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
                hint = " (object keys must be in double quotes)"
            default: break
            }
        }
        return fail(JSONSyntaxError.Code.syntax, "\(expectation); found \(describe(at: index))\(hint)", at: index)
    }

    /// Something other than `,` or the closing bracket after an element or member.
    func unexpectedAfterMember(_ frame: Frame) -> JSONSyntaxError {
        let expectation =
            frame.isObject
            ? "expected ',' or '}' after an object member"
            : "expected ',' or ']' after an array element"
        guard index < bytes.count else {
            let opened = location(at: frame.start)
            let kind = frame.isObject ? "object" : "array"
            return fail(
                JSONSyntaxError.Code.syntax,
                "\(expectation); found end of input (the \(kind) opened at line \(opened.line), column \(opened.column) is not closed)",
                at: index)
        }
        return fail(JSONSyntaxError.Code.syntax, "\(expectation); found \(describe(at: index))", at: index)
    }

    /// A key seen twice in one object, located at the second.
    func duplicateKey(_ key: String, at position: Int, first: Int) -> JSONSyntaxError {
        let firstLocation = location(at: first)
        return fail(
            JSONSyntaxError.Code.duplicateKey,
            "duplicate key \(ByteParser.quoted(key)) (first defined on line \(firstLocation.line), column "
                + "\(firstLocation.column)); keys in an object must be unique",
            at: position)
    }

    /// A raw control character inside a string, at `index`.
    func controlCharacter(_ byte: UInt8) -> JSONSyntaxError {
        let escape: String
        switch byte {
        case 0x0A: escape = "\\n"
        case 0x0D: escape = "\\r"
        case 0x09: escape = "\\t"
        case 0x08: escape = "\\b"
        case 0x0C: escape = "\\f"
        default: escape = "\\u00\(ByteParser.hexByte(byte))"
        }
        return fail(
            JSONSyntaxError.Code.controlCharacterInString,
            "control character U+00\(ByteParser.hexByte(byte).uppercased()) in a string must be escaped; write \(escape)",
            at: index)
    }

    /// A string whose closing quote never comes, located at its opening quote.
    func unterminatedString(at quote: Int) -> JSONSyntaxError {
        fail(JSONSyntaxError.Code.unterminatedString, "the string starting here has no closing '\"'", at: quote)
    }

    /// A `\u` escape naming half of a surrogate pair on its own.
    func loneSurrogate(_ unit: UInt32, at position: Int) -> JSONSyntaxError {
        let hex = String(unit, radix: 16, uppercase: true)
        let message =
            (0xD800...0xDBFF).contains(unit)
            ? "'\\u\(hex)' is a high surrogate and must be followed by a low surrogate '\\uDC00'…'\\uDFFF'"
            : "'\\u\(hex)' is a low surrogate without a high surrogate before it"
        return fail(JSONSyntaxError.Code.invalidEscape, message, at: position)
    }

    /// A short description of what is at `position`, for "found …".
    func describe(at position: Int) -> String {
        guard position < bytes.count else { return "end of input" }
        let byte = bytes[position]
        switch byte {
        case 0x0A: return "a line break"
        case 0x0D: return "a carriage return"
        case 0x09: return "a tab"
        case 0x00..<0x20, 0x7F: return "control character U+00\(ByteParser.hexByte(byte).uppercased())"
        case UInt8(ascii: "'"): return "\"'\" (JSON strings use double quotes)"
        case UInt8(ascii: "/"), UInt8(ascii: "#"): return "'\(Character(Unicode.Scalar(byte)))' (JSON does not allow comments)"
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            return "'\(word(at: position))'"
        case 0x20..<0x80:
            return "'\(Character(Unicode.Scalar(byte)))'"
        default:
            guard let length = ByteParser.wellFormedUTF8Length(bytes, at: position) else {
                return "byte 0x\(ByteParser.hexByte(byte))"
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<position + length]), as: UTF8.self)
            let value = text.unicodeScalars.first.map { String($0.value, radix: 16, uppercase: true) } ?? "?"
            return "'\(text)' (U+\(String(repeating: "0", count: max(0, 4 - value.count)))\(value))"
        }
    }

    /// The run of letters, digits and underscores at `position`, at most 24 bytes, for messages.
    func word(at position: Int) -> String {
        var end = position
        while end < bytes.count, end - position < 24 {
            switch bytes[end] {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                end += 1
            default:
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
            }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
    }

    /// Two lowercase hex digits.
    static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
    }

    /// `key` as a JSON string literal, shortened if long, so odd keys stay readable in messages.
    static func quoted(_ key: String) -> String {
        var output: [UInt8] = []
        JSONValue.writeString(abbreviated(key), into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// `text` cut to 40 characters with an ellipsis.
    static func abbreviated(_ text: String) -> String {
        text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}
