import StrictJSON
import WorkflowModel

// Steps in dependency order: timers, `when` conditions and single activity instances.
extension Evaluation {
    /// Evaluates every step in dependency order, scheduling ready work when `scheduling` is allowed.
    mutating func evaluateSteps(scheduling: Bool) {
        for entry in definition.stepOrder {
            let step = definition.steps[entry.index]
            let ready = entry.dependencies.allSatisfy { statuses[$0] == .completed || statuses[$0] == .skipped }
            statuses[step.id] = evaluate(step, ready: ready, scheduling: scheduling && failures.isEmpty)
        }
    }

    /// The status of `step`, scheduling its work when it is ready and `scheduling` is allowed.
    mutating func evaluate(_ step: Step, ready: Bool, scheduling: Bool) -> StepStatus {
        if skippedSteps[step.id] != nil {
            outputs[step.id] = .null
            return .skipped
        }
        if templateFailures.contains(where: { $0.step == step.id }) { return .failed }
        switch step.kind {
        case .timer(let duration):
            if let timer = state.timers[step.id] {
                switch timer.outcome {
                case .fired?:
                    outputs[step.id] = .null
                    return .completed
                case .canceled?: return .canceled
                case nil: return .running
                }
            }
            guard ready, scheduling else { return .pending }
            guard checkWhen(step) else { return statuses[step.id] ?? .skipped }
            guard spend(HistoryBudget.eventsPerNewTimer, for: step, index: nil) else { return .failed }
            decisions.append(
                .startTimer(timerId: step.id, startToFireTimeout: duration, control: ActivityControl(step: step.id)))
            return .running
        case .activity:
            if step.forEach == nil {
                return evaluateInstance(step, index: nil, item: nil, ready: ready, scheduling: scheduling)
            }
            return evaluateForEach(step, ready: ready, scheduling: scheduling)
        }
    }

    /// Evaluates `when` for a step about to start; records the skip or the failure.
    mutating func checkWhen(_ step: Step) -> Bool {
        guard let condition = step.when else { return true }
        do {
            if try condition.evaluate(in: scope()) { return true }
            guard spend(1, for: step, index: nil) else {
                statuses[step.id] = .failed
                return false
            }
            record(
                .recordMarker(
                    name: MarkerName.stepSkipped,
                    details: [
                        "step": .string(step.id), "reason": "its when condition is false",
                    ]))
            outputs[step.id] = .null
            statuses[step.id] = .skipped
        } catch {
            failTemplate(step, index: nil, error: error)
            statuses[step.id] = .failed
        }
        return false
    }

    /// The status of one activity instance (`index` nil for a plain step), scheduling it when ready.
    mutating func evaluateInstance(
        _ step: Step, index: Int?, item: JSONValue?, ready: Bool, scheduling: Bool
    ) -> StepStatus {
        let activityId = ActivityIDs.step(step.id, index: index)
        if let activity = state.activities[activityId] {
            switch activity.outcome {
            case .completed(let result)?:
                if index == nil { outputs[step.id] = result }
                return .completed
            case .failed(let reason, let details)?:
                failures.append(
                    StepFailure(
                        step: step.id, activityId: activityId, reason: reason, details: details,
                        eventId: activity.closedEventId ?? 0))
                return .failed
            case .timedOut(let type, _)?:
                failures.append(
                    StepFailure(
                        step: step.id, activityId: activityId, reason: "ActivityTimedOut",
                        details: "the \(type.rawValue) timeout expired", eventId: activity.closedEventId ?? 0))
                return .failed
            case .canceled?:
                return .canceled
            case nil:
                return .running
            }
        }
        guard ready, scheduling else { return .pending }
        if index == nil, !checkWhen(step) { return statuses[step.id] ?? .skipped }
        guard openActivityCount < Limits.openActivitiesMax else { return .running }
        guard case .activity(let type, let input) = step.kind else { return .pending }
        var scope = scope()
        scope.item = item
        scope.index = index
        do {
            let evaluated = try input.evaluate(in: scope)
            guard spend(Self.cost(ofActivityIn: step), for: step, index: index) else { return .failed }
            schedule(
                activityId: activityId, type: type, input: evaluated,
                control: ActivityControl(step: step.id, index: index, role: .step),
                taskList: step.taskList, timeouts: step.timeouts, retry: step.retry)
            return .running
        } catch {
            failTemplate(step, index: index, error: error)
            return .failed
        }
    }
}
