import HistoryStore
import StrictJSON
import Testing
import Time
import WorkflowModel

/// Hand-built events and histories for the store tests. JSON objects are written with sorted keys:
/// `JSONObject` equality depends on member order and decoding sorts members.
enum Fixtures {
    static let execution = WorkflowExecution(workflowId: "orders-rollout", runId: "run-1")

    static func timestamp(_ eventId: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: 1_767_225_600_000 + eventId * 1_000)
    }

    /// One event of `type` with id `id` and attributes referring to plausible earlier events.
    static func event(_ type: EventType, id: Int64) -> HistoryEvent {
        let previous = max(1, id - 1)
        let attributes: EventAttributes
        switch type {
        case .workflowExecutionStarted:
            attributes = .workflowExecutionStarted(
                WorkflowExecutionStartedEventAttributes(
                    workflowExecution: execution, workflowType: TypeName(name: "multi-region-rollout", version: "1"),
                    taskList: TaskList(name: "cairn"), input: ["identifier": "orders", "replicaRegions": ["eu-west-1"]],
                    executionStartToCloseTimeout: "24h", taskStartToCloseTimeout: "10s",
                    definition: ["steps": [["activity": "rds.createDBInstance", "id": "create"]]],
                    definitionDigest: "sha256:" + String(repeating: "ab", count: 32),
                    definitionSource: "Workflows/multi-region-rollout.json", identity: "cairn run (pid 4242)"))
        case .workflowExecutionCompleted:
            attributes = .workflowExecutionCompleted(
                .init(result: ["endpoint": "orders.example/3306"], decisionTaskCompletedEventId: previous))
        case .workflowExecutionFailed:
            attributes = .workflowExecutionFailed(
                .init(reason: "rds.InvalidParameter", details: ["message": "bad class"], decisionTaskCompletedEventId: previous))
        case .workflowExecutionTimedOut:
            attributes = .workflowExecutionTimedOut(.init())
        case .workflowExecutionCanceled:
            attributes = .workflowExecutionCanceled(.init(details: nil, decisionTaskCompletedEventId: previous))
        case .workflowExecutionCancelRequested:
            attributes = .workflowExecutionCancelRequested(.init(identity: "cairn cancel (pid 4243)"))
        case .workflowExecutionSignaled:
            attributes = .workflowExecutionSignaled(.init(signalName: "approve", input: ["by": "ops"], identity: "cairn signal"))
        case .workflowExecutionTerminated:
            attributes = .workflowExecutionTerminated(
                .init(reason: "stuck", details: ["ticket": 42], cause: "OPERATOR_INITIATED", identity: "cairn terminate"))
        case .decisionTaskScheduled:
            attributes = .decisionTaskScheduled(.init(taskList: TaskList(name: "cairn"), startToCloseTimeout: "10s"))
        case .decisionTaskStarted:
            attributes = .decisionTaskStarted(.init(scheduledEventId: previous, identity: "decider"))
        case .decisionTaskCompleted:
            attributes = .decisionTaskCompleted(.init(scheduledEventId: max(1, id - 2), startedEventId: previous))
        case .decisionTaskTimedOut:
            attributes = .decisionTaskTimedOut(.init(scheduledEventId: max(1, id - 2), startedEventId: previous))
        case .activityTaskScheduled:
            attributes = .activityTaskScheduled(
                .init(
                    activityType: TypeName(name: "rds.createDBInstance", version: "1"), activityId: "create-\(id)",
                    input: ["DBInstanceIdentifier": "orders", "note": "line\nbreak \"quoted\" / é \u{1}"],
                    control: ActivityControl(step: "create", index: Int(id % 3)), taskList: TaskList(name: "rds"),
                    scheduleToStartTimeout: "NONE", scheduleToCloseTimeout: "2h", startToCloseTimeout: "30m",
                    heartbeatTimeout: "NONE", retryPolicy: .standard, decisionTaskCompletedEventId: previous))
        case .activityTaskStarted:
            attributes = .activityTaskStarted(.init(scheduledEventId: previous, identity: "worker-1", attempt: 2))
        case .activityTaskCompleted:
            attributes = .activityTaskCompleted(
                .init(scheduledEventId: max(1, id - 2), startedEventId: previous, result: ["size": 1.5, "status": "available"]))
        case .activityTaskFailed:
            attributes = .activityTaskFailed(
                .init(scheduledEventId: max(1, id - 2), startedEventId: previous, reason: "rds.Throttling", details: "slow down"))
        case .activityTaskTimedOut:
            attributes = .activityTaskTimedOut(
                .init(scheduledEventId: max(1, id - 2), startedEventId: previous, timeoutType: .heartbeat, details: ["progress": 3]))
        case .activityTaskCancelRequested:
            attributes = .activityTaskCancelRequested(.init(activityId: "create-3", decisionTaskCompletedEventId: previous))
        case .activityTaskCanceled:
            attributes = .activityTaskCanceled(
                .init(
                    scheduledEventId: max(1, id - 2), startedEventId: previous, latestCancelRequestedEventId: previous, details: "stopped"))
        case .timerStarted:
            attributes = .timerStarted(
                .init(
                    timerId: "wait-\(id)", control: ActivityControl(step: "wait"), startToFireTimeout: "10m",
                    decisionTaskCompletedEventId: previous))
        case .timerFired:
            attributes = .timerFired(.init(timerId: "wait-\(previous)", startedEventId: previous))
        case .timerCanceled:
            attributes = .timerCanceled(
                .init(timerId: "wait-\(previous)", startedEventId: previous, decisionTaskCompletedEventId: previous))
        case .markerRecorded:
            attributes = .markerRecorded(
                .init(markerName: "skipped", details: ["step": "replica", "why": nil], decisionTaskCompletedEventId: previous))
        }
        return HistoryEvent(eventId: id, eventTimestamp: timestamp(id), attributes: attributes)
    }

    /// One event of every type, ids 1…21, starting with `WorkflowExecutionStarted`.
    static var everyEventType: [HistoryEvent] {
        EventType.allCases.enumerated().map { event($1, id: Int64($0 + 1)) }
    }

    /// Event types cycled through after the start, closing events excluded.
    static let cycle: [EventType] = [
        .decisionTaskScheduled, .decisionTaskStarted, .decisionTaskCompleted, .activityTaskScheduled,
        .activityTaskStarted, .activityTaskCompleted, .timerStarted, .timerFired, .markerRecorded,
    ]

    /// A `WorkflowExecutionStarted` with a tiny definition, for sweeps whose cost grows with the file's size.
    static let compactStart = HistoryEvent(
        eventId: 1, eventTimestamp: timestamp(1),
        attributes: .workflowExecutionStarted(
            WorkflowExecutionStartedEventAttributes(
                workflowExecution: execution, workflowType: TypeName(name: "w", version: "1"), taskList: TaskList(name: "cairn"),
                input: [:], executionStartToCloseTimeout: "NONE", taskStartToCloseTimeout: "10s", definition: [:],
                definitionDigest: "sha256:00")))

    /// Small event types, for sweeps whose cost grows with the file's size.
    static let compactCycle: [EventType] = [
        .decisionTaskScheduled, .decisionTaskStarted, .decisionTaskCompleted, .timerStarted, .timerFired,
        .activityTaskCompleted, .markerRecorded,
    ]

    /// A history of `count` events: the start, a cycle of ordinary events, and, when `closed`,
    /// `WorkflowExecutionCompleted` last. Every fifth event after the start is followed by an
    /// `ActivityAttemptFailed` record when `withAttempts` is set.
    static func history(
        events count: Int, closed: Bool = false, withAttempts: Bool = false, cycle: [EventType] = cycle
    ) -> [HistoryRecord] {
        var records: [HistoryRecord] = []
        for id in 1...Int64(count) {
            let type: EventType
            if id == 1 {
                records.append(.event(cycle == compactCycle ? compactStart : event(.workflowExecutionStarted, id: 1)))
                continue
            } else if closed && id == count {
                type = .workflowExecutionCompleted
            } else {
                type = cycle[Int(id - 2) % cycle.count]
            }
            records.append(.event(event(type, id: id)))
            if withAttempts && id % 5 == 0 && id != count {
                records.append(.attemptFailed(attempt(scheduledEventId: id - 1, attempt: Int(id / 5))))
            }
        }
        return records
    }

    static func attempt(scheduledEventId: Int64, attempt: Int, next: Bool = true) -> ActivityAttemptFailed {
        ActivityAttemptFailed(
            scheduledEventId: scheduledEventId, activityId: "create-\(scheduledEventId)", attempt: attempt,
            reason: "rds.Throttling", details: "Rate exceeded", timestamp: timestamp(scheduledEventId),
            nextAttemptAt: next ? timestamp(scheduledEventId + 30) : nil)
    }

    /// The bytes of a history file holding `records`.
    static func file(_ records: [HistoryRecord], executionId: String = "orders-rollout") throws -> [UInt8] {
        var bytes = try HistoryFormat.headerLine(executionId: executionId)
        for record in records { bytes += try HistoryFormat.line(for: record) }
        return bytes
    }

    /// The start offset of each line of `bytes` (line 0 is the header).
    static func lineStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") && index + 1 < bytes.count {
            starts.append(index + 1)
        }
        return starts
    }
}

extension Tag {
    /// Exhaustive sweeps (every offset, every bit, every crash point); the slow tests of the suite.
    @Tag static var sweep: Self
}
