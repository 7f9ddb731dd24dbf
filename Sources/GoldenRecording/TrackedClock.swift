import EngineTesting
import StrictJSON
import Synchronization
import Time
import WorkflowModel

/// The ``ManualClock`` as the engine sees it, counting who sleeps until when.
final class TrackedClock: WallClock {
    /// One sleep in progress.
    struct Sleep: Sendable {
        var deadline: Timestamp
        /// The activity whose handler sleeps; nil for the engine's own deadlines.
        var activityId: String?
        /// Cancelled, but not yet returned.
        var interrupted = false
    }

    /// What is in progress now.
    struct View: Sendable {
        var sleeps: [UInt64: Sleep]
        /// Activity handlers running, by activity id.
        var handlers: [String: Int]
        /// Bumped on every change.
        var generation: UInt64
    }

    let base: ManualClock
    private let state = Mutex(View(sleeps: [:], handlers: [:], generation: 0))
    private let nextId = Mutex<UInt64>(0)

    init(base: ManualClock) { self.base = base }

    func now() -> Timestamp { base.now() }

    func sleep(until deadline: Timestamp) async throws {
        try await sleep(until: deadline, activityId: nil)
    }

    func sleep(until deadline: Timestamp, activityId: String?) async throws {
        let id = nextId.withLock { value -> UInt64 in
            value += 1
            return value
        }
        change { $0.sleeps[id] = Sleep(deadline: deadline, activityId: activityId) }
        defer { change { $0.sleeps[id] = nil } }
        try await withTaskCancellationHandler {
            try await base.sleep(until: deadline)
        } onCancel: {
            change { $0.sleeps[id]?.interrupted = true }
        }
    }

    var view: View { state.withLock { $0 } }

    func enterHandler(_ activityId: String) { change { $0.handlers[activityId, default: 0] += 1 } }

    func leaveHandler(_ activityId: String) {
        change { view in
            view.handlers[activityId, default: 0] -= 1
            if view.handlers[activityId] == 0 { view.handlers[activityId] = nil }
        }
    }

    private func change(_ body: (inout View) -> Void) {
        state.withLock { view in
            body(&view)
            view.generation &+= 1
        }
    }
}

/// The clock one activity handler sees: its sleeps are counted as that activity's.
struct HandlerClock: WallClock {
    let tracked: TrackedClock
    let activityId: String

    func now() -> Timestamp { tracked.now() }

    func sleep(until deadline: Timestamp) async throws {
        try await tracked.sleep(until: deadline, activityId: activityId)
    }
}

/// Runs a real handler, telling the tracked clock while it runs.
struct TrackedHandler: ActivityHandler {
    let inner: any ActivityHandler
    let clock: TrackedClock

    var activityType: String { inner.activityType }

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        var context = context
        context.clock = HandlerClock(tracked: clock, activityId: context.activityId)
        clock.enterHandler(context.activityId)
        defer { clock.leaveHandler(context.activityId) }
        return try await inner.run(input: input, context: context)
    }
}
