import StrictJSON
import WorkflowModel

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
    /// Events this pass may still add for new work (see `Evaluation+HistoryBudget.swift`); computed
    /// when first needed.
    var budgetLeft: Int?

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

    /// Decides: closes the execution, stops it, or schedules the steps that are ready.
    mutating func run() {
        guard state.started != nil else { return }
        if state.isClosed {
            // Nothing to decide; step statuses are still wanted (show, progress).
            evaluateSteps(scheduling: false)
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

    // MARK: Helpers

    /// What templates see: the inputs, the outputs decided so far and the execution's ids.
    func scope() -> TemplateScope {
        TemplateScope(
            inputs: state.inputs, stepOutputs: outputs, executionId: state.execution?.workflowId ?? "",
            runId: state.execution?.runId ?? "")
    }

    mutating func record(_ decision: Decision) { decisions.append(decision) }

    /// Records a `StepFailed` marker for a template that did not evaluate, and the failure.
    mutating func failTemplate(_ step: Step, index: Int?, error: any Error) {
        recordStepFailure(step, index: index, reason: "TemplateError", details: "\(error)")
    }

    /// Records a `StepFailed` marker (so every later decision sees the failure) and the failure.
    mutating func recordStepFailure(_ step: Step, index: Int?, reason: String, details: String) {
        var marker = JSONObject([("step", .string(step.id)), ("reason", .string(reason)), ("details", .string(details))])
        if let index { marker["index"] = .number(Double(index)) }
        record(.recordMarker(name: MarkerName.stepFailed, details: .object(marker)))
        failures.append(
            StepFailure(
                step: step.id, activityId: index.map { ActivityIDs.step(step.id, index: $0) }, reason: reason,
                details: details, eventId: Int64.max))
    }

    /// Schedules an activity with the catalog's and the definition's defaults applied.
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
}
