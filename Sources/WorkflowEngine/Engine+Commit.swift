import ExecutionCore
import HistoryStore
import WorkflowDecider
import Time
import WorkflowModel

// The one path every input takes: take the execution's turn, apply the input to its machine, let
// the in-process decider answer the decision tasks it scheduled, persist the events, then perform
// the actions. Nothing an event sets in motion happens before the event is durable.

extension Engine {
    /// Applies `input` to the open execution `executionId` and commits the transition. With
    /// `handBack`, the first activity task it dispatches that this worker can run is started for it
    /// and returned, instead of being offered to every worker.
    @discardableResult
    func submit(_ executionId: String, _ input: ExecutionInput, handBack: HandBack? = nil) async throws -> ActivityTask? {
        let slot = try slot(executionId)
        await takeTurn(slot)
        defer { passTurn(slot) }
        // The inputs ahead may have stopped the engine or closed the execution while this one waited.
        try checkRunning()
        guard executions[executionId] === slot else {
            if let status = closedStatuses[executionId] { throw EngineError.executionClosed(executionId, status) }
            throw EngineError.executionNotFound(executionId)
        }
        let now = clock.now()
        var transition = Transition()
        try slot.machine.apply(input, at: now, appendingTo: &transition)
        decideInProcess(slot, &transition, at: now)
        return try await commit(slot, transition, handBack: handBack)
    }

    /// Persists `transition` (one batch, durable when this returns) and performs its actions. The
    /// caller holds the execution's turn.
    func commit(_ slot: ExecutionSlot, _ transition: Transition, creating: Bool = false, handBack: HandBack? = nil)
        async throws -> ActivityTask?
    {
        reconcileDeadlines(slot, transition.actions, disarmsOnly: true)
        for action in transition.actions where action.isSafeBeforeDurable { performAtOnce(action) }
        if !transition.isEmpty || creating || slot.needsFirstBatch {
            var records = transition.events.map(HistoryRecord.event)
            if let retry = transition.retry { records.append(.attemptFailed(retry)) }
            let batch = HistoryBatch(executionId: slot.executionId, records: records, creates: creating)
            if creating {
                // Nothing exists yet, so a refused creation (an existing id, a bad id) leaves nothing to stop for.
                try await committer.commit(batch)
            } else {
                try await persist(slot.executionId) { try await committer.commit(batch) }
            }
            slot.needsFirstBatch = false
            if !transition.events.isEmpty { observer?(.eventsRecorded(executionId: slot.executionId, events: transition.events)) }
        }
        return perform(transition.actions, slot, handBack: handBack)
    }

    /// Completes every decision task the machine scheduled with the JSON decider, in the same batch
    /// (the decision task never leaves the engine). A decision can lead to another (work no worker
    /// held is canceled at once, which the decider must see), so this loops.
    func decideInProcess(_ slot: ExecutionSlot, _ transition: inout Transition, at now: Timestamp) {
        guard configuration.decidesInProcess else { return }
        var rounds = 0
        while let task = slot.machine.decisionTaskToStart {
            rounds += 1
            precondition(rounds <= Self.decisionRoundsPerBatchMax, "the decider of \(slot.executionId) does not settle")
            do {
                try slot.machine.apply(
                    .decisionTaskStarted(taskToken: task.taskToken, identity: configuration.identity), at: now, appendingTo: &transition)
                let decisions = Decider.decisions(
                    definition: slot.definition, state: slot.machine.state, catalog: configuration.catalog)
                try slot.machine.apply(
                    .decisionTaskCompleted(taskToken: task.taskToken, decisions: decisions), at: now, appendingTo: &transition)
            } catch {
                preconditionFailure("the machine refused its own decision task: \(error)")
            }
        }
        transition.actions.removeAll {
            if case .offerDecisionTask = $0 { return true }
            return false
        }
    }

    /// Decision tasks one batch may hold: a second one follows only when the first cancelled work
    /// no worker held (recorded at once as canceled); a third is never needed, so this is a guard.
    static let decisionRoundsPerBatchMax = 8

    /// Runs `write`; a storage failure stops the engine (fail-stop: nothing after it is acknowledged).
    func persist(_ executionId: String, _ write: () async throws -> Void) async throws {
        do {
            try await write()
        } catch {
            if let stoppedError { throw stoppedError }
            let stopped = EngineError.stopped(executionId, cause: error)
            stoppedError = stopped
            observer?(.stopped(stopped))
            shutdown()
            throw stopped
        }
    }

    // MARK: Commit turns

    /// Waits until no other input of the execution is being committed: one at a time keeps its
    /// batches in order and performs their actions in the order of its events.
    func takeTurn(_ slot: ExecutionSlot) async {
        guard slot.turnHeld else {
            slot.turnHeld = true
            return
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            slot.turnWaiters.append(continuation)
        }
    }

    /// Hands the turn to the next waiting input, if any.
    func passTurn(_ slot: ExecutionSlot) {
        guard !slot.turnWaiters.isEmpty else {
            slot.turnHeld = false
            return
        }
        slot.turnWaiters.removeFirst().resume()
    }
}

/// A worker asking for the next task its completion dispatches (SWF's respond-then-poll, without
/// the poll): who it is and how to stop what it runs.
struct HandBack {
    let identity: String
    let cancellation: AttemptCancellation
}
