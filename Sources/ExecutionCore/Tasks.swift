public import StrictJSON
public import WorkflowModel

/// One attempt of an activity task, as handed to a worker (SWF's `PollForActivityTask` answer).
public struct ActivityTask: Sendable, Hashable {
    /// Identifies this attempt; completions and heartbeats must quote it. A token from an earlier
    /// attempt, or of a task that timed out or was canceled, is refused (SWF's `UnknownResource`).
    public var taskToken: String
    /// The execution.
    public var workflowExecution: WorkflowExecution
    /// The activity id, stable across attempts.
    public var activityId: String
    /// The step the activity belongs to.
    public var stepId: String
    /// The activity type.
    public var activityType: TypeName
    /// The task list it was scheduled on.
    public var taskList: String
    /// The evaluated input.
    public var input: JSONValue
    /// 1 for the first attempt.
    public var attempt: Int
    /// The `ActivityTaskScheduled` event id.
    public var scheduledEventId: Int64

    /// Makes a task.
    public init(
        taskToken: String, workflowExecution: WorkflowExecution, activityId: String, stepId: String,
        activityType: TypeName, taskList: String, input: JSONValue, attempt: Int, scheduledEventId: Int64
    ) {
        self.taskToken = taskToken
        self.workflowExecution = workflowExecution
        self.activityId = activityId
        self.stepId = stepId
        self.activityType = activityType
        self.taskList = taskList
        self.input = input
        self.attempt = attempt
        self.scheduledEventId = scheduledEventId
    }
}

/// A decision task waiting for a decider (SWF's `PollForDecisionTask` answer, without the history,
/// which the taker reads from the execution).
public struct DecisionTask: Sendable, Hashable {
    /// Identifies this decision task; the decider's answer must quote it.
    public var taskToken: String
    /// The execution to decide.
    public var workflowExecution: WorkflowExecution
    /// The workflow type.
    public var workflowType: TypeName
    /// The decision task list.
    public var taskList: String
    /// The `DecisionTaskScheduled` event id.
    public var scheduledEventId: Int64
}

/// How an attempt ended, as reported by the worker.
public enum AttemptOutcome: Sendable {
    /// The activity returned a result.
    case completed(JSONValue)
    /// The activity failed.
    case failed(ActivityFailure)
    /// The activity stopped because it was asked to (or stopped itself).
    case canceled(details: String?)
}

/// Task tokens: `<execution id>/<scheduled event id>/<attempt>/<incarnation>.<serial>` for activity
/// tasks and `<execution id>/decision/<scheduled event id>/<incarnation>.<serial>` for decision
/// tasks. The execution id comes first so the engine can route a token without a table; the
/// incarnation (unique per engine start) keeps a token minted before a restart from ever matching
/// one minted after it.
public enum TaskToken {
    /// The execution a token belongs to, or nil for text that is not a token.
    public static func executionId(of token: String) -> String? {
        guard let slash = token.utf8.firstIndex(of: UInt8(ascii: "/")), slash != token.utf8.startIndex else { return nil }
        return String(token[..<slash])
    }
}
