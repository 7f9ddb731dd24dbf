import WorkflowModel

// Invariants, asserted after every input (TigerBeetle's habit): a violation is a bug in the machine
// or its driver, and continuing would let the history drift from what the engine believes.
// Cheap checks always run; the one that visits every open activity runs in debug builds (tests),
// after every input while few are open and after every 64th event beyond that, so a fan-out of a
// thousand activities stays linear.

extension ExecutionMachine {
    func checkInvariants() {
        precondition(state.eventCount <= Limits.historyEventsMax, "the history of \(executionId) exceeds its limit")
        if state.isClosed {
            precondition(runs.isEmpty, "closed execution \(executionId) still has activity runs")
            precondition(decisionTask == nil, "closed execution \(executionId) has a decision task")
            precondition(armed.isEmpty, "closed execution \(executionId) has armed deadlines")
        }
        if let open = decisionTask {
            let recorded = state.openDecisionTask
            precondition(
                recorded?.scheduledEventId == open.scheduledEventId && recorded?.startedEventId == open.startedEventId,
                "the decision task of \(executionId) disagrees with its history")
        } else {
            precondition(state.openDecisionTask == nil, "the history of \(executionId) has a decision task the machine lost")
        }
        precondition(runs.count <= state.openActivityCount, "more runs than open activities in \(executionId)")
        if runs.count <= Self.fullCheckRunsMax || state.eventCount % Self.fullCheckRunsMax == 0 {
            assert(runsMatchHistory(), "the activity runs of \(executionId) disagree with its history")
        }
    }

    /// Open activities up to which every input gets the full cross-check of runs against the history.
    static let fullCheckRunsMax = 64

    /// Every open activity has one run and every run an open activity; each run's phase and deadlines agree.
    func runsMatchHistory() -> Bool {
        guard runs.count == state.openActivityCount || state.isClosed else { return false }
        var tokens = Set<String>()
        for (id, run) in runs {
            guard let activity = state.activities[run.attributes.activityId], activity.isOpen,
                activity.scheduledEventId == id
            else { return false }
            switch run.phase {
            case .queued(let token, _):
                guard tokens.insert(token).inserted, armed[.startToClose(id)] == nil, armed[.retry(id)] == nil else { return false }
            case .running(let attempt):
                guard tokens.insert(attempt.token).inserted, armed[.scheduleToStart(id)] == nil, armed[.retry(id)] == nil
                else { return false }
            case .backoff:
                guard armed[.startToClose(id)] == nil, armed[.heartbeat(id)] == nil, armed[.scheduleToStart(id)] == nil
                else { return false }
            }
        }
        return true
    }
}
