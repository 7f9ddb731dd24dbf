import StrictJSON
public import WorkflowModel

/// The decider: a pure function of (workflow definition, history) to decisions.
///
/// It reads no clock, no randomness and no files; time comes only from event timestamps. Calling it
/// again on the same history gives the same decisions, which is what replay relies on. It never
/// repeats itself: anything already in the history (a scheduled activity, a recorded marker) is not
/// decided again, so a decision batch lost in a crash is simply decided anew.
public enum Decider {
    /// Decisions for the next decision task of the execution whose history is `history`.
    public static func decide(
        definition: WorkflowDefinition, history: [HistoryEvent], catalog: ActivityCatalog = .builtIn
    ) -> [Decision] {
        decisions(definition: definition, state: HistoryState(events: history), catalog: catalog)
    }

    /// Decisions for the next decision task of an execution in `state`: ``evaluate(definition:state:catalog:)``
    /// without the per-step progress, which costs a pass over every activity per step and which
    /// deciding does not need.
    public static func decisions(
        definition: WorkflowDefinition, state: HistoryState, catalog: ActivityCatalog = .builtIn
    ) -> [Decision] {
        decisions(definition: definition, state: state, catalog: catalog, usingTallies: true)
    }

    /// The decisions, with or without the `forEach` shortcut through ``HistoryState/instanceTallies``
    /// (without: every element is looked at, as the shortcut must agree with).
    static func decisions(
        definition: WorkflowDefinition, state: HistoryState, catalog: ActivityCatalog, usingTallies: Bool
    ) -> [Decision] {
        var evaluation = Evaluation(definition: definition, state: state, catalog: catalog)
        evaluation.usesInstanceTallies = usingTallies
        evaluation.run()
        return evaluation.decisions
    }

    /// Decisions and per-step progress for an execution in `state`.
    public static func evaluate(
        definition: WorkflowDefinition, state: HistoryState, catalog: ActivityCatalog = .builtIn
    ) -> DeciderResult {
        var evaluation = Evaluation(definition: definition, state: state, catalog: catalog)
        evaluation.run()
        return DeciderResult(decisions: evaluation.decisions, steps: evaluation.progress())
    }
}

/// What one evaluation produced.
public struct DeciderResult: Sendable, Hashable {
    /// Decisions to apply, in order.
    public var decisions: [Decision]
    /// Every step's status, in file order.
    public var steps: [StepProgress]
}

/// A step's status as the decider sees it.
public struct StepProgress: Sendable, Hashable {
    /// The step id.
    public var stepId: String
    /// Its status.
    public var status: StepStatus
    /// Activity ids of its instances scheduled so far (one for a plain step, one per element for
    /// `forEach`), in index order.
    public var activityIds: [String]
    /// The number of `forEach` elements, when known.
    public var instanceCount: Int?
    /// Activity ids of its compensations scheduled so far.
    public var compensationIds: [String]
}

/// A step's status.
public enum StepStatus: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its dependencies.
    case pending
    /// Some of its activities (or its timer) are scheduled or running.
    case running
    case completed
    /// Its `when` condition was false.
    case skipped
    case failed
    /// Stopped because the workflow failed or was canceled.
    case canceled
    /// Its compensation is running.
    case compensating
    /// Its compensation completed.
    case compensated
    /// Its compensation failed.
    case compensationFailed = "compensation-failed"
}

/// Marker names the decider records; they are part of the history format.
public enum MarkerName {
    /// A step whose `when` was false: details `{"step": ID, "reason": TEXT}`.
    public static let stepSkipped = "StepSkipped"
    /// A step that failed without an activity failing (its templates did not evaluate): details
    /// `{"step": ID, "index": N?, "reason": "TemplateError", "details": TEXT}`.
    public static let stepFailed = "StepFailed"
    /// A compensation that could not be scheduled: details like `StepFailed` plus `activityId`.
    public static let compensationFailed = "CompensationFailed"
    /// Rollback began: details `{"cause": ...}`.
    public static let rollbackStarted = "RollbackStarted"
}

/// Activity ids: `step`, `step[2]` for `forEach` elements, `compensate:<activity id>` for undo.
public enum ActivityIDs {
    /// The activity id of a step instance.
    public static func step(_ stepId: String, index: Int?) -> String {
        index.map { "\(stepId)[\($0)]" } ?? stepId
    }

    /// The activity id of the compensation of `activityId`.
    public static func compensation(of activityId: String) -> String { "compensate:\(activityId)" }
}

/// Why a step failed.
struct StepFailure: Hashable {
    var step: String
    var activityId: String?
    var reason: String
    var details: String
    /// The event that recorded the failure; the earliest failure is reported.
    var eventId: Int64

    var json: JSONValue {
        var object = JSONObject()
        object["step"] = .string(step)
        if let activityId { object["activityId"] = .string(activityId) }
        object["cause"] = .string(reason)
        object["message"] = .string(details)
        return .object(object)
    }
}

/// One evaluation pass over a history. Private mutable state, but no I/O: it only builds values.
struct Evaluation {
    let definition: WorkflowDefinition
    let state: HistoryState
    let catalog: ActivityCatalog
    var decisions: [Decision] = []

    /// Status of every step decided in this pass.
    var statuses: [String: StepStatus] = [:]
    /// Results of completed (and `null` for skipped) steps, for templates.
    var outputs: [String: JSONValue] = [:]
    /// forEach element counts, once evaluated.
    var instanceCounts: [String: Int] = [:]
    var failures: [StepFailure] = []
    /// Markers recorded earlier, by name.
    let skippedSteps: [String: String]
    let templateFailures: [StepFailure]
    let compensationTemplateFailures: [String: StepFailure]
    let rollbackStarted: Bool
    /// Activity ids scheduled in this pass, to count open activities.
    var scheduledNow = 0
    /// Whether `forEach` steps take the shortcut through ``HistoryState/instanceTallies``.
    var usesInstanceTallies = true

    init(definition: WorkflowDefinition, state: HistoryState, catalog: ActivityCatalog) {
        self.definition = definition
        self.state = state
        self.catalog = catalog
        var skipped: [String: String] = [:]
        var failed: [StepFailure] = []
        var compensationFailures: [String: StepFailure] = [:]
        var rollback = false
        for marker in state.markers {
            let details = marker.attributes.details
            let step = details["step"]?.stringValue ?? ""
            switch marker.attributes.markerName {
            case MarkerName.stepSkipped:
                skipped[step] = details["reason"]?.stringValue ?? ""
            case MarkerName.stepFailed:
                let index = details["index"]?.integerValue.map(Int.init)
                failed.append(
                    StepFailure(
                        step: step, activityId: index.map { ActivityIDs.step(step, index: $0) },
                        reason: details["reason"]?.stringValue ?? "TemplateError",
                        details: details["details"]?.stringValue ?? "", eventId: marker.eventId))
            case MarkerName.compensationFailed:
                let activityId = details["activityId"]?.stringValue ?? ""
                compensationFailures[activityId] = StepFailure(
                    step: step, activityId: activityId, reason: details["reason"]?.stringValue ?? "TemplateError",
                    details: details["details"]?.stringValue ?? "", eventId: marker.eventId)
            case MarkerName.rollbackStarted:
                rollback = true
            default:
                break
            }
        }
        skippedSteps = skipped
        templateFailures = failed
        compensationTemplateFailures = compensationFailures
        rollbackStarted = rollback
    }

    // MARK: Driving

    mutating func run() {
        guard state.started != nil else { return }
        if state.isClosed {
            // Nothing to decide; step statuses are still wanted (show, progress).
            evaluateSteps(scheduling: false)
            return
        }
        if state.eventCount >= Limits.historyEventsMax - Self.historyReserve {
            decisions.append(
                .failWorkflowExecution(
                    reason: "HistoryLimitExceeded",
                    details: .string(
                        "the history reached \(state.eventCount) events, close to the limit of \(Limits.historyEventsMax)"
                    )))
            return
        }
        failures = templateFailures
        // First look without scheduling: a failure already in the history stops everything.
        evaluateSteps(scheduling: false)
        if state.isCancelRequested || !failures.isEmpty {
            stop()
            return
        }
        statuses = [:]
        outputs = [:]
        evaluateSteps(scheduling: true)
        if !failures.isEmpty {
            // A template failed while other steps were being scheduled: start nothing new in this
            // decision task, so the execution never closes with work it has just scheduled.
            decisions.removeAll {
                if case .scheduleActivityTask = $0 { return true }
                if case .startTimer = $0 { return true }
                return false
            }
            scheduledNow = 0
            stop()
            return
        }
        let allDone = definition.steps.allSatisfy { statuses[$0.id] == .completed || statuses[$0.id] == .skipped }
        if allDone { complete() }
    }

    /// Events the decider keeps in hand below the history limit to close the execution cleanly.
    static let historyReserve = 50

    // MARK: Steps

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

    mutating func evaluateForEach(_ step: Step, ready: Bool, scheduling: Bool) -> StepStatus {
        let anyScheduled = state.activities[ActivityIDs.step(step.id, index: 0)] != nil
        if !anyScheduled {
            guard ready else { return .pending }
            // Whether it is skipped is decided before the elements are looked at.
            if scheduling, !checkWhen(step) { return statuses[step.id] ?? .skipped }
        }
        guard ready || anyScheduled, let forEach = step.forEach else { return .pending }
        let items: [JSONValue]
        do {
            let value = try forEach.evaluate(in: scope())
            guard case .array(let elements) = value else {
                throw TemplateEvaluationError(
                    expression: "forEach", message: "must evaluate to an array, not \(value.typeName)")
            }
            guard elements.count <= Limits.forEachItemsMax else {
                throw TemplateEvaluationError(
                    expression: "forEach",
                    message: "has \(elements.count) elements; at most \(Limits.forEachItemsMax) are allowed")
            }
            items = elements
        } catch {
            if scheduling { failTemplate(step, index: nil, error: error) }
            return scheduling ? .failed : .pending
        }
        instanceCounts[step.id] = items.count
        // The common case without a look at every element: exactly the first instances are scheduled
        // and none failed or was canceled. It decides what the full pass below would.
        let tally = state.instanceTallies[step.id] ?? InstanceTally()
        if usesInstanceTallies, tally.closedOtherwise == 0, tally.scheduled == tally.highestIndex + 1,
            tally.scheduled <= items.count
        {
            if tally.completed == items.count {
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
                    guard open < limit else { break }
                    let status = evaluateInstance(step, index: index, item: items[index], ready: true, scheduling: true)
                    if status == .failed { return .failed }
                    if status == .running { open += 1 }
                }
            }
            return .running
        }
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

    var openActivityCount: Int { state.openActivityCount + scheduledNow }

    // MARK: Stopping: failure, cancellation, rollback

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

    // MARK: Completion

    mutating func complete() {
        guard let output = definition.output else {
            record(.completeWorkflowExecution(result: .null))
            return
        }
        do {
            record(.completeWorkflowExecution(result: try output.evaluate(in: scope())))
        } catch {
            record(
                .failWorkflowExecution(
                    reason: "TemplateError",
                    details: [
                        "message": .string("the workflow output could not be evaluated: \(error)")
                    ]))
        }
    }

    // MARK: Helpers

    func scope() -> TemplateScope {
        TemplateScope(
            inputs: state.inputs, stepOutputs: outputs, executionId: state.execution?.workflowId ?? "",
            runId: state.execution?.runId ?? "")
    }

    mutating func record(_ decision: Decision) { decisions.append(decision) }

    mutating func failTemplate(_ step: Step, index: Int?, error: any Error) {
        var details = JSONObject([("step", .string(step.id)), ("reason", "TemplateError"), ("details", .string("\(error)"))])
        if let index { details["index"] = .number(Double(index)) }
        record(.recordMarker(name: MarkerName.stepFailed, details: .object(details)))
        failures.append(
            StepFailure(
                step: step.id, activityId: index.map { ActivityIDs.step(step.id, index: $0) }, reason: "TemplateError",
                details: "\(error)", eventId: Int64.max))
    }

    mutating func schedule(
        activityId: String, type: String, input: JSONValue, control: ActivityControl, taskList: String?,
        timeouts: TimeoutOverrides, retry: RetryPolicy?
    ) {
        let spec = catalog.spec(type)
        var policy = retry ?? definition.defaults.retry ?? .standard
        for reason in spec?.nonRetryableErrors ?? [] where !policy.nonRetryableErrors.contains(reason) {
            policy.nonRetryableErrors.append(reason)
        }
        let base = definition.defaults.timeouts.applied(to: spec?.defaultTimeouts ?? ActivityTimeouts())
        record(
            .scheduleActivityTask(
                ScheduleActivityTask(
                    activityId: activityId, activityType: TypeName(name: type, version: "1"), input: input,
                    control: control,
                    taskList: TaskList(name: taskList ?? definition.defaults.taskList ?? spec?.defaultTaskList ?? "default"),
                    timeouts: timeouts.applied(to: base), retryPolicy: policy)))
        scheduledNow += 1
    }

    // MARK: Progress

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
