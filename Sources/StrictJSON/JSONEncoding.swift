extension JSONValue {
    /// Canonical compact JSON: object keys sorted, no insignificant whitespace, integral numbers
    /// written without a fraction, non-ASCII written as UTF-8. The same value always gives the same
    /// bytes, so persisted and golden output never depends on order.
    public func canonicalBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(into: &output, pretty: false, indent: 0)
        return output
    }

    /// Compact JSON spelled exactly as Foundation's `JSONEncoder` with `[.sortedKeys,
    /// .withoutEscapingSlashes]` spells this value (swift-foundation sorts keys by their UTF-8
    /// bytes, which is the Unicode scalar order used here). It differs from ``canonicalBytes()``
    /// only in writing U+007F (DEL) as is rather than as `\u007f`. Use it where bytes written by
    /// `JSONEncoder` before must stay identical, such as history records.
    public func foundationCompatibleBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(into: &output, pretty: false, indent: 0, escapesDelete: false)
        return output
    }

    /// ``canonicalBytes()`` as a string.
    public func canonicalString() -> String {
        String(decoding: canonicalBytes(), as: UTF8.self)
    }

    /// Sorted keys with two-space indentation, for people.
    public func prettyString() -> String {
        var output: [UInt8] = []
        write(into: &output, pretty: true, indent: 0)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the canonical (or pretty) encoding to `output`.
    public func write(into output: inout [UInt8], pretty: Bool = false, indent: Int = 0) {
        write(into: &output, pretty: pretty, indent: indent, escapesDelete: true)
    }

    /// Appends the encoding to `output`; `escapesDelete` chooses the canonical spelling of U+007F.
    func write(into output: inout [UInt8], pretty: Bool, indent: Int, escapesDelete: Bool) {
        switch self {
        case .null:
            JSONValue.append("null", to: &output)
        case .bool(let value):
            JSONValue.append(value ? "true" : "false", to: &output)
        case .number(let value):
            JSONValue.writeNumber(value, into: &output)
        case .string(let value):
            JSONValue.writeString(value, into: &output, escapesDelete: escapesDelete)
        case .array(let elements):
            if elements.isEmpty {
                JSONValue.append("[]", to: &output)
                return
            }
            output.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                if pretty { JSONValue.newline(&output, indent + 1) }
                element.write(into: &output, pretty: pretty, indent: indent + 1, escapesDelete: escapesDelete)
            }
            if pretty { JSONValue.newline(&output, indent) }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                JSONValue.append("{}", to: &output)
                return
            }
            output.append(UInt8(ascii: "{"))
            var first = true
            for member in object.sortedMembers {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                if pretty { JSONValue.newline(&output, indent + 1) }
                JSONValue.writeString(member.key, into: &output, escapesDelete: escapesDelete)
                output.append(UInt8(ascii: ":"))
                if pretty { output.append(UInt8(ascii: " ")) }
                member.value.write(into: &output, pretty: pretty, indent: indent + 1, escapesDelete: escapesDelete)
            }
            if pretty { JSONValue.newline(&output, indent) }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Appends the UTF-8 bytes of `text` in one copy.
    private static func append(_ text: StaticString, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func newline(_ output: inout [UInt8], _ indent: Int) {
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    /// Writes a number: integers in ±2^53 without a fraction; other finite values in Swift's
    /// shortest round-tripping form; non-finite values (not JSON) as `null`.
    public static func writeNumber(_ value: Double, into output: inout [UInt8]) {
        guard value.isFinite else {
            append("null", to: &output)
            return
        }
        var text = exactInteger(value).map { String($0) } ?? "\(value)"
        text.withUTF8 { output.append(contentsOf: $0) }
    }

    /// Writes a quoted, escaped string.
    public static func writeString(_ value: String, into output: inout [UInt8]) {
        writeString(value, into: &output, escapesDelete: true)
    }

    /// Writes a quoted string, escaping `"`, `\\` and U+0000–U+001F, and U+007F when `escapesDelete`.
    static func writeString(_ value: String, into output: inout [UInt8], escapesDelete: Bool) {
        output.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Copy runs of bytes that need no escape in one piece.
            var runStart = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                if byte >= 0x20, byte != 0x22, byte != 0x5C, byte != 0x7F || !escapesDelete {
                    index += 1
                    continue
                }
                if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                switch byte {
                case 0x22: output.append(contentsOf: [0x5C, 0x22])
                case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                default: writeUnicodeEscape(byte, into: &output)
                }
                index += 1
                runStart = index
            }
            if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Writes `\u00XX` (lowercase hex) for an ASCII byte.
    private static func writeUnicodeEscape(_ byte: UInt8, into output: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        output.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
    }
}
