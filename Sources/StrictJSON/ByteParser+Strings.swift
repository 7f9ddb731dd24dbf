extension ByteParser {
    /// Parses a string starting at its opening quote and leaves `index` after the closing quote.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let quote = index
        index += 1
        let contentStart = index
        // Fast path: no escapes, so the bytes between the quotes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Byte.quote {
                let content = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
                index += 1
                return String(decoding: content, as: UTF8.self)
            }
            if byte == Byte.backslash { break }
            if byte < 0x20 { throw controlCharacter(byte) }
            index += byte < 0x80 ? 1 : try utf8SequenceLength(at: index)
        }
        guard index < bytes.count else { throw unterminatedString(at: quote) }

        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: bytes[contentStart..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                try decodeEscape(stringStart: quote)
            } else if byte < 0x20 {
                throw controlCharacter(byte)
            } else if byte < 0x80 {
                scratch.append(byte)
                index += 1
            } else {
                let length = try utf8SequenceLength(at: index)
                scratch.append(contentsOf: bytes[index..<index + length])
                index += length
            }
        }
        throw unterminatedString(at: quote)
    }

    /// Decodes the escape at `index` (a backslash) into `scratch`.
    private mutating func decodeEscape(stringStart: Int) throws(JSONSyntaxError) {
        let escapeStart = index
        guard index + 1 < bytes.count else { throw unterminatedString(at: stringStart) }
        let decoded: UInt8
        switch bytes[index + 1] {
        case UInt8(ascii: "\""): decoded = 0x22
        case UInt8(ascii: "\\"): decoded = 0x5C
        case UInt8(ascii: "/"): decoded = 0x2F
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"):
            try decodeUnicodeEscape(stringStart: stringStart)
            return
        default:
            throw fail(
                JSONSyntaxError.Code.invalidEscape,
                "invalid escape '\\' followed by \(describe(at: index + 1)); "
                    + "use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                at: escapeStart)
        }
        scratch.append(decoded)
        index += 2
    }

    /// Decodes `\uXXXX`, or a `\uD8xx\uDCxx` surrogate pair, into UTF-8 in `scratch`.
    private mutating func decodeUnicodeEscape(stringStart: Int) throws(JSONSyntaxError) {
        let escapeStart = index
        let unit = try readHexUnit(at: index + 2, stringStart: stringStart)
        index += 6
        var scalarValue = unit
        switch unit {
        case 0xD800...0xDBFF:
            let lowFollows = index + 1 < bytes.count && bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u")
            guard lowFollows else { throw loneSurrogate(unit, at: escapeStart) }
            let low = try readHexUnit(at: index + 2, stringStart: stringStart)
            guard (0xDC00...0xDFFF).contains(low) else { throw loneSurrogate(unit, at: escapeStart) }
            index += 6
            scalarValue = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        case 0xDC00...0xDFFF:
            throw loneSurrogate(unit, at: escapeStart)
        default:
            break
        }
        appendUTF8(scalarValue)
    }

    /// Appends the UTF-8 form of a scalar value (never a surrogate: those are rejected above).
    private mutating func appendUTF8(_ value: UInt32) {
        switch value {
        case 0..<0x80:
            scratch.append(UInt8(value))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | value >> 6))
            scratch.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | value >> 12))
            scratch.append(UInt8(0x80 | (value >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | value & 0x3F))
        default:
            scratch.append(UInt8(truncatingIfNeeded: 0xF0 | value >> 18))
            scratch.append(UInt8(0x80 | (value >> 12) & 0x3F))
            scratch.append(UInt8(0x80 | (value >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | value & 0x3F))
        }
    }

    /// Reads the four hex digits at `position`.
    private func readHexUnit(at position: Int, stringStart: Int) throws(JSONSyntaxError) -> UInt32 {
        var unit: UInt32 = 0
        for digitPosition in position..<position + 4 {
            guard digitPosition < bytes.count else { throw unterminatedString(at: stringStart) }
            let byte = bytes[digitPosition]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                throw fail(
                    JSONSyntaxError.Code.invalidEscape,
                    "'\\u' must be followed by four hex digits; found \(describe(at: digitPosition))",
                    at: position - 2)
            }
            unit = unit << 4 | UInt32(digit)
        }
        return unit
    }

    /// The length of the well-formed UTF-8 sequence at `position` (Unicode Table 3-7: no overlong
    /// forms, no surrogates, nothing above U+10FFFF).
    /// - Throws: `json.invalidUTF8` located at the sequence's first byte.
    func utf8SequenceLength(at position: Int) throws(JSONSyntaxError) -> Int {
        guard let length = ByteParser.wellFormedUTF8Length(bytes, at: position) else {
            throw fail(
                JSONSyntaxError.Code.invalidUTF8,
                "invalid UTF-8 (byte 0x\(ByteParser.hexByte(bytes[position]))); save the document as UTF-8",
                at: position)
        }
        return length
    }

    /// The length of the well-formed UTF-8 sequence at `position`, or nil.
    static func wellFormedUTF8Length(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Int? {
        let first = bytes[position]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return nil
        }
        guard position + length <= bytes.count, secondRange.contains(bytes[position + 1]) else { return nil }
        for continuation in position + 2..<position + length where bytes[continuation] & 0xC0 != 0x80 {
            return nil
        }
        return length
    }
}
