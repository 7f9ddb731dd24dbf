public import StrictJSON
public import Time
import WorkflowDecider
public import WorkflowModel

/// Builds histories by hand, event by event, in exactly the shape the engine writes them (the idea
/// of sdk-core's `canned_histories`): decision events are recorded with ``DecisionRecorder``, ids
/// are contiguous from 1, and every helper is one batch with one timestamp, ``tick`` after the
/// previous batch.
///
/// Each helper's documentation lists the events it appends, numbered from `n`, the id of the first
/// of them. Helpers that name an activity or timer stop the test (a precondition) when the history
/// has none by that id: a hand-written history that the engine could not have written is a bug
/// in the test.
///
/// ```swift
/// var history = HistoryBuilder(definitionJSON: json)          // 1 WorkflowExecutionStarted
/// history.decide(definition)                                   // 2-4 decision task, 5 ActivityTaskScheduled(a)
/// history.activityCompleted("a", result: ["id": "x"])          // 6-7
/// let next = Decider.decide(definition: definition, history: history.events)
/// ```
public struct HistoryBuilder: Sendable {
    /// The events so far, ids 1, 2, 3, ...
    public private(set) var events: [HistoryEvent] = []
    /// The state folded from ``events``.
    public private(set) var state = HistoryState()
    /// The timestamp of the latest batch.
    public private(set) var now: Timestamp
    /// How far time moves before each batch (default one second).
    public var tick: Interval
    /// Recorded as the decider's and the worker's identity.
    public var identity: String

    /// A history holding only its start.
    ///
    /// Appends:
    /// 1. `WorkflowExecutionStarted` recording `definitionJSON` and `input`.
    ///
    /// - Parameters:
    ///   - definitionJSON: the workflow file's JSON, recorded as the execution's definition. Its
    ///     `name` and `executionTimeout` fill the matching attributes.
    ///   - input: the inputs after defaults.
    ///   - workflowId: the execution (workflow) id.
    ///   - runId: the run id.
    ///   - start: the timestamp of event 1 (default 2026-01-01T00:00:00Z, as ``ManualClock``).
    ///   - definitionDigest: recorded as given; nothing in the decider or replay reads it.
    ///   - tick: how far time moves before each later batch.
    public init(
        definitionJSON: JSONValue, input: JSONObject = JSONObject(), workflowId: String = "exec-1",
        runId: String = "run-1", start: Timestamp = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000),
        definitionDigest: String = "sha256:hand-written", tick: Interval = .seconds(1)
    ) {
        now = start
        self.tick = tick
        identity = "history-builder"
        let timeout = definitionJSON["executionTimeout"]?.stringValue.flatMap { Interval(timeoutText: $0) }
        append(
            .workflowExecutionStarted(
                WorkflowExecutionStartedEventAttributes(
                    workflowExecution: WorkflowExecution(workflowId: workflowId, runId: runId),
                    workflowType: TypeName(name: definitionJSON["name"]?.stringValue ?? "workflow", version: definitionDigest),
                    taskList: TaskList(name: "decisions"), input: .object(input),
                    executionStartToCloseTimeout: Interval.timeoutText(timeout),
                    taskStartToCloseTimeout: Limits.decisionTaskTimeout.description, definition: definitionJSON,
                    definitionDigest: definitionDigest, definitionSource: nil, identity: identity)))
    }

    /// Continues a recorded history (for example a prefix of a golden one): later helpers append
    /// after its last event, ``tick`` after its last timestamp.
    /// - Precondition: `events` start at id 1 and are contiguous.
    public init(continuing events: [HistoryEvent], tick: Interval = .seconds(1)) {
        for (position, event) in events.enumerated() {
            precondition(event.eventId == Int64(position + 1), "HistoryBuilder: event ids must be contiguous from 1")
        }
        self.events = events
        state = HistoryState(events: events)
        now = events.last?.eventTimestamp ?? Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)
        self.tick = tick
        identity = "history-builder"
    }

    // MARK: Low level

    /// Appends one event with the next id and the current timestamp; returns its id.
    @discardableResult
    public mutating func append(_ attributes: EventAttributes) -> Int64 {
        let event = HistoryEvent(eventId: Int64(events.count + 1), eventTimestamp: now, attributes: attributes)
        events.append(event)
        state.apply(event)
        return event.eventId
    }

    /// Moves time forward by `interval` (on top of the ``tick`` every batch adds).
    public mutating func advance(by interval: Interval) {
        now = now.adding(interval)
    }

    /// The id of the last event.
    public var lastEventId: Int64 { Int64(events.count) }

    // MARK: Decision tasks

    /// Records a decision task that made `decisions` (possibly only a prefix of what the decider
    /// would make, as after a crash in the middle of writing a batch).
    ///
    /// Appends:
    /// - `n-2` `DecisionTaskTimedOut`, only when a decision task was started and never completed
    ///   (the engine records this before scheduling a new one), then
    /// - `n` `DecisionTaskScheduled` (left out when one is already scheduled and not started),
    /// - `n+1` `DecisionTaskStarted`,
    /// - `n+2` `DecisionTaskCompleted`,
    /// - `n+3`, ... one event per decision, in order, as ``DecisionRecorder`` records it.
    ///
    /// - Returns: the id of `DecisionTaskCompleted`.
    @discardableResult
    public mutating func decisionTask(_ decisions: [Decision]) -> Int64 {
        decisionTaskStarted()
        return completeDecisionTask(decisions)
    }

    /// Runs a decision task with the real decider on the history so far and records all of its
    /// decisions, as the engine does.
    ///
    /// Appends the events of ``decisionTask(_:)``; the decider sees the history up to and
    /// including `DecisionTaskStarted`.
    ///
    /// - Returns: the decisions made.
    @discardableResult
    public mutating func decide(_ definition: WorkflowDefinition, catalog: ActivityCatalog = .builtIn) -> [Decision] {
        decisionTaskStarted()
        let decisions = Decider.decisions(definition: definition, state: state, catalog: catalog)
        completeDecisionTask(decisions)
        return decisions
    }

    /// Starts a decision task and leaves it open, as when the engine dies while deciding.
    ///
    /// Appends:
    /// - `n-2` `DecisionTaskTimedOut`, only when an earlier decision task was started and never completed,
    /// - `n` `DecisionTaskScheduled` (left out when one is already scheduled and not started),
    /// - `n+1` `DecisionTaskStarted`.
    public mutating func decisionTaskStarted() {
        beginBatch()
        if let open = state.openDecisionTask, let startedEventId = open.startedEventId {
            append(
                .decisionTaskTimedOut(
                    DecisionTaskTimedOutEventAttributes(scheduledEventId: open.scheduledEventId, startedEventId: startedEventId)))
        }
        if state.openDecisionTask == nil {
            append(
                .decisionTaskScheduled(
                    DecisionTaskScheduledEventAttributes(
                        taskList: TaskList(name: "decisions"), startToCloseTimeout: Limits.decisionTaskTimeout.description)))
        }
        let scheduledEventId = state.openDecisionTask?.scheduledEventId ?? 0
        append(.decisionTaskStarted(DecisionTaskStartedEventAttributes(scheduledEventId: scheduledEventId, identity: identity)))
    }

    /// Completes the decision task started last (by ``decisionTaskStarted()`` or a history this
    /// builder continues) with `decisions`.
    ///
    /// Appends:
    /// - `n` `DecisionTaskCompleted`,
    /// - `n+1`, ... one event per decision, in order, as ``DecisionRecorder`` records it.
    ///
    /// - Returns: the id of `DecisionTaskCompleted`.
    /// - Precondition: a decision task is started and not completed.
    @discardableResult
    public mutating func completeDecisionTask(_ decisions: [Decision]) -> Int64 {
        guard let open = state.openDecisionTask, let startedEventId = open.startedEventId else {
            preconditionFailure("HistoryBuilder: no started decision task to complete")
        }
        let completedId = append(
            .decisionTaskCompleted(
                DecisionTaskCompletedEventAttributes(scheduledEventId: open.scheduledEventId, startedEventId: startedEventId)))
        for decision in decisions {
            append(DecisionRecorder.attributes(for: decision, decisionTaskCompletedEventId: completedId, state: state))
        }
        return completedId
    }

    // MARK: Activity outcomes

    /// The activity `activityId` completed with `result` on attempt `attempt`.
    ///
    /// Appends:
    /// - `n` `ActivityTaskStarted` (`scheduledEventId` of the activity, `attempt`),
    /// - `n+1` `ActivityTaskCompleted` (`startedEventId` n, `result`).
    public mutating func activityCompleted(_ activityId: String, result: JSONValue = .null, attempt: Int = 1) {
        let scheduled = scheduledEventId(of: activityId)
        beginBatch()
        let started = activityStarted(scheduled, attempt: attempt)
        append(
            .activityTaskCompleted(
                ActivityTaskCompletedEventAttributes(scheduledEventId: scheduled, startedEventId: started, result: result)))
    }

    /// The activity `activityId` failed for good (its retry policy gave up after `attempt`).
    ///
    /// Appends:
    /// - `n` `ActivityTaskStarted` (`attempt`),
    /// - `n+1` `ActivityTaskFailed` (`startedEventId` n, `reason`, `details`).
    public mutating func activityFailed(_ activityId: String, reason: String, details: String = "", attempt: Int = 1) {
        let scheduled = scheduledEventId(of: activityId)
        beginBatch()
        let started = activityStarted(scheduled, attempt: attempt)
        append(
            .activityTaskFailed(
                ActivityTaskFailedEventAttributes(
                    scheduledEventId: scheduled, startedEventId: started, reason: reason, details: details)))
    }

    /// The activity `activityId` timed out for good.
    ///
    /// Appends, for `START_TO_CLOSE` and `HEARTBEAT` (an attempt was running):
    /// - `n` `ActivityTaskStarted`,
    /// - `n+1` `ActivityTaskTimedOut` (`startedEventId` n, `type`, `details`);
    ///
    /// for `SCHEDULE_TO_START` and `SCHEDULE_TO_CLOSE` (no attempt running):
    /// - `n` `ActivityTaskTimedOut` (`startedEventId` 0).
    public mutating func activityTimedOut(
        _ activityId: String, type: TimeoutType = .startToClose, details: JSONValue? = nil, attempt: Int = 1
    ) {
        let scheduled = scheduledEventId(of: activityId)
        beginBatch()
        var started: Int64 = 0
        if type == .startToClose || type == .heartbeat { started = activityStarted(scheduled, attempt: attempt) }
        append(
            .activityTaskTimedOut(
                ActivityTaskTimedOutEventAttributes(
                    scheduledEventId: scheduled, startedEventId: started, timeoutType: type, details: details)))
    }

    /// The activity `activityId` stopped after its cancellation was requested.
    ///
    /// Appends, when `started` (a worker was running it):
    /// - `n` `ActivityTaskStarted`,
    /// - `n+1` `ActivityTaskCanceled` (`startedEventId` n, `latestCancelRequestedEventId`);
    ///
    /// otherwise (it was still waiting in its task list):
    /// - `n` `ActivityTaskCanceled` (`startedEventId` 0).
    public mutating func activityCanceled(_ activityId: String, started: Bool = true, details: String? = nil) {
        let scheduled = scheduledEventId(of: activityId)
        let cancelRequested = state.activities[activityId]?.cancelRequestedEventId ?? 0
        beginBatch()
        let startedId = started ? activityStarted(scheduled, attempt: 1) : 0
        append(
            .activityTaskCanceled(
                ActivityTaskCanceledEventAttributes(
                    scheduledEventId: scheduled, startedEventId: startedId, latestCancelRequestedEventId: cancelRequested,
                    details: details)))
    }

    // MARK: Timers and the execution

    /// The timer `timerId` fired.
    ///
    /// Appends:
    /// - `n` `TimerFired` (`startedEventId` of its `TimerStarted`).
    public mutating func timerFired(_ timerId: String) {
        guard let timer = state.timers[timerId] else { preconditionFailure("HistoryBuilder: no timer \(timerId)") }
        beginBatch()
        append(.timerFired(TimerFiredEventAttributes(timerId: timerId, startedEventId: timer.startedEventId)))
    }

    /// Someone asked to cancel the execution.
    ///
    /// Appends:
    /// - `n` `WorkflowExecutionCancelRequested`.
    public mutating func cancelRequested(identity: String = "cairn cancel") {
        beginBatch()
        append(.workflowExecutionCancelRequested(WorkflowExecutionCancelRequestedEventAttributes(identity: identity)))
    }

    /// The execution's start-to-close timeout expired.
    ///
    /// Appends:
    /// - `n` `WorkflowExecutionTimedOut`.
    public mutating func executionTimedOut() {
        beginBatch()
        append(.workflowExecutionTimedOut(WorkflowExecutionTimedOutEventAttributes()))
    }

    // MARK: Helpers

    private mutating func beginBatch() {
        now = now.adding(tick)
    }

    private func scheduledEventId(of activityId: String) -> Int64 {
        guard let activity = state.activities[activityId] else {
            preconditionFailure("HistoryBuilder: no activity \(activityId) was scheduled")
        }
        precondition(activity.isOpen, "HistoryBuilder: activity \(activityId) is already closed")
        return activity.scheduledEventId
    }

    private mutating func activityStarted(_ scheduledEventId: Int64, attempt: Int) -> Int64 {
        append(
            .activityTaskStarted(
                ActivityTaskStartedEventAttributes(
                    scheduledEventId: scheduledEventId, identity: "\(identity) worker", attempt: attempt)))
    }
}
