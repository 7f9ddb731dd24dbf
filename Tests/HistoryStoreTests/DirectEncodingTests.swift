import HistoryTesting
import StrictJSON
import Testing
import Time
import WorkflowModel

@testable import HistoryStore

/// History records are written by hand-ordered direct writers (`HistoryEvent.writeJSON`), not
/// through `Codable`. These tests hold the two byte for byte over random records of every shape,
/// and check that both refuse the same values.
@Suite struct DirectEncodingTests {
    /// Random values for every field, optional fields present or absent.
    struct Generator {
        var random: SeededRandom

        mutating func int(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &random) }
        mutating func flip() -> Bool { random.next() & 1 == 0 }

        static let pieces = ["a", "Z", "0", "/", "\\", "\"", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "日", "😀", "\u{2028}", " ", ""]

        mutating func string() -> String {
            (0..<Int(int(0...6))).map { _ in Self.pieces[Int(int(0...Int64(Self.pieces.count - 1)))] }.joined()
        }

        mutating func optionalString() -> String? { flip() ? string() : nil }

        mutating func json(depth: Int = 0) -> JSONValue {
            switch int(0...(depth > 3 ? 3 : 5)) {
            case 0: return .null
            case 1: return .bool(flip())
            case 2:
                let integer = Double(int(-9_007_199_254_740_992...9_007_199_254_740_992))
                return .number(flip() ? integer : Double(int(-1_000_000...1_000_000)) / 64)
            case 3: return .string(string())
            case 4: return .array((0..<Int(int(0...3))).map { _ in json(depth: depth + 1) })
            default:
                var object = JSONObject()
                for _ in 0..<Int(int(0...4)) { object[string()] = json(depth: depth + 1) }
                return .object(object)
            }
        }

        mutating func id() -> Int64 { int(0...9_007_199_254_740_992) }
        mutating func timestamp() -> Timestamp { Timestamp(millisecondsSinceEpoch: int(-62_135_596_800_000...253_402_300_799_999)) }
        mutating func timeoutType() -> TimeoutType { TimeoutType.allCases[Int(int(0...3))] }
        mutating func taskList() -> TaskList { TaskList(name: string()) }
        mutating func control() -> ActivityControl {
            ActivityControl(step: string(), index: flip() ? Int(int(0...500)) : nil, role: flip() ? .step : .compensation)
        }

        mutating func attributes(_ type: EventType) -> EventAttributes {
            switch type {
            case .workflowExecutionStarted:
                .workflowExecutionStarted(
                    .init(
                        workflowExecution: WorkflowExecution(workflowId: string(), runId: string()),
                        workflowType: TypeName(name: string(), version: string()), taskList: taskList(), input: json(),
                        executionStartToCloseTimeout: string(), taskStartToCloseTimeout: string(), definition: json(),
                        definitionDigest: string(), definitionSource: optionalString(), identity: optionalString(),
                        tagList: flip() ? (0..<Int(int(0...3))).map { _ in string() } : nil))
            case .workflowExecutionCompleted: .workflowExecutionCompleted(.init(result: json(), decisionTaskCompletedEventId: id()))
            case .workflowExecutionFailed:
                .workflowExecutionFailed(.init(reason: string(), details: json(), decisionTaskCompletedEventId: id()))
            case .workflowExecutionTimedOut: .workflowExecutionTimedOut(.init(timeoutType: timeoutType()))
            case .workflowExecutionCanceled: .workflowExecutionCanceled(.init(details: json(), decisionTaskCompletedEventId: id()))
            case .workflowExecutionCancelRequested: .workflowExecutionCancelRequested(.init(identity: optionalString()))
            case .workflowExecutionSignaled:
                .workflowExecutionSignaled(.init(signalName: string(), input: flip() ? json() : nil, identity: optionalString()))
            case .workflowExecutionTerminated:
                .workflowExecutionTerminated(
                    .init(
                        reason: optionalString(), details: flip() ? json() : nil, cause: optionalString(),
                        identity: optionalString()))
            case .decisionTaskScheduled: .decisionTaskScheduled(.init(taskList: taskList(), startToCloseTimeout: string()))
            case .decisionTaskStarted: .decisionTaskStarted(.init(scheduledEventId: id(), identity: string()))
            case .decisionTaskCompleted: .decisionTaskCompleted(.init(scheduledEventId: id(), startedEventId: id()))
            case .decisionTaskTimedOut:
                .decisionTaskTimedOut(.init(scheduledEventId: id(), startedEventId: id(), timeoutType: timeoutType()))
            case .activityTaskScheduled:
                .activityTaskScheduled(
                    .init(
                        activityType: TypeName(name: string(), version: string()), activityId: string(), input: json(),
                        control: control(), taskList: taskList(), scheduleToStartTimeout: string(),
                        scheduleToCloseTimeout: string(), startToCloseTimeout: string(), heartbeatTimeout: string(),
                        retryPolicy: RetryPolicy(
                            initialInterval: .milliseconds(int(0...100_000_000)), backoffCoefficient: Double(int(100...1_000)) / 64,
                            maximumInterval: .milliseconds(int(0...100_000_000)), maximumAttempts: Int(int(0...100)),
                            nonRetryableErrors: (0..<Int(int(0...3))).map { _ in string() }),
                        decisionTaskCompletedEventId: id()))
            case .activityTaskStarted:
                .activityTaskStarted(.init(scheduledEventId: id(), identity: string(), attempt: Int(int(1...1_000))))
            case .activityTaskCompleted: .activityTaskCompleted(.init(scheduledEventId: id(), startedEventId: id(), result: json()))
            case .activityTaskFailed:
                .activityTaskFailed(.init(scheduledEventId: id(), startedEventId: id(), reason: string(), details: string()))
            case .activityTaskTimedOut:
                .activityTaskTimedOut(
                    .init(scheduledEventId: id(), startedEventId: id(), timeoutType: timeoutType(), details: flip() ? json() : nil))
            case .activityTaskCancelRequested:
                .activityTaskCancelRequested(.init(activityId: string(), decisionTaskCompletedEventId: id()))
            case .activityTaskCanceled:
                .activityTaskCanceled(
                    .init(scheduledEventId: id(), startedEventId: id(), latestCancelRequestedEventId: id(), details: optionalString()))
            case .timerStarted:
                .timerStarted(
                    .init(
                        timerId: string(), control: flip() ? control() : nil, startToFireTimeout: string(),
                        decisionTaskCompletedEventId: id()))
            case .timerFired: .timerFired(.init(timerId: string(), startedEventId: id()))
            case .timerCanceled: .timerCanceled(.init(timerId: string(), startedEventId: id(), decisionTaskCompletedEventId: id()))
            case .markerRecorded: .markerRecorded(.init(markerName: string(), details: json(), decisionTaskCompletedEventId: id()))
            }
        }

        mutating func record() -> HistoryRecord {
            let types = EventType.allCases
            let pick = Int(int(0...Int64(types.count)))
            guard pick < types.count else {
                return .attemptFailed(
                    ActivityAttemptFailed(
                        scheduledEventId: id(), activityId: string(), attempt: Int(int(1...1_000)), reason: string(),
                        details: string(), timestamp: timestamp(), nextAttemptAt: flip() ? timestamp() : nil))
            }
            return .event(HistoryEvent(eventId: id(), eventTimestamp: timestamp(), attributes: attributes(types[pick])))
        }
    }

    @Test func directBytesAreTheCodableBytesForRandomRecordsOfEveryShape() throws {
        var generator = Generator(random: SeededRandom(seed: 0x00C0_FFEE))
        var seen = Set<String>()
        for index in 0..<3_000 {
            let record = generator.record()
            seen.insert(record.event?.eventType.rawValue ?? "ActivityAttemptFailed")
            let direct = try HistoryFormat.encode(record)
            let codable = try HistoryFormat.encodeCodable(record)
            if direct != codable {
                Issue.record(
                    "record \(index): direct \(String(decoding: direct, as: UTF8.self)) != codable \(String(decoding: codable, as: UTF8.self))"
                )
                return
            }
            // And what is written reads back as the record.
            #expect(try HistoryFormat.decode(HistoryRecord.self, from: direct[...]) == normalized(record))
        }
        #expect(seen.count == EventType.allCases.count + 1)
    }

    /// The direct reader gives what `Codable` gives for every written record, and for records
    /// damaged at random (a member removed, or its value replaced) it either gives up or agrees
    /// with `Codable` too: it never accepts what `Codable` refuses or reads it differently.
    @Test func directReadingAgreesWithCodableOnWrittenAndDamagedRecords() throws {
        var generator = Generator(random: SeededRandom(seed: 0x0BAD_5EED))
        var damagedAccepted = 0
        var damagedRefused = 0
        for index in 0..<3_000 {
            let record = generator.record()
            let parsed = try JSONValue(parsing: HistoryFormat.encode(record), maxDepth: 600)
            let direct = HistoryRecord(directJSON: parsed)
            #expect(direct != nil, "record \(index) was not read directly")
            #expect(direct == (try JSONValueDecoder().decode(HistoryRecord.self, from: parsed)))

            let damaged = damage(parsed, &generator)
            let codable = try? JSONValueDecoder().decode(HistoryRecord.self, from: damaged)
            if let directDamaged = HistoryRecord(directJSON: damaged) {
                damagedAccepted += 1
                #expect(codable == directDamaged, "record \(index): \(damaged.canonicalString())")
            } else {
                damagedRefused += 1
            }
        }
        // Both outcomes occur, so both branches above were exercised.
        #expect(damagedAccepted > 100)
        #expect(damagedRefused > 100)
    }

    /// `value` with one member, at any depth of the record's own objects, removed or replaced.
    func damage(_ value: JSONValue, _ generator: inout Generator) -> JSONValue {
        guard case .object(var object) = value, !object.isEmpty else { return value }
        let keys = object.keys
        let key = keys[Int(generator.int(0...Int64(keys.count - 1)))]
        let member = object[key] ?? .null
        switch generator.int(0...4) {
        case 0: object[key] = nil
        case 1: object[key] = .null
        case 2: object[key] = .string("x")
        case 3: object[key] = .number(1.5)
        default:
            if case .object = member {
                object[key] = damage(member, &generator)
            } else {
                object[key] = .number(7)
            }
        }
        return .object(object)
    }

    /// `"details":null` reads back as an absent optional, as `decodeIfPresent` does.
    func normalized(_ record: HistoryRecord) -> HistoryRecord {
        // An optional JSON value that is null reads back as absent.
        guard case .event(var event) = record else { return record }
        switch event.attributes {
        case .activityTaskTimedOut(var attributes) where attributes.details == .null:
            attributes.details = nil
            event.attributes = .activityTaskTimedOut(attributes)
        case .workflowExecutionSignaled(var attributes) where attributes.input == .null:
            attributes.input = nil
            event.attributes = .workflowExecutionSignaled(attributes)
        case .workflowExecutionTerminated(var attributes) where attributes.details == .null:
            attributes.details = nil
            event.attributes = .workflowExecutionTerminated(attributes)
        default:
            return record
        }
        return .event(event)
    }

    @Test func bothWritersRefuseWhatJSONCannotHoldExactly() throws {
        let beyond = HistoryRecord.event(
            HistoryEvent(
                eventId: 9_007_199_254_740_993, eventTimestamp: Fixtures.timestamp(1),
                attributes: .timerFired(.init(timerId: "t", startedEventId: 1))))
        let notANumber = HistoryRecord.event(
            HistoryEvent(
                eventId: 2, eventTimestamp: Fixtures.timestamp(2),
                attributes: .activityTaskCompleted(.init(scheduledEventId: 1, startedEventId: 1, result: ["x": [.number(.infinity)]]))))
        for record in [beyond, notANumber] {
            #expect { try HistoryFormat.encodeCodable(record) } throws: {
                ($0 as? StoreError)?.code == StoreError.Code.invalidRecord
            }
            #expect { try HistoryFormat.line(for: record) } throws: {
                ($0 as? StoreError)?.code == StoreError.Code.invalidRecord
            }
        }
    }

    @Test func linesAreTheLinesOneAfterAnother() throws {
        let records = Fixtures.everyEventType.map { HistoryRecord.event($0) }
        var expected: [UInt8] = []
        for record in records { expected += try HistoryFormat.line(for: record) }
        #expect(try HistoryFormat.lines(for: records) == expected)
    }

    @Test func aRefusedLineLeavesTheBytesBeforeItAsTheyWere() throws {
        let good = HistoryRecord.event(Fixtures.event(.timerFired, id: 7))
        let tooLarge = HistoryRecord.event(
            HistoryEvent(
                eventId: 8, eventTimestamp: Fixtures.timestamp(8),
                attributes: .activityTaskCompleted(
                    .init(scheduledEventId: 1, startedEventId: 1, result: .string(String(repeating: "x", count: Limits.recordBytesMax))))))
        let notANumber = HistoryRecord.event(
            HistoryEvent(
                eventId: 8, eventTimestamp: Fixtures.timestamp(8),
                attributes: .activityTaskCompleted(.init(scheduledEventId: 1, startedEventId: 1, result: ["x": .number(.nan)]))))
        for (refused, code) in [(tooLarge, StoreError.Code.recordTooLarge), (notANumber, StoreError.Code.invalidRecord)] {
            var bytes = try HistoryFormat.line(for: good)
            let before = bytes
            #expect { try HistoryFormat.appendLine(for: refused, to: &bytes) } throws: { ($0 as? StoreError)?.code == code }
            #expect(bytes == before)
            #expect { try HistoryFormat.lines(for: [good, refused]) } throws: { ($0 as? StoreError)?.code == code }
        }
    }
}
