public import StrictJSON
import Time

/// What the decider asks the engine to do; SWF's decision types, with Cairn's resolved inputs.
public enum Decision: Sendable, Hashable {
    /// Schedule an activity task (SWF `ScheduleActivityTask`).
    case scheduleActivityTask(ScheduleActivityTask)
    /// Ask a scheduled or running activity to stop (SWF `RequestCancelActivityTask`).
    case requestCancelActivityTask(activityId: String)
    /// Start a durable timer (SWF `StartTimer`).
    case startTimer(timerId: String, startToFireTimeout: Interval, control: ActivityControl?)
    /// Cancel an open timer (SWF `CancelTimer`).
    case cancelTimer(timerId: String)
    /// Leave a note in the history (SWF `RecordMarker`).
    case recordMarker(name: String, details: JSONValue)
    /// Close the execution as completed (SWF `CompleteWorkflowExecution`).
    case completeWorkflowExecution(result: JSONValue)
    /// Close the execution as failed (SWF `FailWorkflowExecution`).
    case failWorkflowExecution(reason: String, details: JSONValue)
    /// Close the execution as canceled (SWF `CancelWorkflowExecution`).
    case cancelWorkflowExecution(details: JSONValue)

    /// SWF's name for the decision type.
    public var decisionType: String {
        switch self {
        case .scheduleActivityTask: "ScheduleActivityTask"
        case .requestCancelActivityTask: "RequestCancelActivityTask"
        case .startTimer: "StartTimer"
        case .cancelTimer: "CancelTimer"
        case .recordMarker: "RecordMarker"
        case .completeWorkflowExecution: "CompleteWorkflowExecution"
        case .failWorkflowExecution: "FailWorkflowExecution"
        case .cancelWorkflowExecution: "CancelWorkflowExecution"
        }
    }
}

/// The attributes of a `ScheduleActivityTask` decision.
public struct ScheduleActivityTask: Sendable, Hashable {
    public var activityId: String
    public var activityType: TypeName
    public var input: JSONValue
    public var control: ActivityControl
    public var taskList: TaskList
    public var timeouts: ActivityTimeouts
    public var retryPolicy: RetryPolicy

    public init(
        activityId: String, activityType: TypeName, input: JSONValue, control: ActivityControl, taskList: TaskList,
        timeouts: ActivityTimeouts, retryPolicy: RetryPolicy
    ) {
        self.activityId = activityId
        self.activityType = activityType
        self.input = input
        self.control = control
        self.taskList = taskList
        self.timeouts = timeouts
        self.retryPolicy = retryPolicy
    }
}
