/// SWF's history event type names that Cairn records.
public enum EventType: String, Sendable, Hashable, Codable, CaseIterable {
    case workflowExecutionStarted = "WorkflowExecutionStarted"
    case workflowExecutionCompleted = "WorkflowExecutionCompleted"
    case workflowExecutionFailed = "WorkflowExecutionFailed"
    case workflowExecutionTimedOut = "WorkflowExecutionTimedOut"
    case workflowExecutionCanceled = "WorkflowExecutionCanceled"
    case workflowExecutionCancelRequested = "WorkflowExecutionCancelRequested"
    case workflowExecutionSignaled = "WorkflowExecutionSignaled"
    case workflowExecutionTerminated = "WorkflowExecutionTerminated"
    case decisionTaskScheduled = "DecisionTaskScheduled"
    case decisionTaskStarted = "DecisionTaskStarted"
    case decisionTaskCompleted = "DecisionTaskCompleted"
    case decisionTaskTimedOut = "DecisionTaskTimedOut"
    case activityTaskScheduled = "ActivityTaskScheduled"
    case activityTaskStarted = "ActivityTaskStarted"
    case activityTaskCompleted = "ActivityTaskCompleted"
    case activityTaskFailed = "ActivityTaskFailed"
    case activityTaskTimedOut = "ActivityTaskTimedOut"
    case activityTaskCancelRequested = "ActivityTaskCancelRequested"
    case activityTaskCanceled = "ActivityTaskCanceled"
    case timerStarted = "TimerStarted"
    case timerFired = "TimerFired"
    case timerCanceled = "TimerCanceled"
    case markerRecorded = "MarkerRecorded"

    /// The SWF attribute key, e.g. `activityTaskScheduledEventAttributes`.
    public var attributesKey: String {
        let name = rawValue
        return name.prefix(1).lowercased() + name.dropFirst() + "EventAttributes"
    }

    /// True for the events that close an execution.
    public var closesExecution: Bool {
        switch self {
        case .workflowExecutionCompleted, .workflowExecutionFailed, .workflowExecutionTimedOut,
            .workflowExecutionCanceled, .workflowExecutionTerminated:
            true
        default: false
        }
    }
}

/// SWF's timeout type names.
public enum TimeoutType: String, Sendable, Hashable, Codable, CaseIterable {
    case startToClose = "START_TO_CLOSE"
    case scheduleToStart = "SCHEDULE_TO_START"
    case scheduleToClose = "SCHEDULE_TO_CLOSE"
    case heartbeat = "HEARTBEAT"
}
