public import StrictJSON
public import Time

/// An SWF task list.
public struct TaskList: Sendable, Hashable, Codable {
    /// The task list's name.
    public var name: String
    /// Makes a task list.
    public init(name: String) { self.name = name }
}

/// An SWF workflow or activity type.
public struct TypeName: Sendable, Hashable, Codable {
    /// The type's name.
    public var name: String
    /// The type's version.
    public var version: String
    /// Makes a type.
    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// The identity of an execution: SWF's workflow id and run id.
public struct WorkflowExecution: Sendable, Hashable, Codable {
    /// The workflow id, chosen by the user (`--id`) or generated.
    public var workflowId: String
    /// The run id, generated when the execution starts.
    public var runId: String
    /// Makes an identity.
    public init(workflowId: String, runId: String) {
        self.workflowId = workflowId
        self.runId = runId
    }
}

/// `WorkflowExecutionStarted`. Records the definition and its digest, so a running execution keeps
/// the definition it started with.
public struct WorkflowExecutionStartedEventAttributes: Sendable, Hashable, Codable {
    public var workflowExecution: WorkflowExecution
    public var workflowType: TypeName
    public var taskList: TaskList
    /// The inputs after defaults were applied.
    public var input: JSONValue
    /// `NONE` or an interval such as `24h`.
    public var executionStartToCloseTimeout: String
    public var taskStartToCloseTimeout: String
    /// The definition as validated, canonical JSON.
    public var definition: JSONValue
    /// `sha256:` and the hex SHA-256 of the canonical definition.
    public var definitionDigest: String
    /// The file the definition came from, for people.
    public var definitionSource: String?
    /// Who started it, e.g. `cairn run (pid 4242)`.
    public var identity: String?
    /// SWF's execution tags: for Cairn, how the execution's activities reach the world
    /// (`rds-provider:aws`), so `resume` continues against the same provider. Absent means none.
    public var tagList: [String]?

    public init(
        workflowExecution: WorkflowExecution, workflowType: TypeName, taskList: TaskList, input: JSONValue,
        executionStartToCloseTimeout: String, taskStartToCloseTimeout: String, definition: JSONValue,
        definitionDigest: String, definitionSource: String? = nil, identity: String? = nil, tagList: [String]? = nil
    ) {
        self.workflowExecution = workflowExecution
        self.workflowType = workflowType
        self.taskList = taskList
        self.input = input
        self.executionStartToCloseTimeout = executionStartToCloseTimeout
        self.taskStartToCloseTimeout = taskStartToCloseTimeout
        self.definition = definition
        self.definitionDigest = definitionDigest
        self.definitionSource = definitionSource
        self.identity = identity
        self.tagList = tagList
    }
}

/// `WorkflowExecutionCompleted`.
public struct WorkflowExecutionCompletedEventAttributes: Sendable, Hashable, Codable {
    public var result: JSONValue
    public var decisionTaskCompletedEventId: Int64
    public init(result: JSONValue, decisionTaskCompletedEventId: Int64) {
        self.result = result
        self.decisionTaskCompletedEventId = decisionTaskCompletedEventId
    }
}

/// `WorkflowExecutionFailed`.
public struct WorkflowExecutionFailedEventAttributes: Sendable, Hashable, Codable {
    public var reason: String
    public var details: JSONValue
    public var decisionTaskCompletedEventId: Int64
    public init(reason: String, details: JSONValue, decisionTaskCompletedEventId: Int64) {
        self.reason = reason
        self.details = details
        self.decisionTaskCompletedEventId = decisionTaskCompletedEventId
    }
}

/// `WorkflowExecutionTimedOut`.
public struct WorkflowExecutionTimedOutEventAttributes: Sendable, Hashable, Codable {
    public var timeoutType: TimeoutType
    public init(timeoutType: TimeoutType = .startToClose) { self.timeoutType = timeoutType }
}

/// `WorkflowExecutionCanceled`.
public struct WorkflowExecutionCanceledEventAttributes: Sendable, Hashable, Codable {
    public var details: JSONValue
    public var decisionTaskCompletedEventId: Int64
    public init(details: JSONValue, decisionTaskCompletedEventId: Int64) {
        self.details = details
        self.decisionTaskCompletedEventId = decisionTaskCompletedEventId
    }
}

/// `WorkflowExecutionCancelRequested`.
public struct WorkflowExecutionCancelRequestedEventAttributes: Sendable, Hashable, Codable {
    /// Who asked, e.g. `cairn cancel (pid 4243)`.
    public var identity: String?
    public init(identity: String? = nil) { self.identity = identity }
}

/// `WorkflowExecutionSignaled`: an outside party sent the execution a named signal.
public struct WorkflowExecutionSignaledEventAttributes: Sendable, Hashable, Codable {
    /// The signal's name, e.g. `approve`.
    public var signalName: String
    /// Its input, if any.
    public var input: JSONValue?
    /// Who sent it, e.g. `cairn signal (pid 4243)`.
    public var identity: String?
    /// Makes the attributes.
    public init(signalName: String, input: JSONValue? = nil, identity: String? = nil) {
        self.signalName = signalName
        self.input = input
        self.identity = identity
    }
}

/// `WorkflowExecutionTerminated`: closed from outside, without a decision (SWF's `TerminateWorkflowExecution`).
public struct WorkflowExecutionTerminatedEventAttributes: Sendable, Hashable, Codable {
    /// Why, for people.
    public var reason: String?
    /// More details.
    public var details: JSONValue?
    /// `OPERATOR_INITIATED` when asked for; `EVENT_LIMIT_EXCEEDED` when the history reached its limit.
    public var cause: String?
    /// Who asked.
    public var identity: String?
    /// Makes the attributes.
    public init(reason: String? = nil, details: JSONValue? = nil, cause: String? = nil, identity: String? = nil) {
        self.reason = reason
        self.details = details
        self.cause = cause
        self.identity = identity
    }
}

/// `DecisionTaskScheduled`.
public struct DecisionTaskScheduledEventAttributes: Sendable, Hashable, Codable {
    public var taskList: TaskList
    public var startToCloseTimeout: String
    public init(taskList: TaskList, startToCloseTimeout: String) {
        self.taskList = taskList
        self.startToCloseTimeout = startToCloseTimeout
    }
}

/// `DecisionTaskStarted`.
public struct DecisionTaskStartedEventAttributes: Sendable, Hashable, Codable {
    public var scheduledEventId: Int64
    public var identity: String
    public init(scheduledEventId: Int64, identity: String) {
        self.scheduledEventId = scheduledEventId
        self.identity = identity
    }
}

/// `DecisionTaskCompleted`.
public struct DecisionTaskCompletedEventAttributes: Sendable, Hashable, Codable {
    public var scheduledEventId: Int64
    public var startedEventId: Int64
    public init(scheduledEventId: Int64, startedEventId: Int64) {
        self.scheduledEventId = scheduledEventId
        self.startedEventId = startedEventId
    }
}

/// `DecisionTaskTimedOut`: a decision task that started and never completed, e.g. the engine died.
public struct DecisionTaskTimedOutEventAttributes: Sendable, Hashable, Codable {
    public var scheduledEventId: Int64
    public var startedEventId: Int64
    public var timeoutType: TimeoutType
    public init(scheduledEventId: Int64, startedEventId: Int64, timeoutType: TimeoutType = .startToClose) {
        self.scheduledEventId = scheduledEventId
        self.startedEventId = startedEventId
        self.timeoutType = timeoutType
    }
}

/// `ActivityTaskScheduled`. Carries the evaluated input, the resolved timeouts and retry policy.
public struct ActivityTaskScheduledEventAttributes: Sendable, Hashable, Codable {
    public var activityType: TypeName
    public var activityId: String
    public var input: JSONValue
    /// Which step (and `forEach` index) this task belongs to, and whether it is a compensation.
    public var control: ActivityControl
    public var taskList: TaskList
    public var scheduleToStartTimeout: String
    public var scheduleToCloseTimeout: String
    public var startToCloseTimeout: String
    public var heartbeatTimeout: String
    public var retryPolicy: RetryPolicy
    public var decisionTaskCompletedEventId: Int64

    public init(
        activityType: TypeName, activityId: String, input: JSONValue, control: ActivityControl, taskList: TaskList,
        scheduleToStartTimeout: String, scheduleToCloseTimeout: String, startToCloseTimeout: String,
        heartbeatTimeout: String, retryPolicy: RetryPolicy, decisionTaskCompletedEventId: Int64
    ) {
        self.activityType = activityType
        self.activityId = activityId
        self.input = input
        self.control = control
        self.taskList = taskList
        self.scheduleToStartTimeout = scheduleToStartTimeout
        self.scheduleToCloseTimeout = scheduleToCloseTimeout
        self.startToCloseTimeout = startToCloseTimeout
        self.heartbeatTimeout = heartbeatTimeout
        self.retryPolicy = retryPolicy
        self.decisionTaskCompletedEventId = decisionTaskCompletedEventId
    }

    /// The resolved timeouts.
    public var timeouts: ActivityTimeouts {
        ActivityTimeouts(
            scheduleToStart: Interval(timeoutText: scheduleToStartTimeout),
            startToClose: Interval(timeoutText: startToCloseTimeout),
            scheduleToClose: Interval(timeoutText: scheduleToCloseTimeout),
            heartbeat: Interval(timeoutText: heartbeatTimeout))
    }
}

/// What a scheduled activity is for (SWF's free-form `control`, given a fixed shape here).
public struct ActivityControl: Sendable, Hashable, Codable {
    /// The step id.
    public var step: String
    /// The `forEach` position, or nil for a step without `forEach`.
    public var index: Int?
    /// `step` for the step's own activity, `compensation` for its undo.
    public var role: Role

    /// Why an activity was scheduled.
    public enum Role: String, Sendable, Hashable, Codable {
        case step
        case compensation
    }

    public init(step: String, index: Int? = nil, role: Role = .step) {
        self.step = step
        self.index = index
        self.role = role
    }
}

/// `ActivityTaskStarted`. Written together with the attempt's outcome, so retries add no events.
public struct ActivityTaskStartedEventAttributes: Sendable, Hashable, Codable {
    public var scheduledEventId: Int64
    public var identity: String
    /// The attempt that produced the outcome; 1 for the first.
    public var attempt: Int
    public init(scheduledEventId: Int64, identity: String, attempt: Int) {
        self.scheduledEventId = scheduledEventId
        self.identity = identity
        self.attempt = attempt
    }
}

/// `ActivityTaskCompleted`.
public struct ActivityTaskCompletedEventAttributes: Sendable, Hashable, Codable {
    public var scheduledEventId: Int64
    public var startedEventId: Int64
    public var result: JSONValue
    public init(scheduledEventId: Int64, startedEventId: Int64, result: JSONValue) {
        self.scheduledEventId = scheduledEventId
        self.startedEventId = startedEventId
        self.result = result
    }
}

/// `ActivityTaskFailed`: the final failure, after the retry policy gave up.
public struct ActivityTaskFailedEventAttributes: Sendable, Hashable, Codable {
    public var scheduledEventId: Int64
    public var startedEventId: Int64
    public var reason: String
    public var details: String
    public init(scheduledEventId: Int64, startedEventId: Int64, reason: String, details: String) {
        self.scheduledEventId = scheduledEventId
        self.startedEventId = startedEventId
        self.reason = reason
        self.details = details
    }
}

/// `ActivityTaskTimedOut`. `startedEventId` is 0 for a schedule-to-start timeout.
public struct ActivityTaskTimedOutEventAttributes: Sendable, Hashable, Codable {
    public var scheduledEventId: Int64
    public var startedEventId: Int64
    public var timeoutType: TimeoutType
    /// The last heartbeat's details, if any.
    public var details: JSONValue?
    public init(scheduledEventId: Int64, startedEventId: Int64, timeoutType: TimeoutType, details: JSONValue? = nil) {
        self.scheduledEventId = scheduledEventId
        self.startedEventId = startedEventId
        self.timeoutType = timeoutType
        self.details = details
    }
}

/// `ActivityTaskCancelRequested`.
public struct ActivityTaskCancelRequestedEventAttributes: Sendable, Hashable, Codable {
    public var activityId: String
    public var decisionTaskCompletedEventId: Int64
    public init(activityId: String, decisionTaskCompletedEventId: Int64) {
        self.activityId = activityId
        self.decisionTaskCompletedEventId = decisionTaskCompletedEventId
    }
}

/// `ActivityTaskCanceled`.
public struct ActivityTaskCanceledEventAttributes: Sendable, Hashable, Codable {
    public var scheduledEventId: Int64
    public var startedEventId: Int64
    public var latestCancelRequestedEventId: Int64
    public var details: String?
    public init(scheduledEventId: Int64, startedEventId: Int64, latestCancelRequestedEventId: Int64, details: String? = nil) {
        self.scheduledEventId = scheduledEventId
        self.startedEventId = startedEventId
        self.latestCancelRequestedEventId = latestCancelRequestedEventId
        self.details = details
    }
}

/// `TimerStarted`.
public struct TimerStartedEventAttributes: Sendable, Hashable, Codable {
    public var timerId: String
    public var control: ActivityControl?
    /// An interval such as `10m`.
    public var startToFireTimeout: String
    public var decisionTaskCompletedEventId: Int64
    public init(timerId: String, control: ActivityControl?, startToFireTimeout: String, decisionTaskCompletedEventId: Int64) {
        self.timerId = timerId
        self.control = control
        self.startToFireTimeout = startToFireTimeout
        self.decisionTaskCompletedEventId = decisionTaskCompletedEventId
    }
}

/// `TimerFired`.
public struct TimerFiredEventAttributes: Sendable, Hashable, Codable {
    public var timerId: String
    public var startedEventId: Int64
    public init(timerId: String, startedEventId: Int64) {
        self.timerId = timerId
        self.startedEventId = startedEventId
    }
}

/// `TimerCanceled`.
public struct TimerCanceledEventAttributes: Sendable, Hashable, Codable {
    public var timerId: String
    public var startedEventId: Int64
    public var decisionTaskCompletedEventId: Int64
    public init(timerId: String, startedEventId: Int64, decisionTaskCompletedEventId: Int64) {
        self.timerId = timerId
        self.startedEventId = startedEventId
        self.decisionTaskCompletedEventId = decisionTaskCompletedEventId
    }
}

/// `MarkerRecorded`: a note the decider leaves for people (a skipped step, a rollback starting).
public struct MarkerRecordedEventAttributes: Sendable, Hashable, Codable {
    public var markerName: String
    public var details: JSONValue
    public var decisionTaskCompletedEventId: Int64
    public init(markerName: String, details: JSONValue, decisionTaskCompletedEventId: Int64) {
        self.markerName = markerName
        self.details = details
        self.decisionTaskCompletedEventId = decisionTaskCompletedEventId
    }
}

extension Interval {
    /// Parses an event's timeout field: `NONE` is nil.
    public init?(timeoutText: String) {
        if timeoutText == "NONE" { return nil }
        self.init(parsing: timeoutText)
    }

    /// The event form of an optional timeout: `NONE` for nil.
    public static func timeoutText(_ interval: Interval?) -> String {
        interval.map(\.description) ?? "NONE"
    }
}
