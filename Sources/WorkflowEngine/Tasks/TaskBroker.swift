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

    private struct State {
        /// Waiting tasks per task list, oldest first.
        var queues: [String: [ActivityTask]] = [:]
        /// The order tasks were offered across lists, so "any list" polls stay first-in first-out.
        var arrival: [String] = []
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
            state.queues[task.taskList, default: []].append(task)
            state.arrival.append(task.taskToken)
            return nil
        }
        poller?.continuation.resume(returning: task)
    }

    /// Removes a waiting task; true when it was still waiting (no worker has it).
    @discardableResult
    func withdraw(taskToken: String, taskList: String) -> Bool {
        state.withLock { state in
            guard let index = state.queues[taskList]?.firstIndex(where: { $0.taskToken == taskToken }) else {
                return false
            }
            state.queues[taskList]?.remove(at: index)
            state.arrival.removeAll { $0 == taskToken }
            return true
        }
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
        if let taskList {
            guard var queue = state.queues[taskList], !queue.isEmpty else { return nil }
            let task = queue.removeFirst()
            state.queues[taskList] = queue
            state.arrival.removeAll { $0 == task.taskToken }
            return task
        }
        while let token = state.arrival.first {
            state.arrival.removeFirst()
            for (list, queue) in state.queues {
                if let index = queue.firstIndex(where: { $0.taskToken == token }) {
                    return state.queues[list]!.remove(at: index)
                }
            }
        }
        return nil
    }
}
