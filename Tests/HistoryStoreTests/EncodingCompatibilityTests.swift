import Foundation
import StrictJSON
import Testing
import Time
import WorkflowModel

@testable import HistoryStore

/// History payloads used to be written by Foundation's `JSONEncoder` (`.sortedKeys`,
/// `.withoutEscapingSlashes`). The store now writes them with `JSONValueEncoder`; these tests hold
/// the bytes identical, so checksums, golden files and histories written before keep matching.
@Suite struct EncodingCompatibilityTests {
    static func foundationPayload(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Every record shape the store writes: the header, one event of each type, and both forms of
    /// the bookkeeping record.
    static var everyRecord: [HistoryRecord] {
        Fixtures.everyEventType.map(HistoryRecord.event) + [
            .attemptFailed(Fixtures.attempt(scheduledEventId: 11, attempt: 1)),
            .attemptFailed(Fixtures.attempt(scheduledEventId: 12, attempt: 3, next: false)),
        ]
    }

    /// Payloads chosen for the places the two spellings could part: escapes (control characters,
    /// DEL, `/`, U+2028), key order (case, digits, non-ASCII) and numbers (fractions, exponents,
    /// integers beyond 2^53, -0).
    static let awkward: JSONValue = [
        "strings": [
            "line\nbreak\ttab\r\u{0}\u{1F}", "del\u{7F}", "a/b\\c\"d", "\u{2028}\u{2029}\u{FEFF}", "é e\u{301} 日 😀", "",
        ],
        "keys": [
            "Tags": 1, "engine": 2, "a10": 3, "a9": 4, "B": 5, "b": 6, "É": 7, "e": 8, "_": 9, "1": 10, "k\u{7F}": 11,
            "": 12,
        ],
        "numbers": [
            0.1, 1.5, -2.25, 1e21, 1e-7, 123_456_789.125, 9_007_199_254_740_992, .number(9_007_199_254_740_994),
            .number(-0.0), .number(1.7976931348623157e308), .number(.leastNonzeroMagnitude), 1_000_000_000_000_000,
        ],
        "nested": [[[], [:], [nil, true, false]]],
    ]

    static var awkwardRecords: [HistoryRecord] {
        let scheduled = HistoryEvent(
            eventId: 5, eventTimestamp: Fixtures.timestamp(5),
            attributes: .activityTaskScheduled(
                ActivityTaskScheduledEventAttributes(
                    activityType: TypeName(name: "exec", version: "1/é"), activityId: "run/\u{7F}", input: awkward,
                    control: ActivityControl(step: "s", index: nil, role: .compensation), taskList: TaskList(name: "default"),
                    scheduleToStartTimeout: "NONE", scheduleToCloseTimeout: "NONE", startToCloseTimeout: "5m",
                    heartbeatTimeout: "NONE",
                    retryPolicy: RetryPolicy(backoffCoefficient: 1.5, maximumAttempts: 0, nonRetryableErrors: ["a", "B"]),
                    decisionTaskCompletedEventId: 4)))
        let completed = HistoryEvent(
            eventId: 7, eventTimestamp: Timestamp(millisecondsSinceEpoch: -1),
            attributes: .activityTaskCompleted(.init(scheduledEventId: 5, startedEventId: 6, result: awkward)))
        let timedOut = HistoryEvent(
            eventId: 8, eventTimestamp: Fixtures.timestamp(8),
            attributes: .activityTaskTimedOut(.init(scheduledEventId: 5, startedEventId: 6, timeoutType: .heartbeat, details: .null)))
        let failure = ActivityAttemptFailed(
            scheduledEventId: 5, activityId: "x", attempt: 9, reason: "exec.InvalidOutput", details: "1:2: \"\u{7F}\"\n",
            timestamp: Fixtures.timestamp(9))
        return [.event(scheduled), .event(completed), .event(timedOut), .attemptFailed(failure)]
    }

    @Test func everyRecordTypeIsWrittenByteForByteAsFoundationWroteIt() throws {
        for record in Self.everyRecord + Self.awkwardRecords {
            let ours = try HistoryFormat.encode(record)
            let foundation = try Self.foundationPayload(record)
            #expect(
                String(decoding: ours, as: UTF8.self) == String(decoding: foundation, as: UTF8.self),
                "\(record.event?.eventType.rawValue ?? "ActivityAttemptFailed")")
        }
        let header = HistoryFormat.Header(executionId: "orders/é\u{7F}", format: HistoryFormat.formatName, version: HistoryFormat.version)
        #expect(try HistoryFormat.encodeCodable(header) == Self.foundationPayload(header))
    }

    /// The bytes of a history file as the Foundation-based writer framed it.
    static func foundationFile(_ records: [HistoryRecord]) throws -> [UInt8] {
        let header = HistoryFormat.Header(executionId: "orders-rollout", format: HistoryFormat.formatName, version: HistoryFormat.version)
        var bytes = HistoryFormat.frame(payload: try foundationPayload(header))
        for record in records { bytes += HistoryFormat.frame(payload: try foundationPayload(record)) }
        return bytes
    }

    @Test func aFileWrittenWithFoundationIsReadBackWhole() throws {
        let foundationFile = try Self.foundationFile(Self.everyRecord)
        #expect(foundationFile == (try Fixtures.file(Self.everyRecord)))
        let recovered = HistoryRecovery.scan(foundationFile, file: "h", expectedExecutionId: "orders-rollout")
        #expect(recovered.outcome == .intact)
        #expect(recovered.records == Self.everyRecord)
        #expect(recovered.validLength == foundationFile.count)
        // The awkward records do not form a valid event sequence, so decode them one by one with
        // both decoders. (Both read the timed-out event's `"details":null` back as nil, as
        // `decodeIfPresent` does, so compare the decoders rather than the original.)
        for record in Self.awkwardRecords {
            let payload = try Self.foundationPayload(record)
            let ours = try HistoryFormat.decode(HistoryRecord.self, from: payload[...])
            #expect(ours == (try JSONDecoder().decode(HistoryRecord.self, from: Data(payload))))
            if record.event?.eventType != .activityTaskTimedOut { #expect(ours == record) }
        }
    }

    /// Foundation's encoder refused 512 levels of nesting; the store keeps that bound in both
    /// directions, so whatever was written can be read.
    @Test func nestingUpToTheOldBoundIsWrittenAndReadAndBeyondIsRefused() throws {
        func marker(depth: Int) -> HistoryRecord {
            // The event object and its attributes are two levels; the details make up the rest.
            var details: JSONValue = 1
            for _ in 0..<(depth - 2) { details = [details] }
            return .event(
                HistoryEvent(
                    eventId: 2, eventTimestamp: Fixtures.timestamp(2),
                    attributes: .markerRecorded(.init(markerName: "deep", details: details, decisionTaskCompletedEventId: 1))))
        }
        let deepest = marker(depth: HistoryFormat.recordDepthMax)
        let line = try HistoryFormat.line(for: deepest)
        #expect(Array(line.dropFirst(9).dropLast()) == (try Self.foundationPayload(deepest)))
        #expect(try HistoryFormat.decode(HistoryRecord.self, from: line.dropFirst(9).dropLast()) == deepest)

        let tooDeep = marker(depth: HistoryFormat.recordDepthMax + 1)
        #expect(throws: (any Error).self) { try Self.foundationPayload(tooDeep) }
        #expect { try HistoryFormat.line(for: tooDeep) } throws: { error in
            (error as? StoreError)?.code == StoreError.Code.invalidRecord
        }
    }
}
