public import ExecutionCore
public import StrictJSON
public import Time
public import WorkflowModel

// The worker protocol (in-process workers use it today; remote workers over HTTP next): take a
// task, heartbeat, report the outcome. And the decider protocol for deciders that poll.

extension Engine {
    /// A worker picked up `taskToken`; returns false when the task is no longer valid (canceled,
    /// timed out, or from before a restart): the worker must drop it.
    public func beginAttempt(taskToken: String, identity: String, cancellation: AttemptCancellation) -> Bool {
        guard stoppedError == nil, let executionId = TaskToken.executionId(of: taskToken), let slot = executions[executionId]
        else { return false }
        return begin(taskToken, slot, HandBack(identity: identity, cancellation: cancellation))
    }

    /// Starts the queued attempt `token` for the worker in `handBack`. Records no event (the attempt's
    /// `ActivityTaskStarted` is written with its outcome), so nothing waits for the disk.
    func begin(_ token: String, _ slot: ExecutionSlot, _ handBack: HandBack) -> Bool {
        guard let transition = try? slot.machine.apply(.attemptStarted(taskToken: token, identity: handBack.identity), at: clock.now())
        else { return false }
        precondition(transition.isEmpty, "starting an attempt recorded something")
        cancellations[token] = handBack.cancellation
        _ = perform(transition.actions, slot, handBack: nil)
        return true
    }

    /// Records a heartbeat (no history event, as in SWF). Returns true when the attempt should stop:
    /// cancellation was requested, or the token is no longer valid.
    public func recordHeartbeat(taskToken: String, details: JSONValue?) -> Bool {
        guard stoppedError == nil, let executionId = TaskToken.executionId(of: taskToken), let slot = executions[executionId],
            let transition = try? slot.machine.apply(.heartbeat(taskToken: taskToken, details: details), at: clock.now())
        else { return true }
        _ = perform(transition.actions, slot, handBack: nil)
        return transition.cancelRequested
    }

    /// Progress text from a running activity, for the live display.
    public func recordReport(taskToken: String, message: String) {
        guard let executionId = TaskToken.executionId(of: taskToken), let slot = executions[executionId],
            let run = slot.machine.runs.values.first(where: { $0.token == taskToken })
        else { return }
        slot.reports[run.attributes.activityId] = message
        observer?(.activityReport(executionId: executionId, activityId: run.attributes.activityId, message: message))
    }

    /// A worker finished an attempt. Durable before it returns.
    /// - Throws: ``ExecutionCore/ExecutionError`` `execution.unknownTask` for a stale attempt (its
    ///   result is refused); ``EngineError`` `engine.stopped` when the history could not be written.
    public func finishAttempt(taskToken: String, outcome: AttemptOutcome) async throws {
        _ = try await finish(taskToken, outcome, handBack: nil)
    }

    /// ``finishAttempt(taskToken:outcome:)``, then begins the first activity task the decision it led
    /// to dispatched, for the same worker to run next (SWF's respond-then-poll, without the poll): the
    /// task is not offered to other workers, so the sequential path stays on one thread. Nil when the
    /// decision dispatched none this worker can run, or older tasks wait (they go first); the worker
    /// then polls.
    /// - Throws: as ``finishAttempt(taskToken:outcome:)``.
    public func finishAttemptAndBeginNext(
        taskToken: String, outcome: AttemptOutcome, identity: String, cancellation: AttemptCancellation
    ) async throws -> ActivityTask? {
        try await finish(taskToken, outcome, handBack: HandBack(identity: identity, cancellation: cancellation))
    }

    func finish(_ token: String, _ outcome: AttemptOutcome, handBack: HandBack?) async throws -> ActivityTask? {
        cancellations[token] = nil
        guard let executionId = TaskToken.executionId(of: token), executions[executionId] != nil else {
            try checkRunning()
            observer?(.staleResultRefused(taskToken: token))
            throw ExecutionError.unknownTask(token)
        }
        do {
            return try await submit(executionId, .attemptEnded(taskToken: token, outcome: outcome), handBack: handBack)
        } catch let error as ExecutionError where error.code == .unknownTask {
            observer?(.staleResultRefused(taskToken: token))
            throw error
        } catch let error as EngineError where error.code == .executionClosed || error.code == .executionNotFound {
            // It closed while this waited for its turn: the attempt's result has nothing left to change.
            observer?(.staleResultRefused(taskToken: token))
            throw ExecutionError.unknownTask(token)
        }
    }

    /// Waits (until `deadline`, or without limit when nil) for an activity task on `taskList` and
    /// starts its attempt for `identity`: SWF's `PollForActivityTask`, for a worker outside the
    /// engine. Nil when the deadline passes or the engine stops first. The worker then heartbeats and
    /// reports with the task's token; it learns of a cancellation from ``recordHeartbeat(taskToken:details:)``.
    public func pollForActivityTask(taskList: String, identity: String, until deadline: Timestamp?) async -> ActivityTask? {
        while let task = await activityTasks.poll(taskList: taskList, until: deadline) {
            guard let slot = executions[task.workflowExecution.workflowId] else { continue }
            // Withdrawn meanwhile (timed out, canceled, closed): the token is dead, poll again.
            if begin(task.taskToken, slot, HandBack(identity: identity, cancellation: AttemptCancellation())) { return task }
        }
        return nil
    }

    /// How many activity tasks wait in `taskList` (SWF's `CountPendingActivityTasks`).
    public func pendingActivityTaskCount(taskList: String) -> Int {
        activityTasks.waitingCount(taskList: taskList)
    }

    // MARK: Deciders that poll

    /// Waits (until `deadline`, or without limit when nil) for a decision task and starts it for
    /// `identity`: its `DecisionTaskStarted` is durable when this returns. Nil when the deadline
    /// passes or the engine stops first. Only when the engine does not decide in-process.
    public func pollForDecisionTask(identity: String, until deadline: Timestamp?) async throws -> DecisionTask? {
        while let task = await decisionTasks.poll(taskList: ExecutionMachine.decisionTaskList, until: deadline) {
            do {
                try await submit(task.workflowExecution.workflowId, .decisionTaskStarted(taskToken: task.taskToken, identity: identity))
                return task
            } catch let error as ExecutionError where error.code == .unknownTask {
                continue  // withdrawn meanwhile (it timed out, or the execution closed)
            } catch let error as EngineError where error.code != .stopped {
                continue
            }
        }
        try checkRunning()
        return nil
    }

    /// The decider holding `taskToken` answers with `decisions`. Durable before it returns.
    /// - Throws: ``ExecutionCore/ExecutionError`` for a token that is no longer valid (the decision task timed out).
    public func completeDecisionTask(taskToken: String, decisions: [Decision]) async throws {
        guard let executionId = TaskToken.executionId(of: taskToken), executions[executionId] != nil else {
            try checkRunning()
            throw ExecutionError.unknownTask(taskToken)
        }
        try await submit(executionId, .decisionTaskCompleted(taskToken: taskToken, decisions: decisions))
    }
}
