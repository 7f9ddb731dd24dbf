import Foundation
public import Time

/// The real clock: wall time for event timestamps, and waiting with `Task.sleep`.
public struct SystemWallClock: WallClock {
    /// Makes the system clock.
    public init() {}

    public func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    public func sleep(until deadline: Timestamp) async throws {
        let remaining = deadline.millisecondsSinceEpoch - now().millisecondsSinceEpoch
        if remaining > 0 { try await Task.sleep(for: .milliseconds(remaining)) }
        try Task.checkCancellation()
    }
}
