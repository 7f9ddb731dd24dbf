/// How much of the history's room (``Limits/historyEventsMax``) an execution has left, counting the
/// events its open work may still add.
///
/// A decision must never take the history past its limit: an execution that ran out of room
/// could neither finish nor roll back, and every later input would be refused. So whoever decides
/// counts, for everything already open, the most events it can still cause, and keeps room for the
/// operations that are always accepted (cancel, terminate). The counts are upper bounds, not
/// estimates: each open activity is assumed to be canceled and to trigger a decision task of its own.
public enum HistoryBudget {
    /// Events one open activity may still add: `ActivityTaskCancelRequested`, `ActivityTaskStarted`,
    /// its outcome, and the decision task its outcome triggers (scheduled, started, completed).
    public static let eventsPerOpenActivity = 6
    /// Events one open timer may still add: `TimerFired` or `TimerCanceled` and a decision task.
    public static let eventsPerOpenTimer = 4
    /// Events a newly scheduled activity costs over its life: `ActivityTaskScheduled` and then what
    /// an open activity may add.
    public static let eventsPerNewActivity = 1 + eventsPerOpenActivity
    /// Events a newly started timer costs: `TimerStarted` and then what an open timer may add.
    public static let eventsPerNewTimer = 1 + eventsPerOpenTimer
    /// Events closing may take once nothing is open: a cancellation request and its decision task,
    /// a few markers (rollback started, a failed step), and the close event.
    public static let eventsToClose = 12
    /// Room kept for the operations that are always accepted: `WorkflowExecutionTerminated`, and a
    /// decision task a timed-out decider leaves (timed out, scheduled again).
    public static let eventsReservedForOperations = 4

    /// The most events decisions may bring a history to, counting what open work may still add.
    public static let decidedEventsMax = Limits.historyEventsMax - eventsReservedForOperations

    /// Events the open work of `state` may still add, closing included.
    public static func committed(_ state: HistoryState) -> Int {
        state.openActivityCount * eventsPerOpenActivity + state.openTimerCount * eventsPerOpenTimer + eventsToClose
    }

    /// Events left for new work in `state`: the room below ``decidedEventsMax`` once everything open
    /// and closing are counted. Negative when already over.
    public static func available(_ state: HistoryState) -> Int {
        decidedEventsMax - state.eventCount - committed(state)
    }
}
