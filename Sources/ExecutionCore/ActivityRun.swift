public import StrictJSON
public import Time
public import WorkflowModel

/// Where one scheduled activity task is in its life, beyond what the history says: which attempt,
/// and whether it waits in its task list, runs on a worker, or waits to be retried.
///
///     backoff(until) --queue--> queued(token) --start--> running(token) --end--> (closed or backoff)
///                                     |                                  |
///                                     +--- schedule-to-start, cancel ----+--> closed
///
/// A token lives exactly as long as its phase: once the attempt ends in any way, the token is dead.
public struct ActivityRun: Sendable {
    /// The `ActivityTaskScheduled` event id.
    public let scheduledEventId: Int64
    /// The scheduling event's attributes.
    public let attributes: ActivityTaskScheduledEventAttributes
    /// When it was scheduled (schedule-to-close counts from here).
    public let scheduledAt: Timestamp
    /// The current (or next) attempt number.
    public internal(set) var attempt: Int
    /// Where the current attempt is.
    public internal(set) var phase: Phase
    /// Set once `ActivityTaskCancelRequested` is recorded.
    public internal(set) var cancelRequested = false
    /// The last failed attempt, kept for people (`show`).
    public internal(set) var lastFailure: ActivityFailure?

    /// Where the current attempt is.
    public enum Phase: Sendable {
        /// Waiting in its task list since `since`, under `token`.
        case queued(token: String, since: Timestamp)
        /// A worker runs it.
        case running(RunningAttempt)
        /// Waiting to be queued at `until` (a retry's backoff, or a run recovered after a restart).
        case backoff(until: Timestamp)
    }

    /// The token of the queued or running attempt.
    public var token: String? {
        switch phase {
        case .queued(let token, _): token
        case .running(let attempt): attempt.token
        case .backoff: nil
        }
    }

    /// The effective timeouts.
    public var timeouts: ActivityTimeouts { attributes.timeouts }

    /// The running attempt, if the token matches it.
    func running(_ token: String) -> RunningAttempt? {
        if case .running(let attempt) = phase, attempt.token == token { return attempt }
        return nil
    }

    /// Whether `token` is the queued attempt's.
    func isQueued(_ token: String) -> Bool {
        if case .queued(let queued, _) = phase { return queued == token }
        return false
    }
}

/// An attempt a worker has started.
public struct RunningAttempt: Sendable {
    /// Its token.
    public let token: String
    /// When the worker took it: `ActivityTaskStarted` carries this time.
    public let startedAt: Timestamp
    /// The worker's identity.
    public let identity: String
    /// The last heartbeat (or the start).
    public internal(set) var lastHeartbeatAt: Timestamp
    /// The last heartbeat's details, reported with a timeout.
    public internal(set) var heartbeatDetails: JSONValue?
}

/// The one place that decides whether a failed or timed-out attempt is retried.
enum RetryDecision: Equatable {
    /// Run attempt `attempt + 1` at `at`.
    case retry(at: Timestamp)
    /// The activity closes with the failure.
    case close

    /// The decision for `run`'s current attempt ending with `reason` at `now`: retried when the policy
    /// allows another attempt for this reason, cancellation was not requested, and the next attempt
    /// would start before the schedule-to-close deadline.
    static func after(_ run: ActivityRun, reason: String, isNonRetryable: Bool, now: Timestamp) -> RetryDecision {
        let policy = run.attributes.retryPolicy
        guard !run.cancelRequested,
            policy.allowsRetry(afterAttempt: run.attempt, reason: reason, isNonRetryable: isNonRetryable)
        else { return .close }
        let nextAt = now.adding(policy.delay(afterAttempt: run.attempt))
        if let scheduleToClose = run.timeouts.scheduleToClose, !(nextAt < run.scheduledAt.adding(scheduleToClose)) {
            return .close
        }
        return .retry(at: nextAt)
    }
}
