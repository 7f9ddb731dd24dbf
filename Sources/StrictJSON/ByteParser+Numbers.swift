extension ByteParser {
    /// Parses a number (RFC 8259 grammar) starting at `index`. Short numbers are converted exactly
    /// with integer arithmetic; the rest go through `Double(String)`, which rounds correctly, so
    /// `0.1` reads back as the same Double Swift prints.
    mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < bytes.count, ByteParser.isDigit(bytes[index]) else {
            if negative, word(at: index) == "Infinity" { throw nonFiniteLiteral(at: start) }
            throw fail(
                JSONSyntaxError.Code.invalidNumber,
                "expected a digit after '-'; found \(describe(at: index))",
                at: start)
        }

        // Up to 19 significant digits fit in a UInt64 without overflow.
        var mantissa: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, ByteParser.isDigit(bytes[index]) {
                throw fail(
                    JSONSyntaxError.Code.invalidNumber,
                    "numbers must not have leading zeros; found '\(numberText(from: start))'",
                    at: start)
            }
        } else {
            while index < bytes.count, ByteParser.isDigit(bytes[index]) {
                ByteParser.accumulate(bytes[index], into: &mantissa, count: &digitCount)
                index += 1
            }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, ByteParser.isDigit(bytes[index]) else {
                throw fail(
                    JSONSyntaxError.Code.invalidNumber,
                    "expected a digit after the decimal point; found \(describe(at: index))",
                    at: start)
            }
            while index < bytes.count, ByteParser.isDigit(bytes[index]) {
                ByteParser.accumulate(bytes[index], into: &mantissa, count: &digitCount)
                fractionDigits += 1
                index += 1
            }
        }
        var exponent = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < bytes.count, ByteParser.isDigit(bytes[index]) else {
                throw fail(
                    JSONSyntaxError.Code.invalidNumber,
                    "expected a digit in the exponent; found \(describe(at: index))",
                    at: start)
            }
            while index < bytes.count, ByteParser.isDigit(bytes[index]) {
                // Saturate: beyond this every Double is 0 or infinite anyway; only the fast path reads it.
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                index += 1
            }
            if exponentNegative { exponent = -exponent }
        }

        // Exact fast path: both operands are exact Doubles, so one IEEE operation rounds once.
        let scale = exponent - fractionDigits
        if digitCount <= 19, mantissa <= 1 << 53, (-22...22).contains(scale) {
            var value = Double(mantissa)
            if scale > 0 {
                value *= ByteParser.powersOfTen[scale]
            } else if scale < 0 {
                value /= ByteParser.powersOfTen[-scale]
            }
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw fail(
                JSONSyntaxError.Code.invalidNumber,
                "the number \(ByteParser.abbreviated(text)) is outside the range of a 64-bit floating-point "
                    + "number (about ±1.8e308); write it as a string",
                at: start)
        }
        return value
    }

    /// Adds a decimal digit to the mantissa while it has room, counting every digit seen.
    /// Static, like `isDigit`: as a method it would copy the whole parser for every digit in debug builds.
    private static func accumulate(_ digit: UInt8, into mantissa: inout UInt64, count: inout Int) {
        if count < 19 { mantissa = mantissa * 10 + UInt64(digit &- 0x30) }
        count += 1
    }

    /// Whether `byte` is an ASCII digit (0x30 is "0", 0x39 is "9").
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }

    /// The number-like text from `position` (at most 40 bytes), to quote in messages.
    private func numberText(from position: Int) -> String {
        var end = position
        while end < bytes.count, end - position < 40 {
            switch bytes[end] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                UInt8(ascii: "+"), UInt8(ascii: "-"):
                end += 1
            default:
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
            }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
    }

    /// 10^0 … 10^22, every one exactly representable as a Double.
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}
