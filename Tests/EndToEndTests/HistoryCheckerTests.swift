import Foundation
import Testing

/// The end-to-end tests' own history reader must reject what Cairn's recovery rejects; otherwise
/// their "the history validates" would prove nothing.
@Suite struct HistoryCheckerTests {
    @Test func crc32cCheckValue() {
        #expect(TestCRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(TestCRC32C.checksum([UInt8]()) == 0)
    }

    /// The header line documented in docs/history-format.md, section 3.
    @Test func documentedHeaderChecksum() {
        #expect(TestCRC32C.checksum(Array(#"{"executionId":"orders-rollout","format":"cairn.history","version":1}"#.utf8)) == 0x7278_a953)
    }

    @Test func acceptsAWellFormedHistory() {
        let history = HistoryFile(bytes: Self.file(Self.records()), executionId: "x1")
        #expect(history.problems == [])
        #expect(history.completedActivities == ["a"])
        #expect(history.closingEvent?.eventType == "WorkflowExecutionCompleted")
    }

    /// Every single-bit flip anywhere in the file is reported.
    @Test func rejectsEveryFlippedBit() {
        let bytes = Self.file(Self.records())
        var accepted: [Int] = []
        for offset in bytes.indices {
            for bit in [0, 3, 7] {
                var copy = bytes
                copy[offset] ^= UInt8(1 << bit)
                if HistoryFile(bytes: copy, executionId: "x1").problems.isEmpty { accepted.append(offset) }
            }
        }
        #expect(accepted == [], "flips at these offsets were accepted")
    }

    @Test func rejectsStructuralDamage() {
        let records = Self.records()
        var cases: [(String, [UInt8])] = []
        cases.append(("torn tail", Array(Self.file(records).dropLast(5))))
        cases.append(("missing event", Self.file(records.enumerated().filter { $0.offset != 3 }.map(\.element))))
        cases.append(("swapped events", Self.file([records[0], records[2], records[1]] + records[3...])))
        cases.append(("record after close", Self.file(records + [Self.event(records.count, "DecisionTaskScheduled", [:])])))
        cases.append(("other execution", Self.file(records, executionId: "x2")))
        cases.append(("empty", []))
        cases.append(
            (
                "bookkeeping for an unknown activity",
                Self.file(
                    Array(records.prefix(3)) + [
                        [
                            "record": "ActivityAttemptFailed", "scheduledEventId": 9, "activityId": "a", "attempt": 1, "reason": "r",
                            "details": "d", "timestamp": "2026-01-01T00:00:00.000Z",
                        ]
                    ] + records[3...])
            ))
        cases.append(
            (
                "activity completed twice",
                Self.file(
                    Array(records.prefix(5)) + [
                        Self.event(5, "ActivityTaskCompleted", ["scheduledEventId": 3, "startedEventId": 4, "result": [:]])
                    ] + records[5...].map { Self.renumbered($0, by: 1) })
            ))
        for (name, bytes) in cases { #expect(!HistoryFile(bytes: bytes, executionId: "x1").problems.isEmpty, "accepted: \(name)") }
    }

    // MARK: Fixture

    /// A small closed history: start, schedule a, start a, complete a, complete the workflow.
    static func records() -> [[String: Any]] {
        [
            event(1, "WorkflowExecutionStarted", ["input": ["n": 1]]),
            event(2, "DecisionTaskCompleted", ["scheduledEventId": 0, "startedEventId": 0]),
            event(3, "ActivityTaskScheduled", ["activityId": "a", "input": [:]]),
            event(4, "ActivityTaskStarted", ["scheduledEventId": 3, "attempt": 1, "identity": "t"]),
            [
                "record": "ActivityAttemptFailed", "scheduledEventId": 3, "activityId": "a", "attempt": 1, "reason": "r", "details": "d",
                "timestamp": "2026-01-01T00:00:00.000Z",
            ], event(5, "ActivityTaskCompleted", ["scheduledEventId": 3, "startedEventId": 4, "result": ["ok": true]]),
            event(6, "WorkflowExecutionCompleted", ["result": ["ok": true], "decisionTaskCompletedEventId": 2]),
        ]
    }

    static func event(_ id: Int, _ type: String, _ attributes: [String: Any]) -> [String: Any] {
        [
            "eventId": id, "eventType": type, "eventTimestamp": "2026-01-01T00:00:0\(id % 10).000Z",
            type.prefix(1).lowercased() + type.dropFirst() + "EventAttributes": attributes,
        ]
    }

    static func renumbered(_ record: [String: Any], by delta: Int) -> [String: Any] {
        var copy = record
        if let id = record["eventId"] as? Int { copy["eventId"] = id + delta }
        return copy
    }

    /// Header plus records, each line `<crc32c> <json>\n`.
    static func file(_ records: [[String: Any]], executionId: String = "x1") -> [UInt8] {
        let header: [String: Any] = ["executionId": executionId, "format": "cairn.history", "version": 1]
        var bytes: [UInt8] = []
        for object in [header] + records {
            let payload = [UInt8](try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            let crc = String(TestCRC32C.checksum(payload), radix: 16)
            bytes += Array((String(repeating: "0", count: 8 - crc.count) + crc + " ").utf8) + payload + [0x0A]
        }
        return bytes
    }
}

@Suite struct TestSHA256Tests {
    @Test func knownDigests() {
        #expect(TestSHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(TestSHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            TestSHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
