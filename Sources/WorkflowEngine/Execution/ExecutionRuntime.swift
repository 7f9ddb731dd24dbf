import HistoryStore
import StrictJSON
import Time
import WorkflowDecider
import WorkflowModel

/// The engine's in-memory view of one open execution: the folded history plus what is not in the
/// history (which attempt runs where, pending deadlines).
///
/// A class, owned by the engine actor: as a struct in the engine's table, every read through
/// `executions[id]` copied it whole (a retain and release of each of its fields), several times
/// per activity.
final class ExecutionRuntime {
    let executionId: String
    let definition: WorkflowDefinition
    var state: HistoryState
    /// Activity runs by `ActivityTaskScheduled` event id.
    var runs: [Int64: ActivityRun] = [:]
    /// Deadline tasks (timers, timeouts, backoffs) by key, cancelled when no longer needed.
    var deadlines: [DeadlineKey: DeadlineScheduler.ID] = [:]
    /// Callers of `waitForClose`.
    var closeWaiters: [(id: UInt64, continuation: CheckedContinuation<ExecutionStatus, Never>)] = []

    init(executionId: String, definition: WorkflowDefinition, state: HistoryState) {
        self.executionId = executionId
        self.definition = definition
        self.state = state
    }

    /// The next event id.
    var nextEventId: Int64 { state.lastEventId + 1 }
}

/// Where one scheduled activity task is in its life, beyond what the history says.
struct ActivityRun {
    let scheduledEventId: Int64
    let attributes: ActivityTaskScheduledEventAttributes
    let scheduledAt: Timestamp
    /// The current (or next) attempt number.
    var attempt: Int
    var phase: Phase
    /// Set once `ActivityTaskCancelRequested` is recorded.
    var cancelRequested = false
    /// The last failed attempt, kept for people (`show`).
    var lastFailure: ActivityFailure?

    enum Phase {
        /// Waiting in its task list since `since`, under `token`.
        case queued(token: String, since: Timestamp)
        /// A worker runs it.
        case running(RunningAttempt)
        /// Waiting to retry at `until`.
        case backoff(until: Timestamp)
    }

    var token: String? {
        switch phase {
        case .queued(let token, _): token
        case .running(let attempt): attempt.token
        case .backoff: nil
        }
    }

    var timeouts: ActivityTimeouts { attributes.timeouts }
}

/// An attempt a worker has started.
struct RunningAttempt {
    let token: String
    let startedAt: Timestamp
    let identity: String
    var lastHeartbeatAt: Timestamp
    var heartbeatDetails: JSONValue?
    let cancellation: AttemptCancellation
}

/// What a deadline task does when it fires.
enum DeadlineKey: Hashable {
    case timer(String)
    case executionTimeout
    case scheduleToClose(Int64)
    case scheduleToStart(Int64)
    case startToClose(Int64)
    case heartbeat(Int64)
    case retry(Int64)
}
