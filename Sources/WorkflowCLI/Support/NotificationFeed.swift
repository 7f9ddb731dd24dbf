import Synchronization
import WorkflowEngine

/// Carries the engine's notifications to the progress display. The engine's observer only appends
/// to a queue (it must never wait on the display); the display wakes and takes everything queued at
/// once, so a burst of notifications costs one redraw.
final class NotificationFeed: Sendable {
    private struct State {
        var queued: [EngineNotification] = []
        var finished = false
    }

    private let state = Mutex(State())
    /// One pending wake-up is enough: the display takes the whole queue when it wakes.
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Makes an empty feed.
    init() {
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The observer to give the engine.
    var observer: @Sendable (EngineNotification) -> Void {
        { [self] notification in
            let accepted = state.withLock { state -> Bool in
                guard !state.finished else { return false }
                state.queued.append(notification)
                return true
            }
            if accepted { wake.yield() }
        }
    }

    /// Everything queued since the last call, in the order the engine sent it.
    func take() -> [EngineNotification] {
        state.withLock { state in
            defer { state.queued = [] }
            return state.queued
        }
    }

    /// Wakes the listener without a notification (the terminal's elapsed-time redraw).
    func poke() { wake.yield() }

    /// Calls `body` at every wake-up until ``finish()`` or the calling task is cancelled.
    func listen(_ body: () -> Void) async {
        for await _ in wakes { body() }
    }

    /// Refuses everything sent from now on and ends ``listen(_:)`` once it has taken what is queued.
    func finish() {
        state.withLock { $0.finished = true }
        wake.finish()
    }
}
