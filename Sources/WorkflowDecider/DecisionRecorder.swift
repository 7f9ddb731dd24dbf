import Time
public import WorkflowModel

/// How each decision is written into the history (what SWF's service does on
/// `RespondDecisionTaskCompleted`). The engine records with it and replay compares with it, so the
/// two can never disagree about what a decision looks like as an event.
public enum DecisionRecorder {
    /// The event attributes recording `decision`, made by the decision task whose
    /// `DecisionTaskCompleted` event is `decisionTaskCompletedEventId`.
    public static func attributes(
        for decision: Decision, decisionTaskCompletedEventId completedId: Int64, state: HistoryState
    ) -> EventAttributes {
        switch decision {
        case .scheduleActivityTask(let task):
            return .activityTaskScheduled(
                ActivityTaskScheduledEventAttributes(
                    activityType: task.activityType, activityId: task.activityId, input: task.input,
                    control: task.control, taskList: task.taskList,
                    scheduleToStartTimeout: Interval.timeoutText(task.timeouts.scheduleToStart),
                    scheduleToCloseTimeout: Interval.timeoutText(task.timeouts.scheduleToClose),
                    startToCloseTimeout: Interval.timeoutText(task.timeouts.startToClose),
                    heartbeatTimeout: Interval.timeoutText(task.timeouts.heartbeat), retryPolicy: task.retryPolicy,
                    decisionTaskCompletedEventId: completedId))
        case .requestCancelActivityTask(let activityId):
            return .activityTaskCancelRequested(
                ActivityTaskCancelRequestedEventAttributes(activityId: activityId, decisionTaskCompletedEventId: completedId))
        case .startTimer(let timerId, let timeout, let control):
            return .timerStarted(
                TimerStartedEventAttributes(
                    timerId: timerId, control: control, startToFireTimeout: timeout.description,
                    decisionTaskCompletedEventId: completedId))
        case .cancelTimer(let timerId):
            return .timerCanceled(
                TimerCanceledEventAttributes(
                    timerId: timerId, startedEventId: state.timers[timerId]?.startedEventId ?? 0,
                    decisionTaskCompletedEventId: completedId))
        case .recordMarker(let name, let details):
            return .markerRecorded(
                MarkerRecordedEventAttributes(markerName: name, details: details, decisionTaskCompletedEventId: completedId))
        case .completeWorkflowExecution(let result):
            return .workflowExecutionCompleted(
                WorkflowExecutionCompletedEventAttributes(result: result, decisionTaskCompletedEventId: completedId))
        case .failWorkflowExecution(let reason, let details):
            return .workflowExecutionFailed(
                WorkflowExecutionFailedEventAttributes(reason: reason, details: details, decisionTaskCompletedEventId: completedId))
        case .cancelWorkflowExecution(let details):
            return .workflowExecutionCanceled(
                WorkflowExecutionCanceledEventAttributes(details: details, decisionTaskCompletedEventId: completedId))
        }
    }

    /// The id of the decision task that made the event, for events that record a decision.
    public static func decisionTaskCompletedEventId(of attributes: EventAttributes) -> Int64? {
        switch attributes {
        case .activityTaskScheduled(let a): a.decisionTaskCompletedEventId
        case .activityTaskCancelRequested(let a): a.decisionTaskCompletedEventId
        case .timerStarted(let a): a.decisionTaskCompletedEventId
        case .timerCanceled(let a): a.decisionTaskCompletedEventId
        case .markerRecorded(let a): a.decisionTaskCompletedEventId
        case .workflowExecutionCompleted(let a): a.decisionTaskCompletedEventId
        case .workflowExecutionFailed(let a): a.decisionTaskCompletedEventId
        case .workflowExecutionCanceled(let a): a.decisionTaskCompletedEventId
        default: nil
        }
    }
}
