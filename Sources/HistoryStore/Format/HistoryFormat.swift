import Hashing
import StrictJSON
import WorkflowModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bytes of a history file (see `docs/history-format.md`): one record per line,
/// `<8 lowercase hex digits of the payload's CRC-32C> <payload>\n`, where the payload is one
/// compact JSON object. The first record is the header
/// `{"executionId":"…","format":"cairn.history","version":1}`.
///
/// Pure: no I/O.
public enum HistoryFormat {
    /// The header's `format` value.
    public static let formatName = "cairn.history"
    /// The header's `version` value this code writes and reads.
    public static let version = 1

    /// The header record.
    struct Header: Codable, Hashable {
        var executionId: String
        var format: String
        var version: Int
    }

    /// The framed header line for a new history.
    public static func headerLine(executionId: String) throws -> [UInt8] {
        try frame(payload: encodeCodable(Header(executionId: executionId, format: formatName, version: version)))
    }

    /// The framed line for `record`.
    /// - Throws: ``StoreError`` `store.recordTooLarge` when the line would exceed
    ///   ``WorkflowModel/Limits/recordBytesMax``; `store.invalidRecord` when it cannot be encoded
    ///   (e.g. a NaN number).
    public static func line(for record: HistoryRecord) throws -> [UInt8] {
        var line: [UInt8] = []
        try appendLine(for: record, to: &line)
        return line
    }

    /// The framed lines of `records`, one after another.
    /// - Throws: as ``line(for:)``.
    public static func lines(for records: [HistoryRecord]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(records.count * lineBytesExpected)
        for record in records { try appendLine(for: record, to: &bytes) }
        return bytes
    }

    /// Appends the framed line for `record` to `bytes`, written in place: the payload goes straight
    /// after a space left for the checksum, which is filled in once the payload is known. On error,
    /// `bytes` is left as it was.
    /// - Throws: as ``line(for:)``.
    static func appendLine(for record: HistoryRecord, to bytes: inout [UInt8]) throws {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: checksumPrefixLength))
        do {
            try appendPayload(of: record, to: &bytes)
            let lineLength = bytes.count - start + 1
            if lineLength > Limits.recordBytesMax {
                throw StoreError(
                    code: StoreError.Code.recordTooLarge,
                    message: "a history record of \(lineLength) bytes exceeds the limit of \(Limits.recordBytesMax) bytes"
                        + describe(record) + "; nothing was written. Make the activity's input or result smaller.")
            }
        } catch {
            bytes.removeSubrange(start...)
            throw error
        }
        writeHex(CRC32C.checksum(bytes[(start + checksumPrefixLength)...]), into: &bytes, at: start)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Appends `record`'s payload (``HistoryRecord/writeJSON(into:)``) to `bytes` after the checks
    /// the framing and the reader depend on; on error, `bytes` is left as it was.
    private static func appendPayload(of record: HistoryRecord, to bytes: inout [UInt8]) throws {
        let start = bytes.count
        var taken: [UInt8] = []
        swap(&taken, &bytes)
        // The writer takes the buffer over without copying it; without `consume` a debug build keeps
        // `taken` alive and copies the whole batch at every record (quadratic for a long batch).
        var writer = JSONWriter(appendingTo: consume taken)
        var failure: StoreError?
        do {
            try record.writeJSON(into: &writer)
        } catch {
            failure = StoreError.unencodable(error)
        }
        let depth = writer.deepest
        bytes = writer.finish()
        do {
            if let failure { throw failure }
            try checkPayload(bytes[start...], depth: depth)
        } catch {
            bytes.removeSubrange(start...)
            throw error
        }
    }

    /// Room reserved per line before encoding: most events' lines are shorter (an activity's six
    /// average ~270 bytes), so a batch's buffer rarely grows while it is written.
    private static let lineBytesExpected = 320

    /// The `<8 hex digits> ` before each payload.
    private static let checksumPrefixLength = 9

    /// The JSON of `record` exactly as a history line holds it (without checksum and newline), for
    /// tools that print events (`cairn history --json`).
    public static func payload(for record: HistoryRecord) throws -> [UInt8] {
        try encode(record)
    }

    /// `<crc32c hex> <payload>\n`.
    static func frame(payload: [UInt8]) -> [UInt8] {
        var line = [UInt8](repeating: UInt8(ascii: " "), count: checksumPrefixLength)
        line.reserveCapacity(payload.count + checksumPrefixLength + 1)
        writeHex(CRC32C.checksum(payload), into: &line, at: 0)
        line.append(contentsOf: payload)
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// The deepest nesting of arrays and objects in a record. Foundation's `JSONEncoder`, which
    /// wrote history before ``JSONValueEncoder``, refused 512 levels; keeping its bound means every
    /// record either writer produced can be read back, and nothing deeper is ever written.
    static let recordDepthMax = 511

    /// Compact JSON with sorted keys: the same value always gives the same bytes, and they are the
    /// bytes Foundation's `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) wrote for it.
    static func encodeCodable(_ value: some Encodable) throws -> [UInt8] {
        let json: JSONValue
        do {
            json = try JSONValueEncoder().encode(value)
        } catch {
            throw StoreError.unencodable(error)
        }
        let payload = json.foundationCompatibleBytes()
        // Nesting n levels takes at least 2n bytes of brackets, so only long payloads need the walk.
        let depth = payload.count < 2 * (recordDepthMax + 1) ? 0 : json.nestingDepth
        try checkPayload(payload[...], depth: depth)
        return payload
    }

    /// A record's payload, written directly (``HistoryRecord/writeJSON(into:)``): the bytes
    /// ``encodeCodable(_:)`` gives for it, at a fraction of the cost.
    static func encode(_ record: HistoryRecord) throws -> [UInt8] {
        var payload: [UInt8] = []
        payload.reserveCapacity(lineBytesExpected)
        try appendPayload(of: record, to: &payload)
        return payload
    }

    /// Checks what the framing and the reader depend on: the nesting bound, and one line holding one object.
    private static func checkPayload(_ payload: ArraySlice<UInt8>, depth: Int) throws {
        guard depth <= recordDepthMax else {
            throw StoreError(
                code: StoreError.Code.invalidRecord,
                message: "a history record nests arrays and objects more than \(recordDepthMax) levels deep")
        }
        // The writer escapes control characters, so a newline can only mean a broken writer;
        // checked because the framing depends on it.
        let hasNewline = payload.withUnsafeBytes { buffer in
            buffer.baseAddress.map { memchr($0, 0x0A, buffer.count) != nil } ?? false
        }
        guard payload.first == UInt8(ascii: "{"), payload.last == UInt8(ascii: "}"), !hasNewline else {
            throw StoreError(code: StoreError.Code.invalidRecord, message: "a history record did not encode as one-line JSON")
        }
    }

    /// Decodes a `T` from a record's payload.
    /// - Throws: ``StrictJSON/JSONSyntaxError`` when the payload is not JSON (or nests deeper than
    ///   ``recordDepthMax``); `DecodingError` when it does not have `T`'s shape.
    static func decode<T: Decodable>(_ type: T.Type, from payload: ArraySlice<UInt8>) throws -> T {
        try JSONValueDecoder().decode(T.self, from: parse(payload))
    }

    /// Decodes a record's payload: directly when it has the shape the writer gives it (see
    /// ``HistoryRecord/init(directJSON:)``), else with `Codable`, which says what is wrong.
    static func decodeRecord(from payload: ArraySlice<UInt8>) throws -> HistoryRecord {
        let parsed = try parse(payload)
        if let record = HistoryRecord(directJSON: parsed) { return record }
        return try JSONValueDecoder().decode(HistoryRecord.self, from: parsed)
    }

    /// A payload's JSON, nesting at most ``recordDepthMax`` levels.
    private static func parse(_ payload: ArraySlice<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try payload.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
            try JSONValue(parsing: buffer, maxDepth: recordDepthMax)
        }
    }

    /// Writes `value` as eight lowercase hex digits over `bytes[offset..<offset + 8]`.
    private static func writeHex(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
        for position in 0..<8 {
            let digit = UInt8((value >> (28 - 4 * UInt32(position))) & 0xF)
            bytes[offset + position] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
        }
    }

    /// The value of eight lowercase hex digits, or nil.
    static func parseHex(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        guard bytes.count == 8 else { return nil }
        var value: UInt32 = 0
        for byte in bytes {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static func describe(_ record: HistoryRecord) -> String {
        switch record {
        case .event(let event): " (event \(event.eventId), \(event.eventType.rawValue))"
        case .attemptFailed(let failure): " (failed attempt \(failure.attempt) of activity \(failure.activityId))"
        }
    }
}
