import WorkflowModel

// Per-step progress for `show` and the run display; deciding does not need it.
extension Evaluation {
    /// Every step's status, activity ids and compensations, in file order.
    func progress() -> [StepProgress] {
        definition.steps.map { step in
            var status = statuses[step.id] ?? .pending
            let ids = state.activityOrder.filter { state.activities[$0]?.scheduled.control.step == step.id }
            let stepIds = ids.filter { state.activities[$0]?.scheduled.control.role == .step }
            let compensationIds = ids.filter { state.activities[$0]?.scheduled.control.role == .compensation }
            let compensations = compensationIds.compactMap { state.activities[$0] }
            if !compensations.isEmpty {
                if compensations.contains(where: { $0.isOpen }) {
                    status = .compensating
                } else if compensations.allSatisfy({ if case .completed? = $0.outcome { true } else { false } }) {
                    status = .compensated
                } else {
                    status = .compensationFailed
                }
            } else if status == .running, state.isClosed {
                status = .canceled
            }
            return StepProgress(
                stepId: step.id, status: status, activityIds: stepIds, instanceCount: instanceCounts[step.id],
                compensationIds: compensationIds)
        }
    }
}
