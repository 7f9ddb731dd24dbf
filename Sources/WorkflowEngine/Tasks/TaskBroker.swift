import ExecutionCore
import Synchronization
import Time
import WorkflowModel

/// A task a ``TaskBroker`` holds: it has a token and a task list.
protocol BrokeredTask: Sendable {
    var taskToken: String { get }
    var taskList: String { get }
}

extension ActivityTask: BrokeredTask {}
extension DecisionTask: BrokeredTask {}

/// Task lists: tasks wait here, one first-in first-out queue per task list, until a taker polls.
///
/// Any taker may take a task: a poller naming a list (a remote worker or decider, long polling until
/// its deadline), or an in-process worker, which takes any task it can run in the order tasks
/// arrived. A task is handed to exactly one taker. Synchronous under a mutex (not an actor) so the
/// engine withdraws a task — canceled, timed out, its execution closed — atomically with its own
/// bookkeeping.
final class TaskBroker<Item: BrokeredTask>: Sendable {
    private struct Poller {
        let id: UInt64
        /// The list it polls; nil for an in-process worker, which takes what runs in-process.
        let taskList: String?
        let continuation: CheckedContinuation<Item?, Never>
    }

    private struct State {
        /// Waiting tasks by token.
        var waiting: [String: Item] = [:]
        /// Waiting tokens per task list, oldest first.
        var queues: [String: TokenQueue] = [:]
        /// Waiting tokens of the tasks in-process workers can run, in the order they arrived.
        var inProcess = TokenQueue()
        var pollers: [Poller] = []
        var nextPollerId: UInt64 = 0
        /// Pollers whose wait ended (cancelled, or the deadline passed) before they were registered.
        var endedPollers: Set<UInt64> = []
        var closed = false
    }

    private let state = Mutex(State())
    private let deadlines: DeadlineScheduler

    /// A broker whose long polls end at deadlines kept by `deadlines`.
    init(deadlines: DeadlineScheduler) {
        self.deadlines = deadlines
    }

    /// Adds a task; hands it straight to a waiting poller that wants it. `runsInProcess` says
    /// whether an in-process worker can run it.
    func offer(_ task: Item, runsInProcess: Bool) {
        let poller = state.withLock { state -> Poller? in
            if let index = state.pollers.firstIndex(where: { $0.taskList == task.taskList || ($0.taskList == nil && runsInProcess) }) {
                return state.pollers.remove(at: index)
            }
            state.waiting[task.taskToken] = task
            state.queues[task.taskList, default: TokenQueue()].append(task.taskToken, waiting: state.waiting)
            if runsInProcess { state.inProcess.append(task.taskToken, waiting: state.waiting) }
            return nil
        }
        poller?.continuation.resume(returning: task)
    }

    /// Whether any task waits for a taker, on any list.
    var hasWaitingTasks: Bool { state.withLock { !$0.waiting.isEmpty } }

    /// How many tasks wait in `taskList` (SWF's `CountPendingActivityTasks`).
    func waitingCount(taskList: String) -> Int {
        state.withLock { state in state.waiting.values.count { $0.taskList == taskList } }
    }

    /// Removes a waiting task; true when it was still waiting (no taker has it).
    @discardableResult
    func withdraw(taskToken: String) -> Bool {
        state.withLock { state in state.waiting.removeValue(forKey: taskToken) != nil }
    }

    /// Waits for a task on `taskList` (nil: any task an in-process worker can run) until `deadline`
    /// (nil: no limit). Returns nil when the deadline passes, the broker closes or the calling task
    /// is cancelled.
    func poll(taskList: String?, until deadline: Timestamp? = nil) async -> Item? {
        let id = state.withLock { state -> UInt64 in
            state.nextPollerId += 1
            return state.nextPollerId
        }
        let expiry = deadline.map { deadline in deadlines.schedule(at: deadline) { [self] _ in endWait(id) } }
        defer { if let expiry { deadlines.cancel(expiry) } }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
                let immediate = state.withLock { state -> Item?? in
                    if state.closed || state.endedPollers.remove(id) != nil { return .some(nil) }
                    if let task = Self.take(from: &state, taskList: taskList) { return .some(task) }
                    state.pollers.append(Poller(id: id, taskList: taskList, continuation: continuation))
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            endWait(id)
        }
    }

    /// Ends poller `id`'s wait with nil (its deadline passed or it was cancelled).
    private func endWait(_ id: UInt64) {
        let poller = state.withLock { state -> Poller? in
            if let index = state.pollers.firstIndex(where: { $0.id == id }) { return state.pollers.remove(at: index) }
            state.endedPollers.insert(id)
            return nil
        }
        poller?.continuation.resume(returning: nil)
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

    private static func take(from state: inout State, taskList: String?) -> Item? {
        let token: String?
        if let taskList {
            token = state.queues[taskList]?.popFirst(in: state.waiting)
        } else {
            token = state.inProcess.popFirst(in: state.waiting)
        }
        guard let token else { return nil }
        return state.waiting.removeValue(forKey: token)
    }
}

/// A first-in first-out list of task tokens; removal is lazy (a token whose task is no longer
/// waiting is skipped when reached), so offering, taking and withdrawing cost O(1) amortized
/// however many tasks wait.
private struct TokenQueue {
    var tokens: [String] = []
    var head = 0

    /// Appends `token`; drops tokens no longer waiting once they outnumber the waiting ones, so a
    /// list nobody polls does not grow without bound.
    mutating func append<Item>(_ token: String, waiting: [String: Item]) {
        tokens.append(token)
        if tokens.count - head > 2 * waiting.count + 1_024 {
            tokens = tokens[head...].filter { waiting[$0] != nil }
            head = 0
        }
    }

    /// The oldest token still in `waiting`, removed from the queue.
    mutating func popFirst<Item>(in waiting: [String: Item]) -> String? {
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
