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
}

/// How an attempt ended, as reported by the worker.
public enum AttemptOutcome: Sendable {
    case completed(JSONValue)
    case failed(ActivityFailure)
    case canceled(details: String?)
}
