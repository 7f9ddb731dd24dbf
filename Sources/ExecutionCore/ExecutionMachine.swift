import StrictJSON
public import Time
public import WorkflowModel

/// One execution as a state machine: an input comes in, the events to persist and the actions to
/// perform come out. Pure: no clock (the time of each input is passed in), no I/O, no actor.
///
/// The driver (the engine) applies one input at a time, persists the transition's events, and only
/// then performs its actions; that ordering — durable before acted on — is the driver's job, and
/// the machine never needs to know it. Whoever decides (the in-process JSON decider, a remote
/// decider polling over HTTP) answers the same decision tasks: the machine schedules one when the
/// history holds something new to decide, at most one at a time, as SWF does.
///
/// Invariants, checked after every input (a violation is a bug and stops the process with a message):
/// at most one open decision task, and it agrees with the history; a closed execution has no open
/// attempts, decision task or deadlines, and refuses every input; every open activity has exactly
/// one run and every token names its current attempt (a token is dead once its attempt ends);
/// the history never exceeds ``WorkflowModel/Limits/historyEventsMax``.
public struct ExecutionMachine: Sendable {
    /// The workflow id.
    public let executionId: String
    /// The history folded into state, including every event produced so far.
    public internal(set) var state: HistoryState
    /// Scheduled activities that are not closed, by `ActivityTaskScheduled` event id.
    public internal(set) var runs: [Int64: ActivityRun] = [:]
    /// The open decision task, if any.
    public internal(set) var decisionTask: OpenDecisionTask?
    /// Armed deadlines and when each is due.
    public internal(set) var armed: [DeadlineKey: Timestamp] = [:]

    /// Something decision-worthy happened while a decider held the decision task: schedule another
    /// when it completes.
    var decisionPending = false
    /// Makes tokens unique within this engine's life.
    var serial: UInt64 = 0
    /// Unique per engine start; part of every token.
    let incarnation: String
    /// What the input being applied has produced so far.
    var output = Transition()
    /// The time of the input being applied.
    var now: Timestamp

    /// The open decision task.
    public struct OpenDecisionTask: Sendable, Hashable {
        /// Its token.
        public var token: String
        /// The `DecisionTaskScheduled` event id.
        public var scheduledEventId: Int64
        /// The `DecisionTaskStarted` event id, once a decider took it.
        public var startedEventId: Int64?
    }

    init(executionId: String, state: HistoryState, incarnation: String, now: Timestamp) {
        self.executionId = executionId
        self.state = state
        self.incarnation = incarnation
        self.now = now
    }

    // MARK: Starting and recovering

    /// A new execution: `WorkflowExecutionStarted` (event 1) and its first decision task.
    /// - Parameters:
    ///   - started: the start event's attributes; `workflowExecution.workflowId` is the execution id.
    ///   - incarnation: unique per engine start (tokens carry it).
    ///   - now: the start time.
    public static func start(
        _ started: WorkflowExecutionStartedEventAttributes, incarnation: String, at now: Timestamp
    ) -> (ExecutionMachine, Transition) {
        var machine = ExecutionMachine(
            executionId: started.workflowExecution.workflowId, state: HistoryState(), incarnation: incarnation, now: now)
        machine.record(.workflowExecutionStarted(started))
        machine.armExecutionTimeout()
        machine.requestDecision()
        let transition = machine.finish()
        return (machine, transition)
    }

    /// An execution recovered from its history after a restart: every open activity is queued again
    /// (an attempt that was in flight runs again; activities are idempotent) or waits out its retry
    /// backoff; timers and timeouts are armed again; a decision task that a dead engine had started
    /// times out, and one is scheduled if the history holds something undecided.
    /// - Parameters:
    ///   - events: the durable history, starting with `WorkflowExecutionStarted`.
    ///   - attemptFailures: the retry records, in history order (the last per activity counts).
    ///   - undecided: whether the caller knows the history holds something a decider has not decided:
    ///     a crash can cut a batch after its `DecisionTaskCompleted`, losing decisions that nothing in
    ///     the history itself shows are missing (the in-process engine asks its decider).
    ///   - state: `events` already folded, when the caller has it (so a resume folds a history once).
    public static func recover(
        executionId: String, events: [HistoryEvent], attemptFailures: [ActivityAttemptFailed], undecided: Bool = false,
        state: HistoryState? = nil, incarnation: String, at now: Timestamp
    ) -> (ExecutionMachine, Transition) {
        var machine = ExecutionMachine(
            executionId: executionId, state: state ?? HistoryState(events: events), incarnation: incarnation, now: now)
        guard !machine.state.isClosed else { return (machine, Transition()) }
        var lastFailure: [Int64: ActivityAttemptFailed] = [:]
        for failure in attemptFailures { lastFailure[failure.scheduledEventId] = failure }
        machine.recoverActivities(lastFailure)
        for timer in machine.state.openTimers { machine.arm(.timer(timer.attributes.timerId), at: timer.fireAt) }
        machine.armExecutionTimeout()
        machine.recoverDecisionTask(undecided: undecided || Self.hasUndecidedEvents(events))
        let transition = machine.finish()
        return (machine, transition)
    }

    private mutating func recoverActivities(_ lastFailure: [Int64: ActivityAttemptFailed]) {
        for activity in state.openActivities {
            if let cancelRequested = activity.cancelRequestedEventId {
                // Its worker died with the previous engine; nothing runs it now.
                record(
                    .activityTaskCanceled(
                        ActivityTaskCanceledEventAttributes(
                            scheduledEventId: activity.scheduledEventId, startedEventId: 0,
                            latestCancelRequestedEventId: cancelRequested, details: "the engine restarted")))
                continue
            }
            let failed = lastFailure[activity.scheduledEventId]
            var run = ActivityRun(
                scheduledEventId: activity.scheduledEventId, attributes: activity.scheduled,
                scheduledAt: activity.scheduledAt, attempt: (failed?.attempt ?? 0) + 1,
                phase: .backoff(until: failed?.nextAttemptAt ?? now))
            if let failed { run.lastFailure = ActivityFailure(reason: failed.reason, details: failed.details) }
            runs[activity.scheduledEventId] = run
            armScheduleToClose(run)
            if case .backoff(let until) = run.phase, now < until {
                arm(.retry(run.scheduledEventId), at: until)
            } else {
                queueAttempt(run.scheduledEventId)
            }
        }
    }

    private mutating func recoverDecisionTask(undecided: Bool) {
        if let open = state.openDecisionTask {
            if let startedEventId = open.startedEventId {
                // Started by a decider whose token died with the previous engine.
                record(
                    .decisionTaskTimedOut(
                        DecisionTaskTimedOutEventAttributes(
                            scheduledEventId: open.scheduledEventId, startedEventId: startedEventId)))
                requestDecision()
            } else {
                offerDecisionTask(scheduledEventId: open.scheduledEventId)
            }
        } else if undecided || !output.events.isEmpty {
            requestDecision()
        }
    }

    /// Whether an event a decider must see came after the last `DecisionTaskScheduled` (a batch cut
    /// by a crash after its trigger events).
    static func hasUndecidedEvents(_ events: [HistoryEvent]) -> Bool {
        for event in events.reversed() {
            if case .decisionTaskScheduled = event.attributes { return false }
            if event.attributes.isDecisionWorthy { return true }
        }
        return false
    }

    // MARK: Applying inputs

    /// Applies one input at `now`; returns the events to persist and the actions to perform after.
    /// - Throws: ``ExecutionError`` when the input is refused (a dead token, a closed execution, no
    ///   room in the history); a refused input changes nothing.
    public mutating func apply(_ input: ExecutionInput, at now: Timestamp) throws(ExecutionError) -> Transition {
        var transition = Transition()
        try apply(input, at: now, appendingTo: &transition)
        return transition
    }

    /// Applies one input at `now`, appending what it produced to `transition` (which holds what the
    /// inputs before it produced, for one batch): ``apply(_:at:)`` without copying the arrays.
    /// - Throws: as ``apply(_:at:)``; `transition` is unchanged then.
    public mutating func apply(_ input: ExecutionInput, at now: Timestamp, appendingTo transition: inout Transition)
        throws(ExecutionError)
    {
        precondition(output.events.isEmpty && output.actions.isEmpty, "a transition was left unfinished")
        guard !state.isClosed else { throw .closed(executionId, state.status) }
        // The caller's transition becomes the output the input appends to. A refusal happens before
        // anything is produced, so `transition` comes back unchanged then.
        swap(&output, &transition)
        defer { swap(&output, &transition) }
        try applyToOutput(input, at: now)
        checkInvariants()
    }

    private mutating func applyToOutput(_ input: ExecutionInput, at now: Timestamp) throws(ExecutionError) {
        self.now = now
        switch input {
        case .decisionTaskStarted(let token, let identity):
            try startDecisionTask(token, identity: identity)
        case .decisionTaskCompleted(let token, let decisions):
            try completeDecisionTask(token, decisions: decisions)
        case .attemptStarted(let token, let identity):
            try startAttempt(token, identity: identity)
        case .attemptEnded(let token, let outcome):
            try endAttempt(token, outcome)
        case .heartbeat(let token, let details):
            try heartbeat(token, details: details)
        case .deadlineFired(let key):
            deadlineFired(key)
        case .cancelRequested(let identity):
            requestCancel(identity: identity)
        case .terminate(let reason, let details, let identity):
            terminate(reason: reason, details: details, cause: "OPERATOR_INITIATED", identity: identity)
        case .signal(let name, let input, let identity):
            try signal(name, input: input, identity: identity)
        }
    }

    /// The scheduled decision task no decider has taken yet.
    public var decisionTaskToStart: DecisionTask? {
        guard let open = decisionTask, open.startedEventId == nil else { return nil }
        return makeDecisionTask(open)
    }

    /// Ends the transition being built: checks the invariants and hands the output over.
    mutating func finish() -> Transition {
        checkInvariants()
        defer { output = Transition() }
        return output
    }

    // MARK: Recording

    /// Appends an event at `timestamp` (the input's time unless given) and applies it to the state.
    /// Callers that record an event a decider must see then call ``requestDecision()``.
    mutating func record(_ attributes: EventAttributes, at timestamp: Timestamp? = nil) {
        let event = HistoryEvent(eventId: state.lastEventId + 1, eventTimestamp: timestamp ?? now, attributes: attributes)
        state.apply(event)
        output.events.append(event)
    }

    /// A new token for an attempt or a decision task.
    mutating func makeToken(_ path: String) -> String {
        serial += 1
        return "\(executionId)/\(path)/\(incarnation).\(serial)"
    }

    mutating func arm(_ key: DeadlineKey, at deadline: Timestamp) {
        armed[key] = deadline
        output.actions.append(.arm(key, at: deadline))
    }

    mutating func disarm(_ key: DeadlineKey) {
        guard armed.removeValue(forKey: key) != nil else { return }
        output.actions.append(.disarm(key))
    }

    mutating func armExecutionTimeout() {
        guard let started = state.started, let startedAt = state.startedAt,
            let timeout = Interval(timeoutText: started.executionStartToCloseTimeout)
        else { return }
        arm(.executionTimeout, at: startedAt.adding(timeout))
    }
}

extension EventAttributes {
    /// Whether a decider must see this event: it schedules a decision task (SWF's rule).
    var isDecisionWorthy: Bool {
        switch self {
        case .workflowExecutionStarted, .workflowExecutionCancelRequested, .workflowExecutionSignaled,
            .activityTaskCompleted, .activityTaskFailed, .activityTaskTimedOut, .activityTaskCanceled,
            .timerFired, .decisionTaskTimedOut:
            true
        default:
            false
        }
    }
}
