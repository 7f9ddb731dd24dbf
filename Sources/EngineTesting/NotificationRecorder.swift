import Synchronization
public import WorkflowEngine
public import WorkflowModel

/// Collects an engine's notifications so a test can wait for one instead of sleeping.
public final class NotificationRecorder: Sendable {
    private struct Waiter {
        let id: UInt64
        let predicate: @Sendable ([EngineNotification]) -> Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var notifications: [EngineNotification] = []
        var waiters: [Waiter] = []
        var nextId: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Makes an empty recorder.
    public init() {}

    /// Pass this as the engine's observer.
    public var observer: @Sendable (EngineNotification) -> Void {
        { [self] notification in record(notification) }
    }

    /// Records one notification and wakes waiters whose condition now holds.
    public func record(_ notification: EngineNotification) {
        let ready = state.withLock { state -> [Waiter] in
            state.notifications.append(notification)
            let all = state.notifications
            let ready = state.waiters.filter { $0.predicate(all) }
            let readyIds = Set(ready.map(\.id))
            state.waiters.removeAll { readyIds.contains($0.id) }
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Everything recorded so far.
    public var notifications: [EngineNotification] { state.withLock { $0.notifications } }

    /// Every event recorded so far, in order.
    public var events: [HistoryEvent] {
        notifications.flatMap { notification -> [HistoryEvent] in
            if case .eventsRecorded(_, let events) = notification { return events }
            return []
        }
    }

    /// Suspends until `predicate` holds for the notifications recorded so far.
    public func wait(until predicate: @escaping @Sendable ([EngineNotification]) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let satisfied = state.withLock { state -> Bool in
                if predicate(state.notifications) { return true }
                state.nextId += 1
                state.waiters.append(Waiter(id: state.nextId, predicate: predicate, continuation: continuation))
                return false
            }
            if satisfied { continuation.resume() }
        }
    }

    /// Suspends until an event of `type` has been recorded `count` times.
    public func waitForEvent(_ type: EventType, count: Int = 1) async {
        await wait { notifications in
            notifications.reduce(0) { total, notification in
                guard case .eventsRecorded(_, let events) = notification else { return total }
                return total + events.filter { $0.eventType == type }.count
            } >= count
        }
    }

    /// Suspends until `count` attempts have started.
    public func waitForAttemptStarts(_ count: Int) async {
        await wait { notifications in
            notifications.filter { if case .attemptStarted = $0 { true } else { false } }.count >= count
        }
    }
}
