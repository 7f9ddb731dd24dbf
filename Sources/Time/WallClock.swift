/// The source of "now" and of waiting, injected into everything that is not pure.
///
/// The decider never sees a clock: it takes time from event timestamps. The engine, the activities
/// and the simulator take a `WallClock`, so tests drive time by hand and never sleep.
public protocol WallClock: Sendable {
    /// The current time.
    func now() -> Timestamp
    /// Suspends until `deadline` (returns at once when it has passed).
    /// - Throws: `CancellationError` when the calling task is cancelled.
    func sleep(until deadline: Timestamp) async throws
}

extension WallClock {
    /// Suspends for `interval` from now.
    public func sleep(for interval: Interval) async throws {
        try await sleep(until: now().adding(interval))
    }
}
