import Synchronization
import Time
import WorkflowModel

/// Every armed deadline of an engine (timeouts, timers, retries) in one heap, waited on by one
/// sleeping task at a time instead of one task per deadline.
///
/// Arming and cancelling are a heap push and a table removal under a lock. A task per deadline cost
/// more than the fsync on the sequential path: every activity arms a start-to-close timeout and
/// cancels it when it completes, and each task was created, scheduled, put to sleep and woken.
final class DeadlineScheduler: Sendable {
    /// Identifies one armed deadline; never reused.
    typealias ID = UInt64

    private struct Entry {
        let deadline: Timestamp
        let id: ID

        /// Earlier deadline first; among equal ones, the one armed first.
        func precedes(_ other: Entry) -> Bool {
            (deadline, id) < (other.deadline, other.id)
        }
    }

    private struct State {
        /// A binary min-heap of entries; cancelled ones stay until they reach the top (or a rebuild).
        var heap: [Entry] = []
        /// What fires for each live deadline; cancelling removes it.
        var actions: [ID: @Sendable (ID) -> Void] = [:]
        var nextId: ID = 0
        /// The sleeping task and what it sleeps until; a newer generation supersedes it.
        var sleeper: Task<Void, Never>?
        var sleepingUntil: Timestamp?
        var generation: UInt64 = 0
        var closed = false
    }

    private let clock: any WallClock
    private let state = Mutex(State())

    /// A scheduler waiting on `clock`.
    init(clock: any WallClock) {
        self.clock = clock
    }

    /// Arms a deadline: `action` is called with its id once `clock` reaches `deadline`, unless it was
    /// cancelled first. `action` must be quick (it runs on the sleeper); the engine's starts a task.
    @discardableResult
    func schedule(at deadline: Timestamp, _ action: @escaping @Sendable (ID) -> Void) -> ID {
        state.withLock { state in
            state.nextId += 1
            let id = state.nextId
            guard !state.closed else { return id }
            state.actions[id] = action
            Self.push(Entry(deadline: deadline, id: id), into: &state.heap)
            if state.sleepingUntil.map({ deadline < $0 }) ?? true { startSleeper(until: deadline, &state) }
            return id
        }
    }

    /// Disarms a deadline; nothing happens if it already fired or was cancelled.
    func cancel(_ id: ID) {
        state.withLock { state in
            guard state.actions.removeValue(forKey: id) != nil else { return }
            // Cancelled entries wait in the heap; rebuild it when they are most of it, so a long run
            // of armed-then-cancelled timeouts does not grow it without bound.
            if state.heap.count > 2 * state.actions.count + 64 {
                let live = state.heap.filter { state.actions[$0.id] != nil }
                state.heap = []
                for entry in live { Self.push(entry, into: &state.heap) }
            }
        }
    }

    /// Disarms everything and refuses further deadlines (the engine shut down).
    func close() {
        let sleeper = state.withLock { state -> Task<Void, Never>? in
            state.closed = true
            state.actions = [:]
            state.heap = []
            state.generation += 1
            state.sleepingUntil = nil
            defer { state.sleeper = nil }
            return state.sleeper
        }
        sleeper?.cancel()
    }

    /// The earliest live deadline and how many are armed (for tests).
    var summary: (earliest: Timestamp?, armed: Int) {
        state.withLock { state in
            let earliest = state.heap.filter { state.actions[$0.id] != nil }.map(\.deadline).min()
            return (earliest, state.actions.count)
        }
    }

    /// Entries in the heap, cancelled ones included (for tests).
    var heapCount: Int { state.withLock { $0.heap.count } }

    /// Replaces the sleeper with one that sleeps until `deadline`.
    private func startSleeper(until deadline: Timestamp, _ state: inout State) {
        state.sleeper?.cancel()
        state.generation += 1
        state.sleepingUntil = deadline
        let generation = state.generation
        state.sleeper = Task { [self] in await sleep(generation: generation, until: deadline) }
    }

    /// The sleeper: waits for the earliest deadline, fires what is due, and goes on to the next,
    /// until nothing is armed or a newer sleeper takes over.
    private func sleep(generation: UInt64, until first: Timestamp) async {
        var wakeAt = first
        while true {
            do {
                try await clock.sleep(until: wakeAt)
            } catch {
                return  // cancelled: superseded by an earlier deadline, or closed
            }
            let now = clock.now()
            let (due, next) = state.withLock { state -> ([(ID, @Sendable (ID) -> Void)], Timestamp?) in
                guard state.generation == generation else { return ([], nil) }
                var due: [(ID, @Sendable (ID) -> Void)] = []
                while let top = state.heap.first {
                    guard let action = state.actions[top.id] else {
                        Self.popFirst(&state.heap)
                        continue
                    }
                    guard top.deadline <= now else { break }
                    Self.popFirst(&state.heap)
                    state.actions[top.id] = nil
                    due.append((top.id, action))
                }
                let next = state.heap.first?.deadline
                state.sleepingUntil = next
                if next == nil { state.sleeper = nil }
                return (due, next)
            }
            for (id, action) in due { action(id) }
            guard let next else { return }
            wakeAt = next
        }
    }

    private static func push(_ entry: Entry, into heap: inout [Entry]) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private static func popFirst(_ heap: inout [Entry]) {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
