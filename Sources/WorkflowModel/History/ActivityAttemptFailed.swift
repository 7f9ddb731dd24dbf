public import Time

/// A failed activity attempt that the engine will retry. It is written instead of an event so
/// that retries (and long polling waits made of retries) do not grow the event history; on replay
/// it tells the engine how many attempts were used and when the next one is due.
public struct ActivityAttemptFailed: Sendable, Hashable, Codable {
    /// The `ActivityTaskScheduled` event this attempt belongs to.
    public var scheduledEventId: Int64
    /// The activity id from that event.
    public var activityId: String
    /// The attempt that failed; 1 for the first.
    public var attempt: Int
    /// The failure reason (an error code such as `rds.throttled`).
    public var reason: String
    /// Details for people; never secrets.
    public var details: String
    /// When the failure was recorded.
    public var timestamp: Timestamp
    /// When the next attempt is due, or nil to run it at once.
    public var nextAttemptAt: Timestamp?

    /// Makes a record.
    public init(
        scheduledEventId: Int64, activityId: String, attempt: Int, reason: String, details: String,
        timestamp: Timestamp, nextAttemptAt: Timestamp? = nil
    ) {
        self.scheduledEventId = scheduledEventId
        self.activityId = activityId
        self.attempt = attempt
        self.reason = reason
        self.details = details
        self.timestamp = timestamp
        self.nextAttemptAt = nextAttemptAt
    }
}
