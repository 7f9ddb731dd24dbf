import HistoryStore
import StrictJSON
import Time
import WorkflowDecider
import WorkflowEngine
import WorkflowModel

/// One row of the step table shown by `cairn show` and by live progress.
struct StepRow: Equatable {
    var id: String
    /// The decider's step status, refined with live attempt state (`queued`, `running`, `retrying`).
    var status: String
    /// The attempt in progress or that produced the outcome.
    var attempt: Int?
    var startedAt: Timestamp?
    var closedAt: Timestamp?
    /// For `forEach` steps: how many instances completed, of how many.
    var instances: (done: Int, total: Int)?
    /// The latest progress report, or the last failure when retrying.
    var note: String?

    static func == (lhs: StepRow, rhs: StepRow) -> Bool {
        lhs.id == rhs.id && lhs.status == rhs.status && lhs.attempt == rhs.attempt
            && lhs.instances?.done == rhs.instances?.done && lhs.instances?.total == rhs.instances?.total
    }

    func elapsed(now: Timestamp) -> Interval? {
        guard let startedAt else { return nil }
        return (closedAt ?? now).interval(since: startedAt)
    }

    func json(now: Timestamp) -> JSONValue {
        var object = JSONObject()
        object["step"] = .string(id)
        object["status"] = .string(status)
        if let attempt { object["attempt"] = .number(Double(attempt)) }
        if let startedAt { object["startedAt"] = .string(startedAt.iso8601) }
        if let closedAt { object["closedAt"] = .string(closedAt.iso8601) }
        if let elapsed = elapsed(now: now) { object["elapsedMs"] = .number(Double(elapsed.milliseconds)) }
        if let instances {
            object["instancesDone"] = .number(Double(instances.done))
            object["instances"] = .number(Double(instances.total))
        }
        if let note { object["note"] = .string(note) }
        return .object(object)
    }
}

/// Everything `show` prints about an execution, derived from its history (and, during a run, the
/// engine's live attempts).
struct ExecutionSummary {
    var executionId: String
    var runId: String?
    var workflowName: String?
    var status: ExecutionStatus
    var startedAt: Timestamp?
    var closedAt: Timestamp?
    var steps: [StepRow]
    /// The failed attempts that were retried (records, not events), in history order.
    var retries: [ActivityAttemptFailed]
    var closeEvent: HistoryEvent?
    var quarantine: Quarantine?
    var eventCount: Int

    /// Builds the summary from a definition, the folded history, the attempt records and live attempts.
    static func make(
        executionId: String, definition: WorkflowDefinition?, state: HistoryState, records: [HistoryRecord],
        live: [String: LiveAttempt] = [:]
    ) -> ExecutionSummary {
        var failedAttempts: [String: ActivityAttemptFailed] = [:]
        var retries: [ActivityAttemptFailed] = []
        for record in records {
            if case .attemptFailed(let attempt) = record {
                failedAttempts[attempt.activityId] = attempt
                retries.append(attempt)
            }
        }
        let progress = definition.map { Decider.evaluate(definition: $0, state: state).steps } ?? []
        return ExecutionSummary(
            executionId: executionId, runId: state.execution?.runId, workflowName: definition?.name ?? state.started?.workflowType.name,
            status: state.status, startedAt: state.startedAt, closedAt: state.closeEvent?.eventTimestamp,
            steps: rows(progress, state: state, failedAttempts: failedAttempts, live: live), retries: retries,
            closeEvent: state.closeEvent, quarantine: nil, eventCount: state.eventCount)
    }

    /// One row per step of the decider's `progress`, refined with the live attempts: the decider is
    /// not run here, so a display can redraw from live changes without deciding again.
    static func rows(
        _ progress: [StepProgress], state: HistoryState, failedAttempts: [String: ActivityAttemptFailed] = [:],
        live: [String: LiveAttempt]
    ) -> [StepRow] {
        progress.map { row($0, state: state, failedAttempts: failedAttempts, live: live) }
    }

    private static func row(
        _ step: StepProgress, state: HistoryState, failedAttempts: [String: ActivityAttemptFailed],
        live: [String: LiveAttempt]
    ) -> StepRow {
        let ids = step.compensationIds.isEmpty ? step.activityIds : step.compensationIds
        let activities = ids.compactMap { state.activities[$0] }
        var row = StepRow(id: step.stepId, status: step.status.rawValue)
        if let timer = state.timers[step.stepId] {
            row.startedAt = timer.startedAt
            if case .fired? = timer.outcome { row.closedAt = timer.fireAt }
        }
        guard !activities.isEmpty else { return row }
        row.startedAt = activities.map(\.scheduledAt).min()
        if activities.allSatisfy({ !$0.isOpen }) { row.closedAt = activities.compactMap(\.closedAt).max() }
        // The decider counts the elements of every forEach step it has started.
        if let total = step.instanceCount {
            let done = step.activityIds.filter { id in
                if case .completed? = state.activities[id]?.outcome { return true }
                return false
            }.count
            row.instances = (done, total)
        }
        var attempt = 0
        for activity in activities {
            let id = activity.scheduled.activityId
            if let info = live[id] {
                attempt = max(attempt, info.attempt)
                if activity.isOpen, step.status == .running || step.status == .compensating {
                    row.status = info.phase == .backoff ? "retrying" : info.phase.rawValue
                    if step.status == .compensating { row.status = "compensating" }
                    if info.phase == .backoff, let failure = info.lastFailure {
                        row.note = "\(failure.reason): \(failure.details)"
                    } else if let report = info.report {
                        row.note = report
                    }
                }
            } else if activity.isOpen {
                attempt = max(attempt, (failedAttempts[id]?.attempt ?? 0) + 1)
            } else {
                attempt = max(attempt, activity.attempt)
            }
            if case .failed(let reason, let details)? = activity.outcome { row.note = "\(reason): \(details)" }
            if case .timedOut(let type, _)? = activity.outcome { row.note = "timed out (\(type.rawValue))" }
        }
        row.attempt = attempt > 0 ? attempt : nil
        return row
    }

    /// The JSON form of `show --json`.
    func json(now: Timestamp) throws -> JSONValue {
        var object = JSONObject()
        object["executionId"] = .string(executionId)
        if let runId { object["runId"] = .string(runId) }
        if let workflowName { object["workflow"] = .string(workflowName) }
        object["status"] = .string(status.rawValue)
        if let startedAt { object["startedAt"] = .string(startedAt.iso8601) }
        if let closedAt { object["closedAt"] = .string(closedAt.iso8601) }
        object["events"] = .number(Double(eventCount))
        object["steps"] = .array(steps.map { $0.json(now: now) })
        object["retries"] = .array(try retries.map(Self.json))
        switch closeEvent?.attributes {
        case .workflowExecutionCompleted(let completed)?:
            object["result"] = completed.result
        case .workflowExecutionFailed(let failed)?:
            object["failure"] = ["reason": .string(failed.reason), "details": failed.details]
        case .workflowExecutionCanceled(let canceled)?:
            object["cancellation"] = canceled.details
        case .workflowExecutionTimedOut(let timedOut)?:
            object["timeout"] = .string(timedOut.timeoutType.rawValue)
        default:
            break
        }
        if let quarantine { object["quarantine"] = ShowCommand.json(quarantine) }
        return .object(object)
    }

    /// A retry record as `show --json` and `history --json` print it: the object its history line
    /// holds (docs/history-format.md, section 4.2), so scripts read one shape in both.
    static func json(_ retry: ActivityAttemptFailed) throws -> JSONValue {
        try JSONValue(parsing: HistoryFormat.payload(for: .attemptFailed(retry)))
    }

    /// Text lines of the step table.
    func stepLines(now: Timestamp) -> [String] {
        var rows: [[String]] = [["STEP", "STATE", "ATTEMPT", "ELAPSED", "NOTE"]]
        for step in steps {
            var state = step.status
            if let instances = step.instances { state += " \(instances.done)/\(instances.total)" }
            rows.append([
                step.id, state, step.attempt.map(String.init) ?? "-",
                step.elapsed(now: now).map(shortDuration) ?? "-", step.note ?? "",
            ])
        }
        return table(rows)
    }
}
