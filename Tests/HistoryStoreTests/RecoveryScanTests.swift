import EngineTesting
import Foundation
import HistoryTesting
import SystemIO
import Testing
import WorkflowModel

@testable import HistoryStore

/// The pure recovery scan, table by table (reliability.md tests T01–T04).
@Suite struct RecoveryScanTests {
    static let id = "orders-rollout"

    func scan(_ bytes: [UInt8]) -> RecoveredHistory {
        HistoryRecovery.scan(bytes, file: "h", expectedExecutionId: Self.id)
    }

    /// Five events; `lines[i]` is the byte range of line i including its newline (0 = header).
    struct Sample {
        let records = Fixtures.history(events: 5)
        let bytes: [UInt8]
        let lines: [Range<Int>]

        init() throws {
            let bytes = try Fixtures.file(records)
            let starts = Fixtures.lineStarts(bytes)
            self.bytes = bytes
            lines = starts.indices.map { starts[$0]..<(($0 + 1 < starts.count) ? starts[$0 + 1] : bytes.count) }
        }

        func line(_ index: Int) -> [UInt8] { Array(bytes[lines[index]]) }
        func without(_ index: Int) -> [UInt8] { Array(bytes[..<lines[index].lowerBound] + bytes[lines[index].upperBound...]) }
        func replacing(_ index: Int, with line: [UInt8]) -> [UInt8] {
            Array(bytes[..<lines[index].lowerBound]) + line + Array(bytes[lines[index].upperBound...])
        }
        func flipping(byte: Int, bit: Int = 0) -> [UInt8] {
            var copy = bytes
            copy[byte] ^= 1 << bit
            return copy
        }
    }

    // MARK: Table

    @Test func intactFile() throws {
        let sample = try Sample()
        let result = scan(sample.bytes)
        #expect(result.outcome == .intact)
        #expect(result.records == sample.records)
        #expect(result.validLength == sample.bytes.count)
    }

    @Test func emptyFileAndTornHeaderAreEmpty() throws {
        let sample = try Sample()
        for bytes in [[], Array(sample.bytes[0..<10]), Array(sample.line(0).dropLast()), [UInt8](repeating: 0, count: 300)] {
            let result = scan(bytes)
            #expect(result.outcome == .empty)
            #expect(result.records.isEmpty && result.validLength == 0)
        }
    }

    @Test func headerAloneIsAnIntactHistoryWithoutEvents() throws {
        let sample = try Sample()
        let result = scan(sample.line(0))
        #expect(result.outcome == .intact)
        #expect(result.records.isEmpty)
    }

    @Test func lastRecordCutShortIsATornTail() throws {
        let sample = try Sample()
        let cut = sample.lines[5].lowerBound + 17
        let result = scan(Array(sample.bytes[..<cut]))
        #expect(result.outcome == .tornTail(offset: sample.lines[5].lowerBound, length: 17))
        #expect(result.records == Array(sample.records.prefix(4)))
        #expect(result.validLength == sample.lines[5].lowerBound)
    }

    @Test func lastRecordWithoutItsNewlineIsATornTail() throws {
        let sample = try Sample()
        let result = scan(Array(sample.bytes.dropLast()))
        #expect(result.outcome == .tornTail(offset: sample.lines[5].lowerBound, length: sample.lines[5].count - 1))
        #expect(result.records.count == 4)
    }

    @Test func bitFlipInTheLastCompleteRecordIsQuarantinedNotDropped() throws {
        let sample = try Sample()
        let result = scan(sample.flipping(byte: sample.lines[5].lowerBound + 30))
        let offset = sample.lines[5].lowerBound
        #expect(
            result.outcome == .quarantined(Quarantine(file: "h", offset: offset, reason: "checksum mismatch in record 5 at byte \(offset)"))
        )
        #expect(result.records.count == 4)
    }

    @Test func corruptedChecksumDigitInTheLastRecordIsQuarantined() throws {
        let sample = try Sample()
        var line = sample.line(5)
        line[0] = UInt8(ascii: "G")
        guard case .quarantined(let quarantine) = scan(sample.replacing(5, with: line)).outcome else {
            Issue.record("expected a quarantine")
            return
        }
        #expect(quarantine.offset == sample.lines[5].lowerBound)
        #expect(quarantine.reason.hasPrefix("malformed record 5"))
    }

    @Test func completeLastLineWithAZeroedSectorIsATornTail() throws {
        let sample = try Sample()
        var line = sample.line(5)
        for index in 20..<min(line.count - 2, 532) { line[index] = 0 }
        let result = scan(sample.replacing(5, with: line))
        #expect(result.outcome == .tornTail(offset: sample.lines[5].lowerBound, length: line.count))
        #expect(result.records.count == 4)
    }

    @Test func damageInTheMiddleIsQuarantinedWithItsOffset() throws {
        let sample = try Sample()
        let offset = sample.lines[3].lowerBound
        let result = scan(sample.flipping(byte: offset + 40, bit: 3))
        #expect(
            result.outcome == .quarantined(Quarantine(file: "h", offset: offset, reason: "checksum mismatch in record 3 at byte \(offset)"))
        )
        #expect(result.records == Array(sample.records.prefix(2)))
        #expect(result.validLength == offset)
    }

    @Test func tornGarbageFollowedByAValidRecordIsQuarantined() throws {
        let sample = try Sample()
        let bytes = Array(sample.bytes[..<(sample.lines[5].lowerBound + 10)]) + [UInt8(ascii: "\n")] + sample.line(5)
        guard case .quarantined(let quarantine) = scan(bytes).outcome else {
            Issue.record("expected a quarantine")
            return
        }
        #expect(quarantine.offset == sample.lines[5].lowerBound)
    }

    @Test func missingRecordIsAGap() throws {
        let sample = try Sample()
        let result = scan(sample.without(3))
        let reason = "event id 4 follows 2 (record 3 at byte \(sample.lines[3].lowerBound))"
        #expect(result.outcome == .quarantined(Quarantine(file: "h", offset: sample.lines[3].lowerBound, reason: reason)))
        #expect(result.records.count == 2)
    }

    @Test func duplicatedRecordIsAGap() throws {
        let sample = try Sample()
        let bytes = Array(sample.bytes[..<sample.lines[4].lowerBound]) + sample.line(3) + Array(sample.bytes[sample.lines[4].lowerBound...])
        guard case .quarantined(let quarantine) = scan(bytes).outcome else {
            Issue.record("expected a quarantine")
            return
        }
        #expect(quarantine.reason.hasPrefix("event id 3 follows 3"))
        #expect(quarantine.offset == sample.lines[4].lowerBound)
    }

    @Test func firstEventMustBeTheStartWithIdOne() throws {
        let notStart = try Fixtures.file([.event(Fixtures.event(.decisionTaskScheduled, id: 1))])
        let notOne = try Fixtures.file([.event(Fixtures.event(.workflowExecutionStarted, id: 2))])
        for bytes in [notStart, notOne] {
            guard case .quarantined(let quarantine) = scan(bytes).outcome else {
                Issue.record("expected a quarantine")
                continue
            }
            #expect(quarantine.offset == Fixtures.lineStarts(bytes)[1])
        }
    }

    @Test func attemptRecordMustFollowItsScheduledEvent() throws {
        let records = Fixtures.history(events: 3) + [.attemptFailed(Fixtures.attempt(scheduledEventId: 9, attempt: 1))]
        let bytes = try Fixtures.file(records)
        guard case .quarantined(let quarantine) = scan(bytes).outcome else {
            Issue.record("expected a quarantine")
            return
        }
        #expect(quarantine.offset == Fixtures.lineStarts(bytes)[4])
    }

    @Test func headerProblemsAreQuarantinedAtByteZero() throws {
        let sample = try Sample()
        let otherId = try HistoryFormat.headerLine(executionId: "someone-else")
        let badVersion = HistoryFormat.frame(payload: Array(#"{"executionId":"orders-rollout","format":"cairn.history","version":2}"#.utf8))
        let badFormat = HistoryFormat.frame(payload: Array(#"{"executionId":"orders-rollout","format":"other","version":1}"#.utf8))
        let eventAsHeader = sample.line(1)
        let flipped = sample.flipping(byte: 20)
        for bytes in [
            sample.replacing(0, with: otherId), sample.replacing(0, with: badVersion), sample.replacing(0, with: badFormat),
            sample.replacing(0, with: eventAsHeader), flipped, sample.line(0).map { $0 == UInt8(ascii: "c") ? UInt8(ascii: "d") : $0 },
        ] {
            let result = scan(bytes)
            guard case .quarantined(let quarantine) = result.outcome else {
                Issue.record("expected a quarantine, got \(result.outcome)")
                continue
            }
            #expect(quarantine.offset == 0)
            #expect(result.records.isEmpty)
        }
    }

    @Test func validChecksumButUndecodableRecordIsQuarantined() throws {
        let sample = try Sample()
        let alien = HistoryFormat.frame(payload: Array(#"{"eventId":3,"eventType":"NoSuchEvent"}"#.utf8))
        for index in [3, 5] {
            let result = scan(sample.replacing(index, with: alien))
            guard case .quarantined(let quarantine) = result.outcome else {
                Issue.record("expected a quarantine")
                continue
            }
            #expect(quarantine.offset == sample.lines[index].lowerBound)
            #expect(quarantine.reason.contains("undecodable record \(index)"))
        }
    }

    @Test func overlongLineIsNotARecord() throws {
        let sample = try Sample()
        let payload = "{\"x\":\"" + String(repeating: "a", count: Limits.recordBytesMax) + "\"}"
        let bytes = sample.bytes + HistoryFormat.frame(payload: Array(payload.utf8)) + sample.line(5)
        guard case .quarantined(let quarantine) = scan(bytes).outcome else {
            Issue.record("expected a quarantine")
            return
        }
        #expect(quarantine.reason.contains("longer than"))
    }

    // MARK: T01 truncate sweep

    @Test(.tags(.sweep)) func truncateSweepOverTheLastThreeRecords() throws {
        let records = Fixtures.history(events: 50, withAttempts: true)
        let bytes = try Fixtures.file(records)
        let starts = Fixtures.lineStarts(bytes)
        let firstOffset = starts[starts.count - 3]
        let stats = try sweep(bytes, records: records, offsets: firstOffset...bytes.count)
        #expect(stats.cases == bytes.count - firstOffset + 1)
        #expect(stats.quarantined == 0)
        #expect(stats.intact == 4)  // the three boundaries inside the range and the end
        print("RESULT test=T01 history=50 cases=\(stats.cases) torn=\(stats.torn) intact=\(stats.intact) quarantined=0 false_accepts=0")
    }

    @Test func truncateSweepOverEveryOffsetOfAShortHistory() throws {
        let records = Fixtures.history(events: 5)
        let bytes = try Fixtures.file(records)
        let stats = try sweep(bytes, records: records, offsets: 0...bytes.count)
        #expect(stats.cases == bytes.count + 1)
        #expect(stats.quarantined == 0)
    }

    struct SweepStats {
        var cases = 0
        var torn = 0
        var intact = 0
        var empty = 0
        var quarantined = 0
    }

    /// Cuts `bytes` at every offset and checks the result is exactly the whole records before the cut.
    func sweep(_ bytes: [UInt8], records: [HistoryRecord], offsets: ClosedRange<Int>) throws -> SweepStats {
        let starts = Fixtures.lineStarts(bytes) + [bytes.count]
        var stats = SweepStats()
        for offset in offsets {
            stats.cases += 1
            let result = scan(Array(bytes[..<offset]))
            // Whole lines before the cut, and where the last of them ends.
            let complete = starts.lastIndex { $0 <= offset }!
            let boundary = starts[complete]
            switch result.outcome {
            case .intact:
                stats.intact += 1
                #expect(offset == boundary, "intact at \(offset), not a record boundary")
            case .tornTail(let tornOffset, let length):
                stats.torn += 1
                #expect(tornOffset == boundary && length == offset - boundary, "offset \(offset)")
            case .empty:
                stats.empty += 1
                #expect(complete == 0, "empty at \(offset) after the header")
            case .quarantined(let quarantine):
                stats.quarantined += 1
                Issue.record("quarantined at cut \(offset): \(quarantine.reason)")
            }
            #expect(result.records == Array(records.prefix(max(0, complete - 1))), "offset \(offset)")
            #expect(result.validLength == boundary || (complete == 0 && result.validLength == 0))
        }
        return stats
    }

    // MARK: T02 zero and garbage tails

    static let tailLengths: [Int] = {
        var random = SeededRandom(seed: 0x7A11)
        return [1, 2, 8, 9, 511, 512, 513, 4096, 8192] + (0..<12).map { _ in Int.random(in: 1...8192, using: &random) }
    }()

    @Test(arguments: [false, true])
    func zeroOrRandomTailIsDroppedAndAppendsContinue(randomBytes: Bool) throws {
        let records = Fixtures.history(events: 50)
        let base = try Fixtures.file(records)
        var random = SeededRandom(seed: randomBytes ? 2 : 1)
        var discarded = 0
        for length in Self.tailLengths {
            let tail = (0..<length).map { _ in randomBytes ? UInt8.random(in: 0...255, using: &random) : 0 }
            let fileSystem = InMemoryFileSystem()
            let store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
            let lock = try store.lockStateDirectory(holder: "test")
            let path = store.historyPath(of: Self.id)
            fileSystem.setContents(of: path, to: base + tail)

            let recovered = try store.load(Self.id, repair: true)
            #expect(recovered.outcome == .tornTail(offset: base.count, length: length), "tail of \(length)")
            #expect(recovered.records == records)
            #expect(fileSystem.visibleContents(of: path) == base)
            #expect(fileSystem.durableContents(of: "\(path).torn-\(base.count)") == tail)
            discarded += length

            let more = Fixtures.history(events: 60).suffix(10)
            for record in more { try store.append(Self.id, records: [record]) }
            lock.release()

            let reopened = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem).load(Self.id, repair: false)
            #expect(reopened.outcome == .intact)
            #expect(reopened.events.count == 60)
        }
        #expect(discarded == Self.tailLengths.reduce(0, +))
        print(
            "RESULT test=T02 random=\(randomBytes) cases=\(Self.tailLengths.count) tail_bytes_discarded=\(discarded) checksum_errors_after=0"
        )
    }

    // MARK: T03 bit flips

    struct FlipStats: Sendable {
        var flips = 0
        var silent = 0
        var quarantined = 0
        var torn = 0
    }

    @Test(.tags(.sweep)) func everyBitFlipOfAClosedHistoryIsDetected() async throws {
        let records = Fixtures.history(events: 20, closed: true, withAttempts: true, cycle: Fixtures.compactCycle)
        let bytes = try Fixtures.file(records)
        // About 30,000 scans, split over the cores.
        let chunks = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let total = await withTaskGroup(of: FlipStats.self) { group in
            for chunk in 0..<chunks {
                group.addTask { Self.flipEveryBit(of: bytes, records: records, indices: stride(from: chunk, to: bytes.count, by: chunks)) }
            }
            return await group.reduce(into: FlipStats()) { total, part in
                total.flips += part.flips
                total.silent += part.silent
                total.quarantined += part.quarantined
                total.torn += part.torn
            }
        }
        #expect(total.flips == bytes.count * 8)
        #expect(total.silent == 0)
        #expect(total.quarantined + total.torn == total.flips)
        print(
            "RESULT test=T03 flips=\(total.flips) detected=\(total.quarantined + total.torn) quarantined=\(total.quarantined) torn=\(total.torn) silently_accepted=\(total.silent)"
        )
    }

    static func flipEveryBit(of bytes: [UInt8], records: [HistoryRecord], indices: some Sequence<Int>) -> FlipStats {
        var stats = FlipStats()
        var copy = bytes
        for index in indices {
            for bit in 0..<8 {
                copy[index] ^= 1 << bit
                defer { copy[index] ^= 1 << bit }
                stats.flips += 1
                let result = HistoryRecovery.scan(copy, file: "h", expectedExecutionId: id)
                switch result.outcome {
                case .intact: stats.silent += 1
                case .quarantined: stats.quarantined += 1
                case .tornTail, .empty: stats.torn += 1
                }
                // Whatever the outcome, only original records are ever returned.
                if result.records != Array(records.prefix(result.records.count)) { stats.silent += 1 }
            }
        }
        return stats
    }
}
