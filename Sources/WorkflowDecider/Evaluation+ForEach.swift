import StrictJSON
import WorkflowModel

// `forEach` steps: one activity per element of an array, at most `concurrency` open at a time.
extension Evaluation {
    /// The status of a `forEach` step, scheduling further elements when it is ready and `scheduling`
    /// is allowed.
    mutating func evaluateForEach(_ step: Step, ready: Bool, scheduling: Bool) -> StepStatus {
        let anyScheduled = state.activities[ActivityIDs.step(step.id, index: 0)] != nil
        if !anyScheduled {
            guard ready else { return .pending }
            // Whether it is skipped is decided before the elements are looked at.
            if scheduling, !checkWhen(step) { return statuses[step.id] ?? .skipped }
        }
        guard ready || anyScheduled, let forEach = step.forEach else { return .pending }
        guard let items = forEachItems(step, forEach, scheduling: scheduling) else {
            return scheduling ? .failed : .pending
        }
        instanceCounts[step.id] = items.count
        // The common case without a look at every element: exactly the first instances are scheduled
        // and none failed or was canceled. It decides what the full pass would.
        let tally = state.instanceTallies[step.id] ?? InstanceTally()
        if usesInstanceTallies, tally.closedOtherwise == 0, tally.scheduled == tally.highestIndex + 1,
            tally.scheduled <= items.count
        {
            return evaluateForEachFromTally(step, items: items, tally: tally, scheduling: scheduling)
        }
        return evaluateForEachElementByElement(step, items: items, scheduling: scheduling)
    }

    /// The elements `forEach` evaluates to; nil when it does not evaluate to an array within the
    /// limit (recorded as the step's failure when `scheduling`).
    mutating func forEachItems(_ step: Step, _ forEach: Template, scheduling: Bool) -> [JSONValue]? {
        do {
            let value = try forEach.evaluate(in: scope())
            guard case .array(let elements) = value else {
                throw TemplateEvaluationError(
                    code: .wrongType, expression: "forEach", message: "must evaluate to an array, not \(value.typeName)")
            }
            guard elements.count <= Limits.forEachItemsMax else {
                throw TemplateEvaluationError(
                    code: .tooManyItems, expression: "forEach",
                    message: "has \(elements.count) elements; at most \(Limits.forEachItemsMax) are allowed")
            }
            return elements
        } catch {
            if scheduling { failTemplate(step, index: nil, error: error) }
            return nil
        }
    }

    /// The shortcut through the step's instance tally, valid when exactly its first `tally.scheduled`
    /// instances exist and none failed or was canceled.
    mutating func evaluateForEachFromTally(
        _ step: Step, items: [JSONValue], tally: InstanceTally, scheduling: Bool
    ) -> StepStatus {
        if tally.completed == items.count {
            // Gathered only when a template reads it: a thousand lookups at every decision otherwise.
            guard definition.readOutputs.contains(step.id) else { return .completed }
            outputs[step.id] = .array(
                items.indices.map { index in
                    guard case .completed(let result)? = state.activities[ActivityIDs.step(step.id, index: index)]?.outcome
                    else { return .null }
                    return result
                })
            return .completed
        }
        if scheduling && failures.isEmpty {
            var open = tally.open
            let limit = step.concurrency ?? Int.max
            // `open` only grows, so the first index at the limit ends the loop (1,000 elements
            // with concurrency 1 would otherwise be walked at every decision).
            for index in tally.scheduled..<items.count {
                // At the step's or the execution's limit of open activities nothing more is scheduled.
                guard open < limit, openActivityCount < Limits.openActivitiesMax else { break }
                let status = evaluateInstance(step, index: index, item: items[index], ready: true, scheduling: true)
                if status == .failed { return .failed }
                if status == .running { open += 1 }
            }
        }
        return .running
    }

    /// The full pass: every element is looked at (what the shortcut must agree with).
    mutating func evaluateForEachElementByElement(_ step: Step, items: [JSONValue], scheduling: Bool) -> StepStatus {
        var results: [JSONValue] = []
        var open = 0
        var anyFailed = false
        var anyCanceled = false
        var allCompleted = true
        for (index, _) in items.enumerated() {
            let activityId = ActivityIDs.step(step.id, index: index)
            guard let activity = state.activities[activityId] else {
                allCompleted = false
                continue
            }
            switch activity.outcome {
            case .completed(let result)?: results.append(result)
            case nil:
                open += 1
                allCompleted = false
            case .canceled?:
                anyCanceled = true
                allCompleted = false
            default:
                _ = evaluateInstance(step, index: index, item: items[index], ready: true, scheduling: false)
                anyFailed = true
                allCompleted = false
            }
        }
        if allCompleted {
            outputs[step.id] = .array(results)
            return .completed
        }
        if anyFailed { return .failed }
        if scheduling && failures.isEmpty {
            let limit = step.concurrency ?? Int.max
            for (index, item) in items.enumerated() {
                guard open < limit else { break }
                guard state.activities[ActivityIDs.step(step.id, index: index)] == nil else { continue }
                let status = evaluateInstance(step, index: index, item: item, ready: true, scheduling: true)
                if status == .failed { return .failed }
                if status == .running { open += 1 }
            }
        }
        if anyCanceled && open == 0 { return .canceled }
        return .running
    }

    /// Activities open after this pass's decisions: those in the history plus those scheduled now.
    var openActivityCount: Int { state.openActivityCount + scheduledNow }
}
