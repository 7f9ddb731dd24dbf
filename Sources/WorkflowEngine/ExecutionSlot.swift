import ExecutionCore
import Time
import WorkflowModel

/// One open execution in the engine: its machine, and what the engine keeps beside it that is not
/// the execution's state (scheduled deadlines, who waits for its turn or its close).
///
/// A class owned by the engine actor: the engine reaches it once per input and mutates it in place.
final class ExecutionSlot {
    /// The execution's state machine.
    var machine: ExecutionMachine
    /// The definition it runs (the one recorded when it started).
    let definition: WorkflowDefinition
    /// Deadlines scheduled with the engine's ``DeadlineScheduler``, and when each is due.
    var deadlines: [DeadlineKey: (id: DeadlineScheduler.ID, at: Timestamp)] = [:]
    /// Callers of `waitForClose`.
    var closeWaiters: [(id: UInt64, continuation: CheckedContinuation<ExecutionStatus, Never>)] = []
    /// Whether an input holds the commit turn, and who waits for it next (in order).
    var turnHeld = false
    var turnWaiters: [CheckedContinuation<Void, Never>] = []
    /// Set for a recovered execution: its first batch must be written even when empty, so the store
    /// rewrites the history it read (which may be only in the page cache) before anything acts on it.
    var needsFirstBatch = false
    /// Latest progress text by activity id.
    var reports: [String: String] = [:]

    init(machine: ExecutionMachine, definition: WorkflowDefinition) {
        self.machine = machine
        self.definition = definition
    }

    /// The execution id.
    var executionId: String { machine.executionId }
}
