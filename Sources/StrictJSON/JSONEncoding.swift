extension JSONValue {
    /// Canonical compact JSON: object keys sorted, no insignificant whitespace, integral numbers
    /// written without a fraction, non-ASCII written as UTF-8. The same value always gives the same
    /// bytes, so persisted and golden output never depends on order.
    public func canonicalBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        write(into: &output, pretty: false, indent: 0)
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
        switch self {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let value):
            output.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value):
            JSONValue.writeNumber(value, into: &output)
        case .string(let value):
            JSONValue.writeString(value, into: &output)
        case .array(let elements):
            if elements.isEmpty {
                output.append(contentsOf: "[]".utf8)
                return
            }
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                if pretty { JSONValue.newline(&output, indent + 1) }
                element.write(into: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { JSONValue.newline(&output, indent) }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                output.append(contentsOf: "{}".utf8)
                return
            }
            output.append(UInt8(ascii: "{"))
            for (position, member) in object.sortedMembers.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                if pretty { JSONValue.newline(&output, indent + 1) }
                JSONValue.writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                if pretty { output.append(UInt8(ascii: " ")) }
                member.value.write(into: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { JSONValue.newline(&output, indent) }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ output: inout [UInt8], _ indent: Int) {
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    /// Writes a number: integers in ±2^53 without a fraction; other finite values in Swift's
    /// shortest round-tripping form; non-finite values (not JSON) as `null`.
    public static func writeNumber(_ value: Double, into output: inout [UInt8]) {
        guard value.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        if let integer = exactInteger(value) {
            output.append(contentsOf: String(integer).utf8)
        } else {
            output.append(contentsOf: "\(value)".utf8)
        }
    }

    /// Writes a quoted, escaped string.
    public static func writeString(_ value: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): output.append(contentsOf: [92, 92])
            case 0x0A: output.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [92, UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [92, UInt8(ascii: "f")])
            case 0x00..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
