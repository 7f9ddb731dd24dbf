import HistoryTesting
import StrictJSON
import Testing
import WorkflowDecider
import WorkflowModel

/// A workflow file's text for tests: the format line, a name and `body` (the other members).
func workflowText(_ body: String) -> String {
    #"{"format": "cairn.workflow/v1", "name": "test", "# + body + "}"
}

/// Validates `text` as a workflow file (the built-in catalog); records an issue listing every
/// diagnostic when it is invalid.
func validated(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> (WorkflowDefinition, JSONValue) {
    let outcome = WorkflowValidator.validate(fileBytes: Array(text.utf8))
    let definition = try #require(
        outcome.definition, "invalid test workflow: \(outcome.diagnostics.map(\.message))", sourceLocation: sourceLocation)
    let json = try #require(outcome.canonicalJSON, sourceLocation: sourceLocation)
    return (definition, json)
}

/// One execution under test: a definition and a hand-written history that grows as the test
/// records decision tasks and outcomes.
struct Scenario {
    let definition: WorkflowDefinition
    var history: HistoryBuilder

    /// `body` as in ``workflowText(_:)``.
    init(_ body: String, input: JSONValue = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let (definition, json) = try validated(workflowText(body), sourceLocation: sourceLocation)
        self.definition = definition
        history = HistoryBuilder(definitionJSON: json, input: input.objectValue ?? JSONObject())
    }

    /// What the decider would decide now, without recording anything.
    var next: [Decision] { Decider.decide(definition: definition, history: history.events) }

    /// Runs a decision task with the decider, records its decisions, and returns their summaries.
    @discardableResult
    mutating func decide() -> [String] {
        history.decide(definition).map(\.summary)
    }

    /// Runs a decision task and returns the decisions themselves.
    mutating func decideFully() -> [Decision] {
        history.decide(definition)
    }

    mutating func completed(_ activityId: String, _ result: JSONValue = [:]) {
        history.activityCompleted(activityId, result: result)
    }

    mutating func failed(_ activityId: String, reason: String = "Boom", details: String = "it broke") {
        history.activityFailed(activityId, reason: reason, details: details)
    }

    /// The execution's state after the history so far.
    var state: HistoryState { history.state }
}

extension Decision {
    /// A short, stable description for table-driven expectations:
    /// `schedule a`, `cancel a`, `timer t 10m`, `cancelTimer t`, `marker StepSkipped a`,
    /// `complete`, `fail StepFailed`, `canceled`.
    var summary: String {
        switch self {
        case .scheduleActivityTask(let task): "schedule \(task.activityId)"
        case .requestCancelActivityTask(let activityId): "cancel \(activityId)"
        case .startTimer(let timerId, let timeout, _): "timer \(timerId) \(timeout)"
        case .cancelTimer(let timerId): "cancelTimer \(timerId)"
        case .recordMarker(let name, let details):
            ["marker", name, details["step"]?.stringValue].compactMap { $0 }.joined(separator: " ")
        case .completeWorkflowExecution: "complete"
        case .failWorkflowExecution(let reason, _): "fail \(reason)"
        case .cancelWorkflowExecution: "canceled"
        }
    }

    /// The scheduled task, when this schedules one.
    var scheduled: ScheduleActivityTask? {
        if case .scheduleActivityTask(let task) = self { return task }
        return nil
    }

    /// The details or result this decision carries, if any.
    var payload: JSONValue? {
        switch self {
        case .recordMarker(_, let details): details
        case .completeWorkflowExecution(let result): result
        case .failWorkflowExecution(_, let details): details
        case .cancelWorkflowExecution(let details): details
        default: nil
        }
    }
}

extension [Decision] {
    /// The scheduled task with `activityId`; nil (and an issue) when there is none.
    func task(_ activityId: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ScheduleActivityTask? {
        let task = compactMap(\.scheduled).first { $0.activityId == activityId }
        if task == nil { Issue.record("no ScheduleActivityTask for \(activityId) in \(map(\.summary))", sourceLocation: sourceLocation) }
        return task
    }

    /// The payload of the last decision (the closing decision's details or result).
    var closingPayload: JSONValue? { last?.payload }
}

/// The closing decision's details of `decisions`, as an object; records an issue when absent.
func closingDetails(_ decisions: [Decision], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> JSONValue {
    guard let details = decisions.last?.payload, details.objectValue != nil else {
        Issue.record("no closing decision with details in \(decisions.map(\.summary))", sourceLocation: sourceLocation)
        return [:]
    }
    return details
}

/// Whether an execution in `state` (just after a decision task) is open with nothing that can
/// trigger another decision task: no open activity and no open timer. It would wait forever.
func isStuck(_ state: HistoryState) -> Bool {
    !state.isClosed && state.openActivities.isEmpty && state.openTimers.isEmpty
}
