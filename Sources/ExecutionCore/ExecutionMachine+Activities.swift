import StrictJSON
import Time
import WorkflowModel

// Activity attempts: queued in their task list, started by a worker, ended by the worker, a timeout
// or cancellation; retried or closed by one retry decision.

extension ExecutionMachine {
    /// Puts `id`'s current attempt in its task list under a new token.
    mutating func queueAttempt(_ id: Int64) {
        guard var run = runs[id], let execution = state.execution else { return }
        let token = makeToken("\(id)/\(run.attempt)")
        run.phase = .queued(token: token, since: now)
        runs[id] = run
        if let scheduleToStart = run.timeouts.scheduleToStart { arm(.scheduleToStart(id), at: now.adding(scheduleToStart)) }
        output.actions.append(
            .offerActivityTask(
                ActivityTask(
                    taskToken: token, workflowExecution: execution, activityId: run.attributes.activityId,
                    stepId: run.attributes.control.step, activityType: run.attributes.activityType,
                    taskList: run.attributes.taskList.name, input: run.attributes.input, attempt: run.attempt,
                    scheduledEventId: id)))
    }

    mutating func armScheduleToClose(_ run: ActivityRun) {
        if let scheduleToClose = run.timeouts.scheduleToClose {
            arm(.scheduleToClose(run.scheduledEventId), at: run.scheduledAt.adding(scheduleToClose))
        }
    }

    /// The run whose current attempt `token` names.
    func run(for token: String) throws(ExecutionError) -> ActivityRun {
        guard let id = Self.scheduledEventId(in: token, executionId: executionId), let run = runs[id], run.token == token
        else { throw .unknownTask(token) }
        return run
    }

    /// The scheduled event id in an activity token (`<execution>/<id>/<attempt>/<serial>`); read
    /// without allocating, as it is on the path of every attempt.
    static func scheduledEventId(in token: String, executionId: String) -> Int64? {
        var bytes = token.utf8.makeIterator()
        for expected in executionId.utf8 {
            guard bytes.next() == expected else { return nil }
        }
        guard bytes.next() == UInt8(ascii: "/") else { return nil }
        var id: Int64 = 0
        var digits = 0
        while let byte = bytes.next() {
            if byte == UInt8(ascii: "/") { return digits > 0 ? id : nil }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 18 else { return nil }
            id = id * 10 + Int64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return nil
    }

    mutating func startAttempt(_ token: String, identity: String) throws(ExecutionError) {
        var run = try run(for: token)
        guard run.isQueued(token) else { throw .unknownTask(token) }
        let id = run.scheduledEventId
        run.phase = .running(
            RunningAttempt(token: token, startedAt: now, identity: identity, lastHeartbeatAt: now, heartbeatDetails: nil))
        runs[id] = run
        disarm(.scheduleToStart(id))
        if let startToClose = run.timeouts.startToClose { arm(.startToClose(id), at: now.adding(startToClose)) }
        if let heartbeat = run.timeouts.heartbeat { arm(.heartbeat(id), at: now.adding(heartbeat)) }
        output.actions.append(.attemptStarted(activityId: run.attributes.activityId, attempt: run.attempt, at: now))
        if run.cancelRequested { output.actions.append(.cancelAttempt(taskToken: token)) }
    }

    mutating func heartbeat(_ token: String, details: JSONValue?) throws(ExecutionError) {
        var run = try run(for: token)
        guard var attempt = run.running(token) else { throw .unknownTask(token) }
        attempt.lastHeartbeatAt = now
        attempt.heartbeatDetails = details
        run.phase = .running(attempt)
        runs[run.scheduledEventId] = run
        if let heartbeat = run.timeouts.heartbeat { arm(.heartbeat(run.scheduledEventId), at: now.adding(heartbeat)) }
        output.cancelRequested = run.cancelRequested
    }

    mutating func endAttempt(_ token: String, _ outcome: AttemptOutcome) throws(ExecutionError) {
        let run = try run(for: token)
        guard run.running(token) != nil else { throw .unknownTask(token) }
        let id = run.scheduledEventId
        switch outcome {
        case .completed(let result) where result.canonicalBytes().count > Limits.payloadBytesMax:
            attemptFailed(
                run,
                ActivityFailure(
                    reason: "ResultTooLarge",
                    details: "the result is larger than \(Limits.payloadBytesMax) bytes; return a reference instead",
                    isNonRetryable: true))
        case .completed(let result):
            closeActivity(run, .activityTaskCompleted(ActivityTaskCompletedEventAttributes(scheduledEventId: id, startedEventId: 0, result: result)))
            requestDecision()
        case .failed(let failure):
            attemptFailed(run, failure)
        case .canceled(let details) where run.cancelRequested:
            let requested = state.activities[run.attributes.activityId]?.cancelRequestedEventId ?? 0
            closeActivity(
                run,
                .activityTaskCanceled(
                    ActivityTaskCanceledEventAttributes(
                        scheduledEventId: id, startedEventId: 0, latestCancelRequestedEventId: requested, details: details)))
            requestDecision()
        case .canceled(let details):
            attemptFailed(run, ActivityFailure(reason: "ActivityCanceled", details: details ?? "the activity stopped itself"))
        }
    }

    /// A failed attempt: retried, or the activity fails.
    mutating func attemptFailed(_ run: ActivityRun, _ failure: ActivityFailure) {
        switch RetryDecision.after(run, reason: failure.reason, isNonRetryable: failure.isNonRetryable, now: now) {
        case .retry(let nextAt):
            retry(run, failure, at: nextAt)
        case .close:
            closeActivity(
                run,
                .activityTaskFailed(
                    ActivityTaskFailedEventAttributes(
                        scheduledEventId: run.scheduledEventId, startedEventId: 0, reason: failure.reason, details: failure.details)))
            requestDecision()
        }
    }

    /// A running attempt passed its start-to-close or heartbeat timeout: retried, or the activity times out.
    mutating func attemptTimedOut(_ run: ActivityRun, _ attempt: RunningAttempt, _ type: TimeoutType) {
        let limit = type == .startToClose ? run.timeouts.startToClose : run.timeouts.heartbeat
        let failure = ActivityFailure(
            reason: "Timeout.\(type.rawValue)",
            details: "attempt \(run.attempt) hit its \(type.rawValue) timeout (\(limit?.description ?? "?"))")
        output.actions.append(.cancelAttempt(taskToken: attempt.token))
        switch RetryDecision.after(run, reason: failure.reason, isNonRetryable: false, now: now) {
        case .retry(let nextAt):
            retry(run, failure, at: nextAt)
        case .close:
            closeActivity(run, timedOut(run.scheduledEventId, type, details: attempt.heartbeatDetails))
            requestDecision()
        }
    }

    /// Ends the current attempt and waits for the next one: a retry record, not an event.
    mutating func retry(_ run: ActivityRun, _ failure: ActivityFailure, at nextAt: Timestamp) {
        var run = run
        let id = run.scheduledEventId
        endCurrentAttempt(&run)
        precondition(output.retry == nil, "two retry records in one batch")
        output.retry = ActivityAttemptFailed(
            scheduledEventId: id, activityId: run.attributes.activityId, attempt: run.attempt, reason: failure.reason,
            details: failure.details, timestamp: now, nextAttemptAt: nextAt)
        output.actions.append(
            .attemptWillRetry(activityId: run.attributes.activityId, attempt: run.attempt, failure: failure, nextAttemptAt: nextAt))
        run.lastFailure = failure
        run.attempt += 1
        run.phase = .backoff(until: nextAt)
        runs[id] = run
        arm(.retry(id), at: nextAt)
    }

    /// Kills the current attempt's token: a queued task is withdrawn, a running attempt's deadlines
    /// are disarmed. (Telling a running worker to stop is the caller's choice.)
    mutating func endCurrentAttempt(_ run: inout ActivityRun) {
        let id = run.scheduledEventId
        if case .queued(let token, _) = run.phase {
            output.actions.append(.withdrawActivityTask(taskToken: token, taskList: run.attributes.taskList.name))
        }
        run.phase = .backoff(until: now)
        disarm(.scheduleToStart(id))
        disarm(.startToClose(id))
        disarm(.heartbeat(id))
    }

    /// Records the activity's outcome (after `ActivityTaskStarted` when an attempt ran: at the time it
    /// really started, so a history shows each attempt's latency) and forgets the run. The caller
    /// requests a decision.
    mutating func closeActivity(_ run: ActivityRun, _ outcome: EventAttributes) {
        var run = run
        let id = run.scheduledEventId
        var startedEventId: Int64 = 0
        if case .running(let attempt) = run.phase {
            record(
                .activityTaskStarted(ActivityTaskStartedEventAttributes(scheduledEventId: id, identity: attempt.identity, attempt: run.attempt)),
                at: attempt.startedAt)
            startedEventId = state.lastEventId
        }
        record(outcome.settingStartedEventId(startedEventId))
        endCurrentAttempt(&run)
        disarm(.scheduleToClose(id))
        disarm(.retry(id))
        runs[id] = nil
    }

    func timedOut(_ id: Int64, _ type: TimeoutType, details: JSONValue?) -> EventAttributes {
        .activityTaskTimedOut(ActivityTaskTimedOutEventAttributes(scheduledEventId: id, startedEventId: 0, timeoutType: type, details: details))
    }
}

extension EventAttributes {
    /// An activity outcome pointing at its `ActivityTaskStarted` event.
    func settingStartedEventId(_ startedEventId: Int64) -> EventAttributes {
        switch self {
        case .activityTaskCompleted(var a):
            a.startedEventId = startedEventId
            return .activityTaskCompleted(a)
        case .activityTaskFailed(var a):
            a.startedEventId = startedEventId
            return .activityTaskFailed(a)
        case .activityTaskTimedOut(var a):
            a.startedEventId = startedEventId
            return .activityTaskTimedOut(a)
        case .activityTaskCanceled(var a):
            a.startedEventId = startedEventId
            return .activityTaskCanceled(a)
        default:
            return self
        }
    }
}
