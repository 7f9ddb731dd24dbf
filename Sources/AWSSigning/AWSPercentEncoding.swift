/// The percent encodings SigV4 and botocore use, over UTF-8 bytes.
public enum AWSPercentEncoding {
    /// RFC 3986: keep A-Z a-z 0-9 - _ . ~, everything else %XX uppercase over UTF-8 (SigV4 canonical query, presigned URLs).
    public static func rfc3986(_ text: String) -> String {
        encode(text, spaceAsPlus: false)
    }

    /// botocore's form body (Python `urlencode` / `quote_plus`): same as ``rfc3986(_:)``, but space -> "+".
    ///
    /// Joins `name=value` with `&` in the given order. The `+` matters beyond style: moto re-encodes
    /// the parsed form with Python's `urlencode` when it checks signatures, so `%20` would not match.
    public static func formBody(_ parameters: [(name: String, value: String)]) -> String {
        parameters.map { encode($0.name, spaceAsPlus: true) + "=" + encode($0.value, spaceAsPlus: true) }.joined(separator: "&")
    }

    /// Decodes %XX (and "+" as space when `plusAsSpace`); nil on malformed input.
    ///
    /// Malformed means a `%` not followed by two hex digits, or bytes that are not valid UTF-8.
    public static func decode(_ text: String, plusAsSpace: Bool) -> String? {
        let input = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < input.count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) else {
                    return nil
                }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(validating: output, as: UTF8.self)
    }

    /// Whether `byte` is an RFC 3986 unreserved character, the only bytes SigV4 leaves unescaped.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static func encode(_ text: String, spaceAsPlus: Bool) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                output.append(byte)
            } else if spaceAsPlus && byte == UInt8(ascii: " ") {
                output.append(UInt8(ascii: "+"))
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(upperHexDigits[Int(byte >> 4)])
                output.append(upperHexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    // SigV4 requires uppercase hex in escapes (Hex.encode is lowercase, for digests).
    private static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
