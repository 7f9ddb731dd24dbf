/// Writes compact JSON straight to bytes, for hot paths that would otherwise build a ``JSONValue``
/// through `Codable` first (history records: one per event, several per activity).
///
/// The caller writes object keys in sorted order itself; the bytes are then exactly
/// ``JSONValue/foundationCompatibleBytes()`` of the value ``JSONValueEncoder`` would build, and it
/// refuses the same values that encoder refuses (integers beyond ±2^53, non-finite numbers).
public struct JSONWriter: ~Copyable {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8]
    /// The deepest nesting of arrays and objects so far, counted as ``JSONValue/nestingDepth`` counts.
    public private(set) var deepest = 0
    private var depth = 0
    private var needsComma = false

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// A writer that goes on after `bytes`, which it takes over; ``finish()`` gives them back with what was written.
    public init(appendingTo bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Takes the bytes out.
    public consuming func finish() -> [UInt8] { bytes }

    /// `{`
    public mutating func beginObject() {
        open(UInt8(ascii: "{"))
    }

    /// `}`
    public mutating func endObject() {
        close(UInt8(ascii: "}"))
    }

    /// `[`
    public mutating func beginArray() {
        open(UInt8(ascii: "["))
    }

    /// `]`
    public mutating func endArray() {
        close(UInt8(ascii: "]"))
    }

    /// A member's key and its colon, preceded by a comma unless it is the first. Keys must come in
    /// sorted (UTF-8 byte) order and need no escaping: they are the caller's literals.
    public mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A string value, escaped as Foundation's `JSONEncoder` escapes it.
    public mutating func string(_ value: String) {
        separate()
        JSONValue.writeString(value, into: &bytes, escapesDelete: false)
        needsComma = true
    }

    /// A string value whose bytes the caller has already produced and which needs no escaping.
    public mutating func unescapedString(_ write: (inout [UInt8]) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        write(&bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// An integer value.
    /// - Throws: ``JSONWriterError`` beyond ±2^53, which a JSON number (a Double) cannot hold exactly.
    public mutating func integer<T: BinaryInteger>(_ value: T) throws(JSONWriterError) {
        guard value >= -9_007_199_254_740_992, value <= 9_007_199_254_740_992 else {
            throw JSONWriterError.unwritableNumber("\(T.self) \(value) (beyond ±2^53)")
        }
        separate()
        Self.writeDecimal(Int64(value), into: &bytes)
        needsComma = true
    }

    /// A number value.
    /// - Throws: ``JSONWriterError`` for NaN and the infinities, which JSON cannot hold.
    public mutating func number(_ value: Double) throws(JSONWriterError) {
        guard value.isFinite else { throw JSONWriterError.unwritableNumber("the number \(value)") }
        separate()
        JSONValue.writeNumber(value, into: &bytes)
        needsComma = true
    }

    /// A ``JSONValue``, keys sorted.
    /// - Throws: ``JSONWriterError`` when it holds a non-finite number.
    public mutating func value(_ value: JSONValue) throws(JSONWriterError) {
        switch value {
        case .null:
            separate()
            bytes.append(contentsOf: [110, 117, 108, 108])
            needsComma = true
        case .bool(let flag):
            separate()
            bytes.append(contentsOf: flag ? [116, 114, 117, 101] : [102, 97, 108, 115, 101])
            needsComma = true
        case .number(let number):
            try self.number(number)
        case .string(let text):
            string(text)
        case .array(let elements):
            beginArray()
            for element in elements { try self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for member in object.sortedMembers {
                separate()
                JSONValue.writeString(member.key, into: &bytes, escapesDelete: false)
                bytes.append(UInt8(ascii: ":"))
                needsComma = false
                try self.value(member.value)
            }
            endObject()
        }
    }

    /// Appends the decimal digits of `value` (with a sign when negative).
    public static func writeDecimal(_ value: Int64, into output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // Digits come out last first: fill a small buffer from its end, then copy the used part.
        var digits = (UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &digits) { buffer in
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            output.append(contentsOf: buffer[start...])
        }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        depth += 1
        deepest = max(deepest, depth)
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        depth -= 1
        needsComma = true
    }
}
