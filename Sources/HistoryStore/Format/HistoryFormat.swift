import Foundation
import Hashing
import WorkflowModel

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
        try frame(payload: encode(Header(executionId: executionId, format: formatName, version: version)))
    }

    /// The framed line for `record`.
    /// - Throws: ``StoreError`` `store.recordTooLarge` when the line would exceed
    ///   ``WorkflowModel/Limits/recordBytesMax``; `store.invalidRecord` when it cannot be encoded
    ///   (e.g. a NaN number).
    public static func line(for record: HistoryRecord) throws -> [UInt8] {
        let line = try frame(payload: encode(record))
        if line.count > Limits.recordBytesMax {
            throw StoreError(
                code: StoreError.Code.recordTooLarge,
                message: "a history record of \(line.count) bytes exceeds the limit of \(Limits.recordBytesMax) bytes"
                    + describe(record) + "; nothing was written. Make the activity's input or result smaller.")
        }
        return line
    }

    /// `<crc32c hex> <payload>\n`.
    static func frame(payload: [UInt8]) -> [UInt8] {
        var line = hex(CRC32C.checksum(payload))
        line.reserveCapacity(payload.count + 10)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: payload)
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// Compact JSON with sorted keys: the same value always gives the same bytes.
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload: [UInt8]
        do {
            payload = Array(try encoder.encode(value))
        } catch {
            throw StoreError(
                code: StoreError.Code.invalidRecord, message: "a history record could not be encoded as JSON",
                cause: String(describing: error))
        }
        // The encoder escapes control characters, so a newline can only mean a broken encoder;
        // checked because the framing depends on it.
        guard payload.first == UInt8(ascii: "{"), payload.last == UInt8(ascii: "}"),
            !payload.contains(UInt8(ascii: "\n"))
        else {
            throw StoreError(code: StoreError.Code.invalidRecord, message: "a history record did not encode as one-line JSON")
        }
        return payload
    }

    /// Eight lowercase hex digits.
    static func hex(_ value: UInt32) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return (0..<8).map { digits[Int((value >> (28 - 4 * UInt32($0))) & 0xF)] }
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
