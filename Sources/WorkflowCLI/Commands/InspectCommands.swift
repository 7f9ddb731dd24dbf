import Foundation
import HistoryStore
import StateDirectory
import StrictJSON
import Time
import WorkflowEngine
import WorkflowModel

/// `cairn list`
enum ListCommand {
    static let command = Command(
        name: "list", summary: "list executions in the state directory",
        usage: "cairn list [--json]",
        details: "Status is running (open), completed, failed, canceled, timed_out, or quarantined (damaged history).",
        options: [OptionSpec(name: "json", takesValue: false, help: "one JSON object per execution, one per line")],
        run: run)

    static func run(_ invocation: Invocation) async throws -> Int32 {
        guard invocation.arguments.positionals.isEmpty else { throw UsageError(message: "list takes no arguments") }
        let directory = invocation.stateDirectory
        guard try directory.hasExecutions() else {
            if !invocation.arguments.flag("json") {
                let exists = try directory.exists()
                invocation.console.line(
                    exists ? "no executions in \(directory.path)" : "no executions (no state directory at \(directory.path))")
            }
            return ExitStatus.success
        }
        let store = try directory.openForReading()
        var rows: [[String]] = [["EXECUTION", "WORKFLOW", "STATUS", "STARTED", "CLOSED", "EVENTS"]]
        var damaged: [String] = []
        for id in try store.listExecutions() {
            let summary = try LoadedExecution.load(id, from: store).summary()
            if let quarantine = summary.quarantine {
                damaged.append("\(id): \(quarantine.reason) (\(quarantine.file), byte \(quarantine.offset)); see `cairn show \(id)`")
            }
            if invocation.arguments.flag("json") {
                var object = JSONObject()
                object["executionId"] = .string(id)
                object["workflow"] = summary.workflowName.map { .string($0) } ?? .null
                object["status"] = .string(summary.status.rawValue)
                object["startedAt"] = summary.startedAt.map { .string($0.iso8601) } ?? .null
                object["closedAt"] = summary.closedAt.map { .string($0.iso8601) } ?? .null
                object["events"] = .number(Double(summary.eventCount))
                if let quarantine = summary.quarantine { object["quarantine"] = ShowCommand.json(quarantine) }
                invocation.console.line(JSONValue.object(object).canonicalString())
            } else {
                rows.append([
                    id, summary.workflowName ?? "?", summary.status.rawValue, summary.startedAt?.iso8601 ?? "-",
                    summary.closedAt?.iso8601 ?? "-", String(summary.eventCount),
                ])
            }
        }
        if !invocation.arguments.flag("json") {
            if rows.count == 1 {
                invocation.console.line("no executions in \(directory.path)")
            } else {
                for line in table(rows) { invocation.console.line(line) }
                if !damaged.isEmpty {
                    invocation.console.line("")
                    invocation.console.line("damaged histories (quarantined; their files are left untouched):")
                    for line in damaged { invocation.console.line("  " + line) }
                }
            }
        }
        return ExitStatus.success
    }
}

/// `cairn show ID`
enum ShowCommand {
    static let command = Command(
        name: "show", summary: "show an execution's status and steps",
        usage: "cairn show ID [--json]",
        details: """
            Reads the history without changing it; works while an engine runs the execution.
            --json prints one object: executionId, workflow, status, steps, and "retries", every failed attempt
            that was retried in history order, shaped as `history --json` prints it.
            """,
        options: [OptionSpec(name: "json", takesValue: false, help: "print one JSON object (it has a \"status\" field)")],
        run: run)

    static func run(_ invocation: Invocation) async throws -> Int32 {
        let id = try invocation.executionId()
        let store = try invocation.stateDirectory.openForReading(lookingFor: id)
        let loaded = try LoadedExecution.load(id, from: store)
        let summary = loaded.summary()
        // A damaged history stops at its last intact event; its open steps are not counted up to now.
        let now =
            loaded.quarantine == nil ? SystemWallClock().now() : loaded.recovered.events.last?.eventTimestamp ?? SystemWallClock().now()
        if invocation.arguments.flag("json") {
            invocation.console.line(try summary.json(now: now).prettyString())
            return ExitStatus.success
        }
        for line in describe(summary, now: now) { invocation.console.line(line) }
        return ExitStatus.success
    }

    /// The `quarantine` member of `show --json` and `list --json`.
    static func json(_ quarantine: Quarantine) -> JSONValue {
        ["file": .string(quarantine.file), "offset": .number(Double(quarantine.offset)), "reason": .string(quarantine.reason)]
    }

    /// The text form of `show`, also printed at the end of `run` and `resume`.
    static func describe(_ summary: ExecutionSummary, now: Timestamp) -> [String] {
        var lines = ["execution \(summary.executionId)" + (summary.runId.map { " (run \($0))" } ?? "")]
        if let name = summary.workflowName { lines.append("workflow  \(name)") }
        lines.append("status    \(summary.status.rawValue)")
        if let startedAt = summary.startedAt { lines.append("started   \(startedAt.iso8601)") }
        if let closedAt = summary.closedAt, let startedAt = summary.startedAt {
            lines.append("closed    \(closedAt.iso8601) (after \(shortDuration(closedAt.interval(since: startedAt))))")
        }
        if let quarantine = summary.quarantine {
            lines.append("damaged   \(quarantine.reason)")
            lines.append("          file \(quarantine.file), byte \(quarantine.offset); the file is left untouched")
            lines.append("          Cairn will not resume it. Restore the file from a backup, or start a new execution")
            lines.append("          with another --id; `cairn history \(summary.executionId)` prints the events before the damage.")
        }
        if !summary.steps.isEmpty {
            lines.append("")
            if summary.quarantine != nil { lines.append("steps as of the last intact event (#\(summary.eventCount)):") }
            lines += summary.stepLines(now: now)
        }
        switch summary.closeEvent?.attributes {
        case .workflowExecutionCompleted(let completed)?:
            lines += ["", "result:"] + completed.result.prettyString().split(separator: "\n").map { "  " + $0 }
        case .workflowExecutionFailed(let failed)?:
            lines += ["", "failure: \(failed.reason)"] + failed.details.prettyString().split(separator: "\n").map { "  " + $0 }
        case .workflowExecutionCanceled(let canceled)?:
            lines += ["", "canceled:"] + canceled.details.prettyString().split(separator: "\n").map { "  " + $0 }
        case .workflowExecutionTimedOut?:
            lines += ["", "timed out: the execution's executionTimeout expired"]
        default:
            break
        }
        return lines
    }
}

/// `cairn history ID`
enum HistoryCommand {
    static let command = Command(
        name: "history", summary: "print an execution's event history",
        usage: "cairn history ID [--json]",
        details: """
            Events use Amazon SWF's names and fields. --json prints one record per line as recorded, in history
            order: each event has eventId, eventType, eventTimestamp and its attributes (e.g.
            activityTaskScheduledEventAttributes). A failed attempt that was retried is an engine record, not an
            event: its line has "record": "ActivityAttemptFailed", scheduledEventId, activityId, attempt, reason,
            details, timestamp and nextAttemptAt (docs/history-format.md, section 4.2); the text form shows it indented.
            """,
        options: [OptionSpec(name: "json", takesValue: false, help: "one JSON record (event or retry) per line")],
        run: run)

    static func run(_ invocation: Invocation) async throws -> Int32 {
        let id = try invocation.executionId()
        let store = try invocation.stateDirectory.openForReading(lookingFor: id)
        let loaded = try LoadedExecution.load(id, from: store)
        let json = invocation.arguments.flag("json")
        for record in loaded.recovered.records {
            switch record {
            case .event(let event):
                if json {
                    invocation.console.line(try encode(record))
                } else {
                    invocation.console.line(describe(event))
                }
            case .attemptFailed(let attempt):
                if json {
                    invocation.console.line(try encode(record))
                } else {
                    invocation.console.line(
                        "        \(attempt.timestamp.iso8601)  attempt \(attempt.attempt) of \(attempt.activityId) failed: "
                            + "\(attempt.reason): \(attempt.details)"
                            + (attempt.nextAttemptAt.map { "; retry at \($0.iso8601)" } ?? ""))
                }
            }
        }
        if let quarantine = loaded.quarantine {
            invocation.console.error("history is damaged: \(quarantine.reason) (\(quarantine.file), byte \(quarantine.offset))")
            return ExitStatus.failure
        }
        return ExitStatus.success
    }

    /// The record's JSON exactly as its history line holds it.
    static func encode(_ record: HistoryRecord) throws -> String {
        String(decoding: try HistoryFormat.payload(for: record), as: UTF8.self)
    }

    /// One line per event: id, time, type and the attributes that matter most.
    static func describe(_ event: HistoryEvent) -> String {
        let id = String(event.eventId)
        let head =
            String(repeating: " ", count: max(0, 6 - id.count)) + id + "  " + event.eventTimestamp.iso8601 + "  "
            + event.eventType.rawValue
        var detail = ""
        switch event.attributes {
        case .workflowExecutionStarted(let a):
            detail = "workflow=\(a.workflowType.name) run=\(a.workflowExecution.runId) input=\(a.input.canonicalString())"
        case .activityTaskScheduled(let a):
            detail = "activityId=\(a.activityId) type=\(a.activityType.name) input=\(a.input.canonicalString())"
        case .activityTaskStarted(let a):
            detail = "scheduledEventId=\(a.scheduledEventId) attempt=\(a.attempt) identity=\"\(a.identity)\""
        case .activityTaskCompleted(let a):
            detail = "scheduledEventId=\(a.scheduledEventId) result=\(a.result.canonicalString())"
        case .activityTaskFailed(let a):
            detail = "scheduledEventId=\(a.scheduledEventId) reason=\(a.reason) details=\"\(a.details)\""
        case .activityTaskTimedOut(let a):
            detail = "scheduledEventId=\(a.scheduledEventId) timeoutType=\(a.timeoutType.rawValue)"
        case .activityTaskCancelRequested(let a):
            detail = "activityId=\(a.activityId)"
        case .activityTaskCanceled(let a):
            detail = "scheduledEventId=\(a.scheduledEventId)"
        case .timerStarted(let a):
            detail = "timerId=\(a.timerId) startToFireTimeout=\(a.startToFireTimeout)"
        case .timerFired(let a):
            detail = "timerId=\(a.timerId)"
        case .timerCanceled(let a):
            detail = "timerId=\(a.timerId)"
        case .markerRecorded(let a):
            detail = "markerName=\(a.markerName) details=\(a.details.canonicalString())"
        case .workflowExecutionCompleted(let a):
            detail = "result=\(a.result.canonicalString())"
        case .workflowExecutionFailed(let a):
            detail = "reason=\(a.reason) details=\(a.details.canonicalString())"
        case .workflowExecutionCanceled(let a):
            detail = "details=\(a.details.canonicalString())"
        case .workflowExecutionCancelRequested(let a):
            detail = a.identity.map { "identity=\"\($0)\"" } ?? ""
        case .decisionTaskStarted(let a):
            detail = "scheduledEventId=\(a.scheduledEventId)"
        case .decisionTaskCompleted(let a):
            detail = "scheduledEventId=\(a.scheduledEventId) startedEventId=\(a.startedEventId)"
        case .decisionTaskTimedOut(let a):
            detail = "scheduledEventId=\(a.scheduledEventId) startedEventId=\(a.startedEventId)"
        default:
            break
        }
        return detail.isEmpty ? head : head + "  " + detail
    }
}
