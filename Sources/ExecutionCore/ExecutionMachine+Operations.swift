import StrictJSON
import WorkflowModel

// Deadlines, and what operators do from outside: cancel, terminate, signal. Closing.

extension ExecutionMachine {
    /// A deadline passed. One no longer armed, or re-armed for later (a heartbeat moved it), is
    /// stale and does nothing: the driver may deliver a deadline it could not disarm in time.
    mutating func deadlineFired(_ key: DeadlineKey) {
        guard let due = armed[key], !(now < due) else { return }
        armed[key] = nil
        switch key {
        case .timer(let timerId):
            guard let timer = state.timers[timerId], timer.outcome == nil else { return }
            record(.timerFired(TimerFiredEventAttributes(timerId: timerId, startedEventId: timer.startedEventId)))
            requestDecision()
        case .executionTimeout:
            record(.workflowExecutionTimedOut(WorkflowExecutionTimedOutEventAttributes()))
            close()
        case .decisionTaskStartToClose:
            decisionTaskTimedOut()
        case .retry(let id):
            guard let run = runs[id], case .backoff = run.phase else { return }
            queueAttempt(id)
        case .scheduleToStart(let id):
            guard let run = runs[id], case .queued = run.phase else { return }
            closeActivity(run, timedOut(id, .scheduleToStart, details: nil))
            requestDecision()
        case .scheduleToClose(let id):
            guard let run = runs[id] else { return }
            var details: JSONValue?
            if case .running(let attempt) = run.phase {
                details = attempt.heartbeatDetails
                output.actions.append(.cancelAttempt(taskToken: attempt.token))
            }
            closeActivity(run, timedOut(id, .scheduleToClose, details: details))
            requestDecision()
        case .startToClose(let id), .heartbeat(let id):
            guard let run = runs[id], case .running(let attempt) = run.phase else { return }
            attemptTimedOut(run, attempt, key == .startToClose(id) ? .startToClose : .heartbeat)
        }
    }

    /// The decider holding the decision task took too long: SWF records `DecisionTaskTimedOut` and
    /// schedules a new one. With no room left for another round, the execution is terminated.
    mutating func decisionTaskTimedOut() {
        guard let open = decisionTask, let startedEventId = open.startedEventId else { return }
        decisionTask = nil
        output.actions.append(.withdrawDecisionTask(taskToken: open.token))
        guard HistoryBudget.available(state) >= Self.decisionRoundEvents else {
            terminate(
                reason: "HistoryLimitExceeded", details: .string("decision tasks kept timing out until the history was full"),
                cause: "EVENT_LIMIT_EXCEEDED", identity: nil)
            return
        }
        record(.decisionTaskTimedOut(DecisionTaskTimedOutEventAttributes(scheduledEventId: open.scheduledEventId, startedEventId: startedEventId)))
        decisionPending = false
        requestDecision()
    }

    /// Events one more decision round takes: a timed-out or signaled event and a decision task.
    static let decisionRoundEvents = 4

    /// Records a cancellation request; the decider then cancels open work and closes the execution.
    /// Always accepted (its room is kept); asking again records nothing.
    mutating func requestCancel(identity: String) {
        guard !state.isCancelRequested else { return }
        record(.workflowExecutionCancelRequested(WorkflowExecutionCancelRequestedEventAttributes(identity: identity)))
        requestDecision()
    }

    /// Closes the execution without a decision. Always accepted (its room is kept).
    mutating func terminate(reason: String?, details: JSONValue?, cause: String, identity: String?) {
        record(
            .workflowExecutionTerminated(
                WorkflowExecutionTerminatedEventAttributes(reason: reason, details: details, cause: cause, identity: identity)))
        close()
    }

    /// Records a signal for the decider. Refused when the history has no room for it.
    mutating func signal(_ name: String, input: JSONValue?, identity: String) throws(ExecutionError) {
        guard HistoryBudget.available(state) >= Self.decisionRoundEvents else { throw .historyFull(executionId, "a signal") }
        record(.workflowExecutionSignaled(WorkflowExecutionSignaledEventAttributes(signalName: name, input: input, identity: identity)))
        requestDecision()
    }

    /// The execution closed (its close event is recorded): every attempt stops, every task is
    /// withdrawn and every deadline disarmed.
    mutating func close() {
        precondition(state.isClosed, "close() before the close event")
        for id in runs.keys.sorted() {
            guard var run = runs[id] else { continue }
            if case .running(let attempt) = run.phase { output.actions.append(.cancelAttempt(taskToken: attempt.token)) }
            endCurrentAttempt(&run)
        }
        runs = [:]
        if let open = decisionTask { output.actions.append(.withdrawDecisionTask(taskToken: open.token)) }
        decisionTask = nil
        decisionPending = false
        for key in armed.keys.sorted(by: Self.deadlineOrder) { output.actions.append(.disarm(key)) }
        armed = [:]
        output.actions.append(.closed(state.status))
    }

    /// A fixed order for deadline keys (a dictionary's order must never reach the output).
    static func deadlineOrder(_ a: DeadlineKey, _ b: DeadlineKey) -> Bool {
        String(describing: a) < String(describing: b)
    }
}
