import WorkflowModel

// The history budget: new work is scheduled only while the history keeps room for everything open
// to finish and for the rollback that may follow. When a step's work does not fit, the step fails
// with `HistoryLimitExceeded` (recorded, so every later decision sees the same failure) and the
// workflow stops as for any failed step: open work is canceled, compensations run, it closes.

extension Evaluation {
    /// The reason a step fails with when its work would not fit in the history.
    static let historyLimitReason = "HistoryLimitExceeded"

    /// Takes `events` from the budget for `step`'s new work; false (with the step failed) when they
    /// do not fit.
    mutating func spend(_ events: Int, for step: Step, index: Int?) -> Bool {
        // The decision task's own DecisionTaskCompleted comes out of the same room.
        let left = budgetLeft ?? (HistoryBudget.available(state) - compensationReserve() - 1)
        guard left >= events else {
            budgetLeft = left
            failHistoryLimit(step, index: index, needed: events)
            return false
        }
        budgetLeft = left - events
        return true
    }

    /// Events the new work of `step` costs: each activity and, when the step has a compensation, the
    /// compensation that may undo it.
    static func cost(ofActivityIn step: Step) -> Int {
        HistoryBudget.eventsPerNewActivity * (step.compensation == nil ? 1 : 2)
    }

    /// Events kept for compensations of the step activities already scheduled, and the marker that
    /// starts a rollback.
    func compensationReserve() -> Int {
        var compensable = 0
        for step in definition.steps where step.compensation != nil {
            if step.forEach != nil {
                compensable += state.instanceTallies[step.id]?.scheduled ?? 0
            } else if state.activities[step.id] != nil {
                compensable += 1
            }
        }
        return compensable == 0 ? 0 : compensable * HistoryBudget.eventsPerNewActivity + 1
    }

    /// Records a `StepFailed` marker with reason `HistoryLimitExceeded`, and the failure.
    mutating func failHistoryLimit(_ step: Step, index: Int?, needed: Int) {
        let details =
            "its next work needs \(needed) more events than the history can hold (limit \(Limits.historyEventsMax) "
            + "events, with room kept for what is running and for rollback); split the workflow or lower its fan-out"
        recordStepFailure(step, index: index, reason: Self.historyLimitReason, details: details)
    }
}
