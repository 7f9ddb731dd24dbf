public import StrictJSON
public import Time

/// The state of an execution, folded from its events (SWF's "the history is the state").
///
/// Pure and incremental: ``apply(_:)`` is O(1) per event, so the engine keeps one up to date as it
/// appends, and the decider, the CLI and replay checks build one from a history.
public struct HistoryState: Sendable {
    /// The `WorkflowExecutionStarted` attributes.
    public private(set) var started: WorkflowExecutionStartedEventAttributes?
    /// When the execution started.
    public private(set) var startedAt: Timestamp?
    /// The event that closed the execution, if closed.
    public private(set) var closeEvent: HistoryEvent?
    /// The id of the `WorkflowExecutionCancelRequested` event, if cancellation was requested.
    public private(set) var cancelRequestedEventId: Int64?
    /// Activities by activity id.
    public private(set) var activities: [String: ActivityState] = [:]
    /// Activity ids in the order they were scheduled.
    public private(set) var activityOrder: [String] = []
    /// Activity ids by scheduled event id.
    public private(set) var activityIdsByScheduledEventId: [Int64: String] = [:]
    /// Timers by timer id.
    public private(set) var timers: [String: TimerState] = [:]
    /// Timer ids in the order they were started.
    public private(set) var timerOrder: [String] = []
    /// Markers in the order recorded.
    public private(set) var markers: [RecordedMarker] = []
    /// Signals in the order received.
    public private(set) var signals: [RecordedSignal] = []
    /// A decision task that was scheduled (and maybe started) but not completed or timed out.
    public private(set) var openDecisionTask: OpenDecisionTask?
    /// The id of the last event applied (0 before any).
    public private(set) var lastEventId: Int64 = 0
    /// The timestamp of the last event applied.
    public private(set) var lastEventTimestamp: Timestamp?
    /// Number of events applied.
    public private(set) var eventCount = 0

    /// A decision task in progress.
    public struct OpenDecisionTask: Sendable, Hashable {
        /// The `DecisionTaskScheduled` event id.
        public var scheduledEventId: Int64
        /// The `DecisionTaskStarted` event id, once started.
        public var startedEventId: Int64?
    }

    /// An empty state.
    public init() {}

    /// The state after `events`.
    public init(events: some Sequence<HistoryEvent>) {
        for event in events { apply(event) }
    }

    /// The execution's identity.
    public var execution: WorkflowExecution? { started?.workflowExecution }
    /// The execution's inputs after defaults.
    public var inputs: JSONObject { started?.input.objectValue ?? JSONObject() }
    /// Whether the execution has closed.
    public var isClosed: Bool { closeEvent != nil }
    /// Whether cancellation was requested.
    public var isCancelRequested: Bool { cancelRequestedEventId != nil }

    /// The execution's status.
    public var status: ExecutionStatus {
        guard let closeEvent else { return .running }
        switch closeEvent.attributes {
        case .workflowExecutionCompleted: return .completed
        case .workflowExecutionFailed: return .failed
        case .workflowExecutionCanceled: return .canceled
        case .workflowExecutionTimedOut: return .timedOut
        case .workflowExecutionTerminated: return .terminated
        default: return .running
        }
    }

    /// The number of ``openActivities``, kept as events are applied so the decider need not count.
    public private(set) var openActivityCount = 0
    /// The number of ``openTimers``, kept as events are applied.
    public private(set) var openTimerCount = 0
    /// How the `forEach` instances of each step stand, by step id, kept as events are applied so the
    /// decider need not look at every element at every decision.
    public private(set) var instanceTallies: [String: InstanceTally] = [:]

    /// Activities that are scheduled and not closed, in scheduling order.
    public var openActivities: [ActivityState] {
        activityOrder.compactMap { id in activities[id].flatMap { $0.isOpen ? $0 : nil } }
    }

    /// Timers that are started and neither fired nor canceled, in start order.
    public var openTimers: [TimerState] {
        timerOrder.compactMap { id in timers[id].flatMap { $0.outcome == nil ? $0 : nil } }
    }

    /// Folds one event in. Events must arrive in id order.
    public mutating func apply(_ event: HistoryEvent) {
        lastEventId = event.eventId
        lastEventTimestamp = event.eventTimestamp
        eventCount += 1
        switch event.attributes {
        case .workflowExecutionStarted(let attributes):
            started = attributes
            startedAt = event.eventTimestamp
        case .workflowExecutionCompleted, .workflowExecutionFailed, .workflowExecutionCanceled,
            .workflowExecutionTimedOut, .workflowExecutionTerminated:
            closeEvent = event
            openDecisionTask = nil
        case .workflowExecutionCancelRequested:
            if cancelRequestedEventId == nil { cancelRequestedEventId = event.eventId }
        case .workflowExecutionSignaled(let attributes):
            signals.append(RecordedSignal(eventId: event.eventId, attributes: attributes))
        case .decisionTaskScheduled:
            openDecisionTask = OpenDecisionTask(scheduledEventId: event.eventId)
        case .decisionTaskStarted:
            openDecisionTask?.startedEventId = event.eventId
        case .decisionTaskCompleted, .decisionTaskTimedOut:
            openDecisionTask = nil
        case .activityTaskScheduled(let attributes):
            if activities[attributes.activityId]?.isOpen != true { openActivityCount += 1 }
            if attributes.control.role == .step, let index = attributes.control.index {
                instanceTallies[attributes.control.step, default: InstanceTally()].scheduled(index: index)
            }
            activities[attributes.activityId] = ActivityState(
                scheduled: attributes, scheduledEventId: event.eventId, scheduledAt: event.eventTimestamp)
            activityOrder.append(attributes.activityId)
            activityIdsByScheduledEventId[event.eventId] = attributes.activityId
        case .activityTaskStarted(let attributes):
            updateActivity(attributes.scheduledEventId) {
                $0.startedEventId = event.eventId
                $0.attempt = attributes.attempt
                $0.startedAt = event.eventTimestamp
            }
        case .activityTaskCompleted(let attributes):
            updateActivity(attributes.scheduledEventId) { $0.close(.completed(attributes.result), event) }
        case .activityTaskFailed(let attributes):
            updateActivity(attributes.scheduledEventId) {
                $0.close(.failed(reason: attributes.reason, details: attributes.details), event)
            }
        case .activityTaskTimedOut(let attributes):
            updateActivity(attributes.scheduledEventId) {
                $0.close(.timedOut(attributes.timeoutType, details: attributes.details), event)
            }
        case .activityTaskCancelRequested(let attributes):
            if var activity = activities[attributes.activityId], activity.cancelRequestedEventId == nil {
                activity.cancelRequestedEventId = event.eventId
                activities[attributes.activityId] = activity
            }
        case .activityTaskCanceled(let attributes):
            updateActivity(attributes.scheduledEventId) { $0.close(.canceled, event) }
        case .timerStarted(let attributes):
            if timers[attributes.timerId]?.outcome == nil, timers[attributes.timerId] != nil { openTimerCount -= 1 }
            openTimerCount += 1
            timers[attributes.timerId] = TimerState(
                attributes: attributes, startedEventId: event.eventId, startedAt: event.eventTimestamp)
            timerOrder.append(attributes.timerId)
        case .timerFired(let attributes):
            closeTimer(attributes.timerId, .fired(eventId: event.eventId))
        case .timerCanceled(let attributes):
            closeTimer(attributes.timerId, .canceled)
        case .markerRecorded(let attributes):
            markers.append(RecordedMarker(eventId: event.eventId, attributes: attributes))
        }
    }

    private mutating func closeTimer(_ timerId: String, _ outcome: TimerState.Outcome) {
        guard var timer = timers[timerId] else { return }
        if timer.outcome == nil { openTimerCount -= 1 }
        timer.outcome = outcome
        timers[timerId] = timer
    }

    private mutating func updateActivity(_ scheduledEventId: Int64, _ change: (inout ActivityState) -> Void) {
        guard let id = activityIdsByScheduledEventId[scheduledEventId], var activity = activities[id] else { return }
        let wasOpen = activity.isOpen
        change(&activity)
        if wasOpen, let outcome = activity.outcome {
            openActivityCount -= 1
            let control = activity.scheduled.control
            if control.role == .step, control.index != nil {
                instanceTallies[control.step, default: InstanceTally()].closed(outcome)
            }
        }
        activities[id] = activity
    }
}

/// A marker and the id of the event that recorded it.
public struct RecordedMarker: Sendable, Hashable {
    /// The `MarkerRecorded` event id.
    public var eventId: Int64
    /// The marker's attributes.
    public var attributes: MarkerRecordedEventAttributes
}

/// A signal and the id of the event that recorded it.
public struct RecordedSignal: Sendable, Hashable {
    /// The `WorkflowExecutionSignaled` event id.
    public var eventId: Int64
    /// The signal's attributes.
    public var attributes: WorkflowExecutionSignaledEventAttributes
}

/// The status of an execution.
public enum ExecutionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case running
    case completed
    case failed
    case canceled
    case timedOut = "timed_out"
    /// Closed from outside (`WorkflowExecutionTerminated`), without a decision.
    case terminated
    /// The history is damaged in the middle; the execution is set aside untouched.
    case quarantined
}

/// Counts of one step's `forEach` instances (activities with an index and the step role).
public struct InstanceTally: Sendable, Hashable {
    /// Instances scheduled.
    public private(set) var scheduled = 0
    /// The highest index scheduled, -1 before any; `scheduled == highestIndex + 1` means exactly the
    /// indices below `scheduled` are scheduled (activity ids are never scheduled twice).
    public private(set) var highestIndex = -1
    /// Instances scheduled and not closed.
    public private(set) var open = 0
    /// Instances completed.
    public private(set) var completed = 0
    /// Instances that failed, timed out or were canceled.
    public private(set) var closedOtherwise = 0

    /// A tally of nothing.
    public init() {}

    mutating func scheduled(index: Int) {
        scheduled += 1
        highestIndex = max(highestIndex, index)
        open += 1
    }

    mutating func closed(_ outcome: ActivityOutcome) {
        open -= 1
        if case .completed = outcome { completed += 1 } else { closedOtherwise += 1 }
    }
}

/// What happened to one activity task.
public struct ActivityState: Sendable, Hashable {
    /// The `ActivityTaskScheduled` attributes.
    public var scheduled: ActivityTaskScheduledEventAttributes
    /// The `ActivityTaskScheduled` event id.
    public var scheduledEventId: Int64
    /// When it was scheduled.
    public var scheduledAt: Timestamp
    /// The `ActivityTaskStarted` event id (written with the outcome).
    public var startedEventId: Int64?
    /// When the attempt that produced the outcome started.
    public var startedAt: Timestamp?
    /// The attempt that produced the outcome.
    public var attempt: Int = 0
    /// The `ActivityTaskCancelRequested` event id.
    public var cancelRequestedEventId: Int64?
    /// The outcome, once closed.
    public var outcome: ActivityOutcome?
    /// The id of the closing event.
    public var closedEventId: Int64?
    /// When it closed.
    public var closedAt: Timestamp?

    /// Whether the task is still open.
    public var isOpen: Bool { outcome == nil }

    mutating func close(_ outcome: ActivityOutcome, _ event: HistoryEvent) {
        guard self.outcome == nil else { return }
        self.outcome = outcome
        closedEventId = event.eventId
        closedAt = event.eventTimestamp
    }
}

/// How an activity task closed.
public enum ActivityOutcome: Sendable, Hashable {
    case completed(JSONValue)
    case failed(reason: String, details: String)
    case timedOut(TimeoutType, details: JSONValue?)
    case canceled
}

/// What happened to one timer.
public struct TimerState: Sendable, Hashable {
    /// The `TimerStarted` attributes.
    public var attributes: TimerStartedEventAttributes
    /// The `TimerStarted` event id.
    public var startedEventId: Int64
    /// When it started.
    public var startedAt: Timestamp
    /// How it ended, once it has.
    public var outcome: Outcome?

    /// How a timer ends.
    public enum Outcome: Sendable, Hashable {
        case fired(eventId: Int64)
        case canceled
    }

    /// When it fires.
    public var fireAt: Timestamp {
        startedAt.adding(Interval(timeoutText: attributes.startToFireTimeout) ?? .zero)
    }
}
