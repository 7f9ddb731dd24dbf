import Dispatch
import Hashing
import StrictJSON
public import WorkflowModel

/// A history as read back: the records that can be trusted, and what was found after them.
public struct RecoveredHistory: Sendable, Hashable {
    /// The execution id from the header, when the header is valid.
    public var executionId: String?
    /// The valid records before the first problem, in file order.
    public var records: [HistoryRecord]
    /// The bytes those records (and the header) occupy: where the next append goes after repair.
    public var validLength: Int
    /// Whether the file was intact, had a torn tail, or is quarantined.
    public var outcome: RecoveryOutcome

    /// Makes a result.
    public init(executionId: String?, records: [HistoryRecord], validLength: Int, outcome: RecoveryOutcome) {
        self.executionId = executionId
        self.records = records
        self.validLength = validLength
        self.outcome = outcome
    }

    /// The events among ``records``.
    public var events: [HistoryEvent] { records.compactMap(\.event) }
}

/// What recovery found after the valid records.
public enum RecoveryOutcome: Sendable, Hashable {
    /// Every line is a valid record and the file ends with a newline.
    case intact
    /// Not even the header was completely written (or the file is empty): the execution never
    /// started, since nothing in it was ever acknowledged.
    case empty
    /// The last write was torn: `length` bytes from `offset` to the end are not a complete record
    /// and are dropped (after repair, kept in `<file>.torn-<offset>`).
    case tornTail(offset: Int, length: Int)
    /// The file is damaged before its end (or its last complete record is corrupted); nothing is
    /// dropped or written, and the execution must not run.
    case quarantined(Quarantine)
}

/// Where and why a history was quarantined.
public struct Quarantine: Sendable, Hashable, CustomStringConvertible {
    /// The history file.
    public var file: String
    /// The byte offset of the first damaged record.
    public var offset: Int
    /// What is wrong, e.g. `checksum mismatch in record 37 at byte 10234`.
    public var reason: String

    /// Makes a quarantine report.
    public init(file: String, offset: Int, reason: String) {
        self.file = file
        self.offset = offset
        self.reason = reason
    }

    /// The operator-facing message: what is damaged, what Cairn did, what to do.
    public var description: String {
        "the history \(file) is damaged: \(reason). Cairn will not run or change this execution and left the file "
            + "as it is; the records before byte \(offset) are intact. Restore the file from a backup, or inspect it "
            + "and remove the execution."
    }
}

/// The recovery scan: a pure function from a history file's bytes to its trusted records and an
/// outcome, deciding between a torn last write (dropped) and damage (quarantine). The exact rules
/// are in `docs/history-format.md`; records are numbered from 0, the header.
public enum HistoryRecovery {
    /// Scans `bytes`, the contents of the history file `file`. When `expectedExecutionId` is given,
    /// a header naming another execution is damage.
    public static func scan(_ bytes: [UInt8], file: String, expectedExecutionId: String? = nil) -> RecoveredHistory {
        let lines = splitLines(bytes)
        let decoded = decodeRecords(lines, bytes)
        var records: [HistoryRecord] = []
        var sequence = EventSequence()
        var executionId: String?

        func quarantine(_ offset: Int, _ reason: String) -> RecoveredHistory {
            RecoveredHistory(
                executionId: executionId, records: records, validLength: offset,
                outcome: .quarantined(Quarantine(file: file, offset: offset, reason: reason)))
        }

        for (index, line) in lines.enumerated() {
            let ahead = index < decoded.count ? decoded[index] : nil
            let payload: ArraySlice<UInt8>
            switch ahead?.check ?? check(line, number: index, in: bytes) {
            case .valid(let valid):
                payload = valid
            case .invalid(let problem):
                return tail(from: index, problem: problem, lines: lines, bytes: bytes, recovered: quarantine)
                    ?? RecoveredHistory(
                        executionId: executionId, records: records, validLength: line.start,
                        outcome: index == 0 ? .empty : .tornTail(offset: line.start, length: bytes.count - line.start))
            }
            if index == 0 {
                let header: HistoryFormat.Header
                do {
                    header = try HistoryFormat.decode(HistoryFormat.Header.self, from: payload)
                } catch {
                    return quarantine(0, "the header (record 0 at byte 0) is not a history header: \(summary(of: error))")
                }
                if header.format != HistoryFormat.formatName {
                    return quarantine(0, "the header names format \"\(header.format)\", expected \"\(HistoryFormat.formatName)\"")
                }
                if header.version != HistoryFormat.version {
                    return quarantine(
                        0, "the header names format version \(header.version); this Cairn reads version \(HistoryFormat.version)")
                }
                if let expectedExecutionId, header.executionId != expectedExecutionId {
                    return quarantine(
                        0, "the header names execution \"\(header.executionId)\", but the file is for \"\(expectedExecutionId)\"")
                }
                executionId = header.executionId
                continue
            }
            let record: HistoryRecord
            do {
                record = try ahead?.record.get() ?? HistoryFormat.decodeRecord(from: payload)
            } catch {
                // A line whose checksum verifies was written whole; if it still does not decode, the
                // writer and reader disagree about the format, which is damage, never a torn write.
                return quarantine(line.start, "undecodable record \(index) at byte \(line.start): \(summary(of: error))")
            }
            if let problem = sequence.accept(record) {
                return quarantine(line.start, "\(problem) (record \(index) at byte \(line.start))")
            }
            records.append(record)
        }
        if lines.isEmpty {
            return RecoveredHistory(executionId: nil, records: [], validLength: 0, outcome: .empty)
        }
        return RecoveredHistory(executionId: executionId, records: records, validLength: bytes.count, outcome: .intact)
    }

    /// Lines from which a scan checks and decodes records on all cores first; below it, one core is faster.
    static let parallelDecodeLinesMin = 2_048
    /// Pieces a long history is cut into; Dispatch runs them on as many threads as there are cores.
    static let parallelDecodeChunks = 16

    /// A line checked and, when valid, decoded ahead of the scan.
    struct Decoded {
        var check: LineCheck
        var record: Result<HistoryRecord, any Error>
    }

    /// Checks and decodes the records of a long history on all cores (each line on its own is a pure
    /// function of its bytes); the scan then applies its rules to the results in order, exactly as if it
    /// had decoded them itself. Empty for short histories; the header (line 0) is left to the scan.
    static func decodeRecords(_ lines: [Line], _ bytes: [UInt8]) -> [Decoded?] {
        guard lines.count >= parallelDecodeLinesMin else { return [] }
        var decoded = [Decoded?](repeating: nil, count: lines.count)
        let chunks = Self.parallelDecodeChunks
        decoded.withUnsafeMutableBufferPointer { slots in
            let slots = UncheckedSlots(base: slots)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var index = max(1, chunk * lines.count / chunks)
                while index < (chunk + 1) * lines.count / chunks {
                    let check = check(lines[index], number: index, in: bytes)
                    let record: Result<HistoryRecord, any Error> =
                        switch check {
                        case .valid(let payload): Result { try HistoryFormat.decodeRecord(from: payload) }
                        case .invalid(let problem): .failure(StoreError(code: StoreError.Code.invalidRecord, message: problem))
                        }
                    slots.base[index] = Decoded(check: check, record: record)
                    index += 1
                }
            }
        }
        return decoded
    }

    /// Each chunk writes only its own slots.
    struct UncheckedSlots: @unchecked Sendable {
        let base: UnsafeMutableBufferPointer<Decoded?>
    }

    /// One line: `start..<end` excludes the newline; `terminated` says whether there was one.
    struct Line {
        var start: Int
        var end: Int
        var terminated: Bool
    }

    enum LineCheck {
        case valid(ArraySlice<UInt8>)
        case invalid(String)
    }

    static func splitLines(_ bytes: [UInt8]) -> [Line] {
        var lines: [Line] = []
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where buffer[index] == UInt8(ascii: "\n") {
                lines.append(Line(start: start, end: index, terminated: true))
                start = index + 1
            }
        }
        if start < bytes.count { lines.append(Line(start: start, end: bytes.count, terminated: false)) }
        return lines
    }

    /// Checks the envelope and the checksum; the problem's text names the record and its offset.
    static func check(_ line: Line, number: Int, in bytes: [UInt8]) -> LineCheck {
        let text = bytes[line.start..<line.end]
        let record = "record \(number) at byte \(line.start)"
        guard line.terminated else { return .invalid("unterminated \(record)") }
        guard text.count + 1 <= Limits.recordBytesMax else {
            return .invalid("\(record) is longer than \(Limits.recordBytesMax) bytes")
        }
        guard hasEnvelopeShape(text), let expected = HistoryFormat.parseHex(text.prefix(8)) else {
            return .invalid("malformed \(record) (not \"<crc32c> <json>\")")
        }
        let payload = text.dropFirst(9)
        guard CRC32C.checksum(payload) == expected else { return .invalid("checksum mismatch in \(record)") }
        return .valid(payload)
    }

    /// A space after eight bytes, then `{` … `}`. The checksum digits themselves are not checked
    /// here, so a complete record with a corrupted digit is still recognised as a record.
    static func hasEnvelopeShape(_ text: ArraySlice<UInt8>) -> Bool {
        guard text.count >= 11 else { return false }
        let start = text.startIndex
        return text[start + 8] == UInt8(ascii: " ") && text[start + 9] == UInt8(ascii: "{")
            && text.last == UInt8(ascii: "}")
    }

    /// Decides what the first invalid line `index` means. Returns a quarantine, or nil for a torn
    /// tail (the caller builds that result).
    private static func tail(
        from index: Int, problem: String, lines: [Line], bytes: [UInt8],
        recovered quarantine: (Int, String) -> RecoveredHistory
    ) -> RecoveredHistory? {
        let line = lines[index]
        // A whole record written after the bad one proves the bad one is not the last write.
        for (number, later) in lines.enumerated().dropFirst(index + 1) where later.terminated {
            if case .valid = check(later, number: number, in: bytes) { return quarantine(line.start, problem) }
        }
        // A single complete line that looks like a record but fails its checksum was written whole
        // and then changed (a bit flip), unless it holds NUL bytes (a sector that never reached the
        // disk reads as zeros).
        let text = bytes[line.start..<line.end]
        if index == lines.count - 1, line.terminated, hasEnvelopeShape(text), !text.contains(0) {
            return quarantine(line.start, problem)
        }
        return nil
    }

    /// A one-line description of a decoding error.
    private static func summary(of error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "" : " at \(keys)"
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return context.debugDescription + path(context)
        case .keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\"" + path(context)
        @unknown default:
            return String(describing: error)
        }
    }
}
