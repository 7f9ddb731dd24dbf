import Foundation
import Hashing
import StrictJSON
import Testing
import WorkflowModel

@testable import HistoryStore

/// The history format is defined with CRC-32C (Castagnoli, reflected, initial value and final XOR
/// 0xFFFFFFFF); these pin the parameters so a change to `Hashing` cannot silently change the format.
@Suite struct RecordChecksumTests {
    @Test func checkValueOfTheStandardString() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    /// RFC 3720 appendix B.4 vectors, and the empty input.
    static let vectors: [([UInt8], UInt32)] = [
        ([], 0),
        ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
        ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
        ((0..<32).map { UInt8($0) }, 0x46DD_794E),
    ]

    @Test(arguments: vectors)
    func knownVectors(bytes: [UInt8], expected: UInt32) {
        #expect(CRC32C.checksum(bytes) == expected)
    }

    @Test func sliceAndArrayAgree() {
        let bytes = Array("xx123456789yy".utf8)
        #expect(CRC32C.checksum(bytes[2..<11]) == 0xE306_9283)
    }
}

@Suite struct FramingTests {
    @Test func headerIsTheDocumentedLine() throws {
        let line = try HistoryFormat.headerLine(executionId: "orders-rollout")
        let payload = #"{"executionId":"orders-rollout","format":"cairn.history","version":1}"#
        let crc = CRC32C.checksum(Array(payload.utf8))
        #expect(String(decoding: line, as: UTF8.self) == String(crc, radix: 16).leftPadded(to: 8) + " " + payload + "\n")
    }

    @Test func lineIsChecksumSpacePayloadNewline() throws {
        let line = try HistoryFormat.line(for: .event(Fixtures.event(.timerFired, id: 7)))
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        #expect(line[8] == UInt8(ascii: " "))
        let payload = Array(line[9..<(line.count - 1)])
        let digits = String(decoding: line[0..<8], as: UTF8.self)
        #expect(digits == digits.lowercased())
        #expect(UInt32(digits, radix: 16) == CRC32C.checksum(payload))
        #expect(String(decoding: payload, as: UTF8.self).hasPrefix(#"{"eventId":7,"eventTimestamp":"#))
    }

    @Test(arguments: Fixtures.everyEventType)
    func everyEventTypeRoundTrips(event: HistoryEvent) throws {
        let records: [HistoryRecord] = [.event(event)]
        let line = try HistoryFormat.line(for: records[0])
        let payload = Array(line[9..<(line.count - 1)])
        #expect(try JSONDecoder().decode(HistoryRecord.self, from: Data(payload)) == records[0])
        // SWF's shape: the attributes live under `<eventType>EventAttributes`.
        let object = try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any]
        #expect(object?["eventType"] as? String == event.eventType.rawValue)
        #expect(object?[event.eventType.attributesKey] != nil)
        #expect(object?.count == 4)
    }

    @Test func everyEventTypeSurvivesAFileRoundTrip() throws {
        let records =
            Fixtures.everyEventType.map(HistoryRecord.event)
            + [.attemptFailed(Fixtures.attempt(scheduledEventId: 11, attempt: 1))]
        let bytes = try Fixtures.file(records)
        let recovered = HistoryRecovery.scan(bytes, file: "x", expectedExecutionId: "orders-rollout")
        #expect(recovered.outcome == .intact)
        #expect(recovered.records == records)
        #expect(recovered.events.count == EventType.allCases.count)
        #expect(recovered.validLength == bytes.count)
        #expect(recovered.executionId == "orders-rollout")
    }

    @Test func attemptFailedRecordShape() throws {
        let withNext = Fixtures.attempt(scheduledEventId: 5, attempt: 2)
        let line = try HistoryFormat.line(for: .attemptFailed(withNext))
        let text = String(decoding: line[9...], as: UTF8.self)
        #expect(
            text == #"{"activityId":"create-5","attempt":2,"details":"Rate exceeded","nextAttemptAt":"2026-01-01T00:00:35.000Z","#
                + #""reason":"rds.Throttling","record":"ActivityAttemptFailed","scheduledEventId":5,"timestamp":"2026-01-01T00:00:05.000Z"}"#
                + "\n")
        let withoutNext = Fixtures.attempt(scheduledEventId: 5, attempt: 2, next: false)
        let payload = try HistoryFormat.line(for: .attemptFailed(withoutNext)).dropFirst(9).dropLast()
        #expect(!String(decoding: payload, as: UTF8.self).contains("nextAttemptAt"))
        #expect(try JSONDecoder().decode(HistoryRecord.self, from: Data(payload)) == .attemptFailed(withoutNext))
    }

    @Test func unknownBookkeepingRecordDoesNotDecode() {
        let payload = #"{"record":"SomethingNew","scheduledEventId":1}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(HistoryRecord.self, from: Data(payload.utf8)) }
    }

    @Test func encodingIsDeterministic() throws {
        let records = Fixtures.history(events: 30, withAttempts: true)
        #expect(try Fixtures.file(records) == Fixtures.file(records))
    }

    @Test func controlCharactersAreEscapedSoNoNewlineAppearsInAPayload() throws {
        let line = try HistoryFormat.line(for: .event(Fixtures.event(.activityTaskScheduled, id: 5)))
        #expect(line.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") && $0 >= 0x20 })
        #expect(String(decoding: line, as: UTF8.self).contains(#"line\nbreak \"quoted\" / é \u0001"#))
    }

    @Test func oversizedRecordIsRefused() {
        let big = String(repeating: "x", count: Limits.recordBytesMax)
        let event = HistoryEvent(
            eventId: 2, eventTimestamp: Fixtures.timestamp(2),
            attributes: .markerRecorded(.init(markerName: "big", details: .string(big), decisionTaskCompletedEventId: 1)))
        #expect { try HistoryFormat.line(for: .event(event)) } throws: { error in
            (error as? StoreError)?.code == StoreError.Code.recordTooLarge
        }
    }

    @Test func unencodableNumberIsAnInvalidRecord() {
        let event = HistoryEvent(
            eventId: 2, eventTimestamp: Fixtures.timestamp(2),
            attributes: .markerRecorded(.init(markerName: "nan", details: .number(.nan), decisionTaskCompletedEventId: 1)))
        #expect { try HistoryFormat.line(for: .event(event)) } throws: { error in
            (error as? StoreError)?.code == StoreError.Code.invalidRecord
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
