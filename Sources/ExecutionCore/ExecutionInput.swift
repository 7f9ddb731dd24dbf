public import StrictJSON
public import Time
public import WorkflowModel

/// Everything that can happen to an open execution, whoever drives it: in-process workers and
/// decider, remote pollers, deadlines, operators.
public enum ExecutionInput: Sendable {
    /// A decider took the scheduled decision task `taskToken`.
    case decisionTaskStarted(taskToken: String, identity: String)
    /// The decider that holds `taskToken` answered with `decisions`.
    case decisionTaskCompleted(taskToken: String, decisions: [Decision])
    /// A worker took the queued activity task `taskToken`.
    case attemptStarted(taskToken: String, identity: String)
    /// The worker holding `taskToken` reported how its attempt ended.
    case attemptEnded(taskToken: String, outcome: AttemptOutcome)
    /// The worker holding `taskToken` is alive; SWF's `RecordActivityTaskHeartbeat`.
    case heartbeat(taskToken: String, details: JSONValue?)
    /// An armed deadline passed.
    case deadlineFired(DeadlineKey)
    /// Someone asked the execution to cancel; SWF's `RequestCancelWorkflowExecution`.
    case cancelRequested(identity: String)
    /// Someone closed the execution from outside; SWF's `TerminateWorkflowExecution`.
    case terminate(reason: String?, details: JSONValue?, identity: String)
    /// Someone sent the execution a signal; SWF's `SignalWorkflowExecution`.
    case signal(name: String, input: JSONValue?, identity: String)
}

/// What the machine asks its driver to do once the transition's events are durable (or, for the
/// ones marked so, at once).
public enum ExecutionAction: Sendable {
    /// Put an activity task in its task list for any taker.
    case offerActivityTask(ActivityTask)
    /// Take a waiting activity task back: no taker must get it any more. Safe before the events are
    /// durable (it only hides something), so the engine performs it at once.
    case withdrawActivityTask(taskToken: String, taskList: String)
    /// Put a decision task in the decision task list (or decide it in-process).
    case offerDecisionTask(DecisionTask)
    /// Take a waiting decision task back (it timed out or the execution closed). Safe at once.
    case withdrawDecisionTask(taskToken: String)
    /// Tell the worker running `taskToken` to stop (its attempt is over or cancellation was requested).
    case cancelAttempt(taskToken: String)
    /// Arm (or re-arm) a deadline.
    case arm(DeadlineKey, at: Timestamp)
    /// Disarm a deadline. Safe at once.
    case disarm(DeadlineKey)
    /// A worker started an attempt (for observers).
    case attemptStarted(activityId: String, attempt: Int, at: Timestamp)
    /// An attempt failed and will be retried at `nextAttemptAt` (for observers).
    case attemptWillRetry(activityId: String, attempt: Int, failure: ActivityFailure, nextAttemptAt: Timestamp)
    /// The execution closed: nothing more will happen to it.
    case closed(ExecutionStatus)

    /// Whether the engine may perform it before the transition's events are durable: it only hides
    /// or disarms something, so nothing outside the engine can come to depend on it.
    public var isSafeBeforeDurable: Bool {
        switch self {
        case .withdrawActivityTask, .withdrawDecisionTask, .disarm: true
        default: false
        }
    }
}

/// What one input produced: the records to persist, in order, and the actions to perform after.
public struct Transition: Sendable {
    /// New history events, numbered and already applied to the machine's state.
    public var events: [HistoryEvent] = []
    /// A failed attempt that will be retried: written instead of an event (retries add no events).
    public var retry: ActivityAttemptFailed?
    /// What to do, in order, once `events` and `retry` are durable.
    public var actions: [ExecutionAction] = []
    /// For a heartbeat: whether the attempt has been asked to stop.
    public var cancelRequested = false

    /// An empty transition.
    public init() {}

    /// Whether there is nothing to write.
    public var isEmpty: Bool { events.isEmpty && retry == nil }
}
