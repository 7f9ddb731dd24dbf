public import StrictJSON
public import Time

/// The code that performs one activity type, run by a worker for each attempt of an activity task.
///
/// Handlers are called at least once per scheduled task: after a crash, an attempt that was in flight
/// runs again, so every handler must be idempotent (RDS handlers tag what they create and treat
/// "already exists" for their own resource as success).
public protocol ActivityHandler: Sendable {
    /// The activity type this handler performs, e.g. `rds.createInstance`.
    var activityType: String { get }

    /// Runs one attempt.
    /// - Parameters:
    ///   - input: the step's input template, already evaluated.
    ///   - context: identity of the attempt, heartbeats, the clock and secret resolution.
    /// - Returns: the activity's result, recorded in `ActivityTaskCompleted`.
    /// - Throws: ``ActivityFailure`` for a failure with a reason the workflow can name;
    ///   `CancellationError` when the attempt was cancelled. Any other error fails the attempt with
    ///   reason `ActivityError`.
    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue
}

/// A failed attempt, with a reason a retry policy or a `when` condition can name.
///
/// `reason` is short and stable (an RDS error code such as `DBInstanceNotFound`, or names such as
/// `InvalidInput`, `ExecFailed`). `details` is for people. Neither may contain a secret.
public struct ActivityFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable name for the kind of failure.
    public var reason: String
    /// A human explanation: what happened and what to do.
    public var details: String
    /// True when retrying cannot help (bad input, a resource owned by someone else).
    public var isNonRetryable: Bool

    /// Makes a failure.
    public init(reason: String, details: String, isNonRetryable: Bool = false) {
        self.reason = reason
        self.details = details
        self.isNonRetryable = isNonRetryable
    }

    public var description: String { "\(reason): \(details)" }
}

/// What a worker tells a running activity, and what the activity can ask of the worker.
public struct ActivityContext: Sendable {
    /// The workflow id of the execution.
    public var executionId: String
    /// The run id of the execution.
    public var runId: String
    /// The activity id, e.g. `primary` or `replicas[1]`; stable across attempts.
    public var activityId: String
    /// The step the activity belongs to.
    public var stepId: String
    /// 1 for the first attempt.
    public var attempt: Int
    /// Time, for handlers that wait (such as `rds.waitAvailable`).
    public var clock: any WallClock
    /// Records a heartbeat; returns true when cancellation of this attempt was requested.
    public var heartbeat: @Sendable (_ details: JSONValue?) async -> Bool
    /// Progress text for people (shown in live progress and logs); never a secret.
    public var report: @Sendable (_ message: String) -> Void

    /// Makes a context.
    public init(
        executionId: String, runId: String, activityId: String, stepId: String, attempt: Int,
        clock: any WallClock,
        heartbeat: @escaping @Sendable (_ details: JSONValue?) async -> Bool = { _ in false },
        report: @escaping @Sendable (_ message: String) -> Void = { _ in }
    ) {
        self.executionId = executionId
        self.runId = runId
        self.activityId = activityId
        self.stepId = stepId
        self.attempt = attempt
        self.clock = clock
        self.heartbeat = heartbeat
        self.report = report
    }
}
