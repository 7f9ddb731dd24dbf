/// What an armed deadline is for. The engine arms and disarms deadlines as the machine says, and
/// feeds a deadline that fires back as ``ExecutionInput/deadlineFired(_:)``.
public enum DeadlineKey: Hashable, Sendable {
    /// A durable timer started by a decision.
    case timer(String)
    /// The execution's start-to-close timeout.
    case executionTimeout
    /// The open decision task's start-to-close timeout.
    case decisionTaskStartToClose
    /// An activity's schedule-to-close timeout, by scheduled event id.
    case scheduleToClose(Int64)
    /// The queued attempt's schedule-to-start timeout.
    case scheduleToStart(Int64)
    /// The running attempt's start-to-close timeout.
    case startToClose(Int64)
    /// The running attempt's heartbeat timeout.
    case heartbeat(Int64)
    /// The end of an activity's retry backoff.
    case retry(Int64)

    /// The activity (its `ActivityTaskScheduled` event id) this deadline belongs to, if it belongs to one.
    public var scheduledEventId: Int64? {
        switch self {
        case .scheduleToClose(let id), .scheduleToStart(let id), .startToClose(let id), .heartbeat(let id), .retry(let id): id
        case .timer, .executionTimeout, .decisionTaskStartToClose: nil
        }
    }
}
