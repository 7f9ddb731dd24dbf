import Synchronization

/// Lets the engine cancel an attempt a worker is running, whether or not the worker has attached
/// its task yet.
public final class AttemptCancellation: Sendable {
    private struct State {
        var isCancelled = false
        var cancel: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    /// Makes an uncancelled box.
    public init() {}

    /// Whether cancellation was requested.
    public var isCancelled: Bool { state.withLock { $0.isCancelled } }

    /// Registers how to cancel the running work; runs it at once if already cancelled.
    public func attach(_ cancel: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.isCancelled { return true }
            state.cancel = cancel
            return false
        }
        if runNow { cancel() }
    }

    /// Unregisters the action, so a later ``cancel()`` no longer runs it; returns whether cancellation
    /// was requested before (its action then ran, or is running).
    public func detach() -> Bool {
        state.withLock { state in
            state.cancel = nil
            return state.isCancelled
        }
    }

    /// Requests cancellation.
    public func cancel() {
        let action = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.isCancelled else { return nil }
            state.isCancelled = true
            defer { state.cancel = nil }
            return state.cancel
        }
        action?()
    }
}
