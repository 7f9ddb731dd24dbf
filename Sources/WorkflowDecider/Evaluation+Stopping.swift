import StrictJSON
import WorkflowModel

// Stopping after a failure or a cancel request: open work is canceled, compensations run newest
// first when the workflow rolls back, then the execution fails or is canceled.
extension Evaluation {
    /// Cancels open work, runs compensations when the workflow rolls back, then fails or cancels it.
    mutating func stop() {
        let canceling = state.isCancelRequested
        let compensate = canceling ? definition.onCancel == .rollback : definition.onFailure == .rollback
        // Stop open work. When compensations will run, work that has a compensation is left to
        // finish instead: cancelling it could leave behind what it already did (an instance created
        // just before the cancel), which only a completed activity's compensation can undo.
        for activity in state.openActivities where activity.cancelRequestedEventId == nil {
            if compensate && (activity.scheduled.control.role == .compensation || hasCompensation(activity)) { continue }
            record(.requestCancelActivityTask(activityId: activity.scheduled.activityId))
        }
        for timer in state.openTimers { record(.cancelTimer(timerId: timer.attributes.timerId)) }
        let stepWorkOpen = state.openActivities.contains { $0.scheduled.control.role == .step }
        guard !stepWorkOpen else { return }
        if !compensate && state.openActivities.contains(where: { $0.scheduled.control.role == .compensation }) {
            return
        }
        var rollback: JSONValue = "not-configured"
        var compensationDetails: JSONObject?
        if compensate {
            guard let summary = runCompensations() else { return }
            compensationDetails = summary
            rollback = summary["status"] ?? .null
        } else if rollbackStarted {
            rollback = "interrupted"
            let undone = state.activityOrder.compactMap { id -> JSONValue? in
                guard let activity = state.activities[id], activity.scheduled.control.role == .compensation,
                    case .completed? = activity.outcome
                else { return nil }
                return .string(String(id.dropFirst(ActivityIDs.compensation(of: "").count)))
            }
            compensationDetails = JSONObject([("compensated", .array(undone))])
        }
        var details = JSONObject()
        if let failure = failures.min(by: { $0.eventId < $1.eventId }) {
            details = failure.json.objectValue ?? JSONObject()
        }
        details["rollback"] = rollback
        if let compensationDetails {
            details["compensated"] = compensationDetails["compensated"]
            if let failed = compensationDetails["compensationFailures"] { details["compensationFailures"] = failed }
        }
        if canceling {
            details["cause"] = details["cause"] ?? "CancelRequested"
            record(.cancelWorkflowExecution(details: .object(details)))
        } else {
            record(.failWorkflowExecution(reason: "StepFailed", details: .object(details)))
        }
    }

    /// Whether `activity` is a step instance whose step declares a compensation.
    func hasCompensation(_ activity: ActivityState) -> Bool {
        activity.scheduled.control.role == .step && definition.step(activity.scheduled.control.step)?.compensation != nil
    }

    /// Runs compensations one at a time, newest completion first. Returns a summary once every
    /// compensation has closed, nil while one is still to be scheduled or running.
    mutating func runCompensations() -> JSONObject? {
        let completed = state.activityOrder.compactMap { id -> ActivityState? in
            guard let activity = state.activities[id], activity.scheduled.control.role == .step,
                case .completed? = activity.outcome,
                definition.step(activity.scheduled.control.step)?.compensation != nil
            else { return nil }
            return activity
        }.sorted { ($0.closedEventId ?? 0) > ($1.closedEventId ?? 0) }
        if !rollbackStarted {
            var cause: JSONValue = "CancelRequested"
            if let failure = failures.min(by: { $0.eventId < $1.eventId }) { cause = failure.json }
            record(
                .recordMarker(
                    name: MarkerName.rollbackStarted,
                    details: [
                        "cause": cause, "compensations": .number(Double(completed.count)),
                    ]))
        }
        var compensated: [JSONValue] = []
        var compensationFailures: [JSONValue] = []
        for activity in completed {
            let target = activity.scheduled.activityId
            let compensationId = ActivityIDs.compensation(of: target)
            if let failure = compensationTemplateFailures[compensationId] {
                compensationFailures.append(failure.json)
                continue
            }
            guard let compensation = state.activities[compensationId] else {
                if let failure = scheduleCompensation(for: activity) {
                    // Its input could not be evaluated: recorded, and the rollback goes on.
                    compensationFailures.append(failure.json)
                    continue
                }
                return nil
            }
            switch compensation.outcome {
            case nil: return nil
            case .completed?: compensated.append(.string(target))
            case .failed(let reason, let details)?:
                compensationFailures.append([
                    "activityId": .string(compensationId), "cause": .string(reason), "message": .string(details),
                ])
            case .timedOut(let type, _)?:
                compensationFailures.append([
                    "activityId": .string(compensationId), "cause": "ActivityTimedOut",
                    "message": .string("the \(type.rawValue) timeout expired"),
                ])
            case .canceled?:
                compensationFailures.append([
                    "activityId": .string(compensationId), "cause": "Canceled", "message": "the compensation was canceled",
                ])
            }
        }
        var summary = JSONObject()
        summary["status"] = compensationFailures.isEmpty ? "completed" : "incomplete"
        summary["compensated"] = .array(compensated)
        if !compensationFailures.isEmpty { summary["compensationFailures"] = .array(compensationFailures) }
        return summary
    }

    /// Schedules the compensation of `activity`; returns the failure instead when its input cannot
    /// be evaluated (after recording a `CompensationFailed` marker).
    mutating func scheduleCompensation(for activity: ActivityState) -> StepFailure? {
        let control = activity.scheduled.control
        guard let step = definition.step(control.step), let compensation = step.compensation,
            case .completed(let result)? = activity.outcome
        else { return nil }
        let compensationId = ActivityIDs.compensation(of: activity.scheduled.activityId)
        var scope = scope()
        scope.output = result
        scope.index = control.index
        if let index = control.index, let forEach = step.forEach,
            let items = try? forEach.evaluate(in: scope).arrayValue, items.indices.contains(index)
        {
            scope.item = items[index]
        }
        do {
            let input = try compensation.input.evaluate(in: scope)
            schedule(
                activityId: compensationId, type: compensation.activity, input: input,
                control: ActivityControl(step: step.id, index: control.index, role: .compensation),
                taskList: step.taskList, timeouts: compensation.timeouts, retry: compensation.retry ?? step.retry)
            return nil
        } catch {
            record(
                .recordMarker(
                    name: MarkerName.compensationFailed,
                    details: [
                        "step": .string(step.id), "activityId": .string(compensationId), "reason": "TemplateError",
                        "details": .string(String(describing: error)),
                    ]))
            return StepFailure(
                step: step.id, activityId: compensationId, reason: "TemplateError", details: String(describing: error),
                eventId: Int64.max)
        }
    }
}
