import ExecutionCore
import HistoryTesting
import StrictJSON
import Synchronization
import WorkflowEngine
import WorkflowModel

/// What a simulated worker does with one attempt.
enum SimBehaviour: String, Sendable, Hashable {
    case complete
    /// A retryable failure (`Throttling`).
    case failRetryable
    /// A non-retryable failure: the step fails at once.
    case failFatal
    /// Never answers: the attempt ends by its start-to-close timeout (or a crash).
    case hang

    /// The behaviour of `activityId`'s attempt `attempt` under `seed`: a pure function, so a run that
    /// crashed and resumed meets exactly the answers an undisturbed run meets.
    static func of(seed: UInt64, activityId: String, attempt: Int) -> SimBehaviour {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for byte in activityId.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        // Compensations always succeed, so every rollback can finish.
        if activityId.hasPrefix("compensate:") { return .complete }
        var random = SeededRandom(seed: hash ^ UInt64(attempt) &* 0x9E37_79B9_7F4A_7C15)
        switch random.next() % 100 {
        case 0..<76: return .complete
        case 76..<90: return .failRetryable
        case 90..<95: return .hang
        default: return .failFatal
        }
    }
}

/// The simulated workers of every engine of one run: each call of the `sim.work` handler waits here
/// until the driver answers it, so the driver alone decides what happens next.
///
/// It also keeps the run's record of calls, to judge re-runs after crashes.
final class SimulatedWorkers: Sendable {
    struct Call: Sendable {
        let id: UInt64
        let activityId: String
        let attempt: Int
        let behaviour: SimBehaviour
        let continuation: CheckedContinuation<JSONValue, any Error>
    }

    struct State {
        var pending: [Call] = []
        var nextId: UInt64 = 0
        var cancelledBeforeWaiting: Set<UInt64> = []
        /// Calls per "activityId#attempt".
        var calls: [String: Int] = [:]
        /// Keys whose call was in flight at a crash (no outcome in the recovered history): one more
        /// call each is allowed.
        var rerunAllowance: [String: Int] = [:]
        /// Activities whose completion is durable: they must never be called again.
        var completed: Set<String> = []
        /// Activity ids by their `ActivityTaskScheduled` event id.
        var scheduled: [Int64: String] = [:]
        var violations: [String] = []
        var reruns = 0
        var totalCalls = 0
    }

    let seed: UInt64
    let state = Mutex(State())

    init(seed: UInt64) { self.seed = seed }

    /// The handler the engines run.
    var handler: ScriptedActivity {
        ScriptedActivity(activityType: "sim.work") { [self] _, context in
            try await call(activityId: context.activityId, attempt: context.attempt)
        }
    }

    func call(activityId: String, attempt: Int) async throws -> JSONValue {
        let behaviour = SimBehaviour.of(seed: seed, activityId: activityId, attempt: attempt)
        let key = "\(activityId)#\(attempt)"
        let id = state.withLock { state -> UInt64 in
            state.totalCalls += 1
            if state.completed.contains(activityId) {
                state.violations.append("\(key) was dispatched after its completion was durable")
            }
            if state.calls[key, default: 0] > 0 {
                if state.rerunAllowance[key, default: 0] > 0 {
                    state.rerunAllowance[key, default: 0] -= 1
                    state.reruns += 1
                } else {
                    state.violations.append("\(key) ran again although it was not in flight at a crash")
                }
            }
            state.calls[key, default: 0] += 1
            state.nextId += 1
            return state.nextId
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONValue, any Error>) in
                let cancelled = state.withLock { state -> Bool in
                    if state.cancelledBeforeWaiting.remove(id) != nil { return true }
                    state.pending.append(
                        Call(id: id, activityId: activityId, attempt: attempt, behaviour: behaviour, continuation: continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let call = state.withLock { state -> Call? in
                if let index = state.pending.firstIndex(where: { $0.id == id }) { return state.pending.remove(at: index) }
                state.cancelledBeforeWaiting.insert(id)
                return nil
            }
            call?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Calls waiting for an answer, by activity id and attempt.
    var pendingKeys: Set<String> { state.withLock { Set($0.pending.map { "\($0.activityId)#\($0.attempt)" }) } }

    /// Calls the driver may answer now (everything but hangs), in a stable order.
    var answerable: [(id: UInt64, key: String)] {
        state.withLock { state in
            state.pending.filter { $0.behaviour != .hang }.map { ($0.id, "\($0.activityId)#\($0.attempt)") }.sorted { $0.key < $1.key }
        }
    }

    /// Answers call `id` as its behaviour says.
    func answer(_ id: UInt64) {
        let call = state.withLock { state -> Call? in
            guard let index = state.pending.firstIndex(where: { $0.id == id }) else { return nil }
            return state.pending.remove(at: index)
        }
        guard let call else { return }
        switch call.behaviour {
        case .complete:
            call.continuation.resume(returning: ["activity": .string(call.activityId), "attempt": .number(Double(call.attempt))])
        case .failRetryable:
            call.continuation.resume(throwing: ActivityFailure(reason: "Throttling", details: "simulated throttling"))
        case .failFatal:
            call.continuation.resume(
                throwing: ActivityFailure(reason: "InvalidParameterValue", details: "simulated refusal", isNonRetryable: true))
        case .hang:
            call.continuation.resume(throwing: CancellationError())
        }
    }

    /// A crash: every waiting call dies with its process (its worker is gone).
    func abandonAll() {
        let calls = state.withLock { state -> [Call] in
            defer { state.pending = [] }
            return state.pending
        }
        for call in calls { call.continuation.resume(throwing: CancellationError()) }
    }

    /// After a crash: `inFlight` keys may run once more; `completed` activities never again.
    func recovered(inFlight: Set<String>, completed: Set<String>, events: [HistoryEvent]) {
        observe(events)
        state.withLock { state in
            // At most one outstanding re-run per attempt, however many crashes come before it.
            for key in inFlight { state.rerunAllowance[key] = 1 }
            state.completed.formUnion(completed)
        }
    }

    /// Durable events, as the engine reports them: completed activities must never run again.
    func observe(_ events: [HistoryEvent]) {
        state.withLock { state in
            for event in events {
                switch event.attributes {
                case .activityTaskScheduled(let scheduled):
                    state.scheduled[event.eventId] = scheduled.activityId
                case .activityTaskCompleted(let completed):
                    if let activityId = state.scheduled[completed.scheduledEventId] { state.completed.insert(activityId) }
                default:
                    break
                }
            }
        }
    }

    /// Every key called so far.
    var calledKeys: Set<String> { state.withLock { Set($0.calls.keys) } }
}
