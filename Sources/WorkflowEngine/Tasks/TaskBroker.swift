import Synchronization

/// Task lists: activity tasks wait here until a worker polls for them.
///
/// Synchronous under a mutex (not an actor) so the engine can withdraw a task — when it is
/// canceled or its schedule-to-start timeout fires — atomically with its own bookkeeping.
final class TaskBroker: Sendable {
    private struct Poller {
        let id: UInt64
        let taskList: String?
        let continuation: CheckedContinuation<ActivityTask?, Never>
    }

    /// A first-in first-out list of task tokens; removal is lazy (a token whose task is no longer
    /// waiting is skipped when reached), so offering, taking and withdrawing cost O(1) amortized
    /// however many tasks wait.
    private struct TokenQueue {
        var tokens: [String] = []
        var head = 0

        /// Appends `token`; drops tokens no longer waiting once they outnumber the waiting ones, so a
        /// list nobody polls by name does not grow without bound.
        mutating func append(_ token: String, waiting: [String: ActivityTask]) {
            tokens.append(token)
            if tokens.count - head > 2 * waiting.count + 1_024 {
                tokens = tokens[head...].filter { waiting[$0] != nil }
                head = 0
            }
        }

        /// The oldest token still in `waiting`, removed from the queue.
        mutating func popFirst(in waiting: [String: ActivityTask]) -> String? {
            while head < tokens.count {
                let token = tokens[head]
                head += 1
                if waiting[token] != nil {
                    compact()
                    return token
                }
            }
            tokens = []
            head = 0
            return nil
        }

        private mutating func compact() {
            if head > 1_024, head * 2 > tokens.count {
                tokens.removeFirst(head)
                head = 0
            }
        }
    }

    private struct State {
        /// Waiting tasks by token.
        var waiting: [String: ActivityTask] = [:]
        /// Waiting tokens per task list, oldest first.
        var queues: [String: TokenQueue] = [:]
        /// The order tasks were offered across lists, so "any list" polls stay first-in first-out.
        var arrival = TokenQueue()
        var pollers: [Poller] = []
        var nextPollerId: UInt64 = 0
        var cancelledPollers: Set<UInt64> = []
        var closed = false
    }

    private let state = Mutex(State())

    /// Adds a task; hands it straight to a waiting poller when one wants it.
    func offer(_ task: ActivityTask) {
        let poller = state.withLock { state -> Poller? in
            if let index = state.pollers.firstIndex(where: { $0.taskList == nil || $0.taskList == task.taskList }) {
                return state.pollers.remove(at: index)
            }
            state.waiting[task.taskToken] = task
            state.queues[task.taskList, default: TokenQueue()].append(task.taskToken, waiting: state.waiting)
            state.arrival.append(task.taskToken, waiting: state.waiting)
            return nil
        }
        poller?.continuation.resume(returning: task)
    }

    /// Whether any task waits for a worker, on any list.
    var hasWaitingTasks: Bool { state.withLock { !$0.waiting.isEmpty } }

    /// Removes a waiting task; true when it was still waiting (no worker has it).
    @discardableResult
    func withdraw(taskToken: String, taskList: String) -> Bool {
        state.withLock { state in state.waiting.removeValue(forKey: taskToken) != nil }
    }

    /// Waits for a task on `taskList` (any list when nil). Returns nil once the broker is closed or
    /// the calling task is cancelled.
    func poll(taskList: String?) async -> ActivityTask? {
        let id = state.withLock { state -> UInt64 in
            state.nextPollerId += 1
            return state.nextPollerId
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ActivityTask?, Never>) in
                let immediate = state.withLock { state -> ActivityTask?? in
                    if state.closed || state.cancelledPollers.remove(id) != nil { return .some(nil) }
                    if let task = Self.take(from: &state, taskList: taskList) { return .some(task) }
                    state.pollers.append(Poller(id: id, taskList: taskList, continuation: continuation))
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let poller = state.withLock { state -> Poller? in
                if let index = state.pollers.firstIndex(where: { $0.id == id }) { return state.pollers.remove(at: index) }
                state.cancelledPollers.insert(id)
                return nil
            }
            poller?.continuation.resume(returning: nil)
        }
    }

    /// Wakes every poller with nil and refuses further polls.
    func close() {
        let pollers = state.withLock { state -> [Poller] in
            state.closed = true
            defer { state.pollers = [] }
            return state.pollers
        }
        for poller in pollers { poller.continuation.resume(returning: nil) }
    }

    private static func take(from state: inout State, taskList: String?) -> ActivityTask? {
        let token: String?
        if let taskList {
            token = state.queues[taskList]?.popFirst(in: state.waiting)
        } else {
            token = state.arrival.popFirst(in: state.waiting)
        }
        guard let token else { return nil }
        return state.waiting.removeValue(forKey: token)
    }
}
