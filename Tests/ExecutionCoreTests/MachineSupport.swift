import ExecutionCore
import HistoryTesting
import StrictJSON
import Testing
import WorkflowDecider
import Time
import WorkflowModel

/// A workflow file's text for tests: the format line, a name and `body` (the other members).
func definition(_ body: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> (WorkflowDefinition, JSONValue) {
    let text = #"{"format": "cairn.workflow/v1", "name": "test", "# + body + "}"
    let outcome = WorkflowValidator.validate(fileBytes: Array(text.utf8))
    let definition = try #require(
        outcome.definition, "invalid test workflow: \(outcome.diagnostics.map(\.message))", sourceLocation: sourceLocation)
    return (definition, try #require(outcome.canonicalJSON, sourceLocation: sourceLocation))
}

/// The epoch of every machine test: 2026-01-01T00:00:00Z.
let epoch = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)

/// One execution machine under test, with the clock and the JSON decider driving it by hand.
struct MachineHarness {
    let definition: WorkflowDefinition
    var machine: ExecutionMachine
    var now = epoch
    /// Every event produced so far.
    var events: [HistoryEvent]
    /// The actions of the last transition.
    var lastActions: [ExecutionAction]

    /// Starts an execution of `body` (see ``definition(_:sourceLocation:)``).
    init(_ body: String, input: JSONObject = JSONObject(), timeout: String = "NONE") throws {
        let (definition, json) = try ExecutionCoreTests.definition(body)
        self.definition = definition
        let started = WorkflowExecutionStartedEventAttributes(
            workflowExecution: WorkflowExecution(workflowId: "exec-1", runId: "run-1"),
            workflowType: TypeName(name: definition.name, version: "sha256:test"), taskList: TaskList(name: "decisions"),
            input: .object(input), executionStartToCloseTimeout: timeout, taskStartToCloseTimeout: "10s", definition: json,
            definitionDigest: "sha256:test", definitionSource: nil, identity: "test")
        let (machine, transition) = ExecutionMachine.start(started, incarnation: "i1", at: epoch)
        self.machine = machine
        events = transition.events
        lastActions = transition.actions
    }

    /// Applies `input` at the current time; records an issue and returns an empty transition when refused.
    @discardableResult
    mutating func apply(_ input: ExecutionInput, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Transition {
        do {
            let transition = try machine.apply(input, at: now)
            events += transition.events
            lastActions = transition.actions
            return transition
        } catch {
            Issue.record("refused: \(error)", sourceLocation: sourceLocation)
            return Transition()
        }
    }

    /// The refusal of `input`, or nil when it was accepted.
    mutating func refusal(of input: ExecutionInput) -> ExecutionError.Code? {
        do {
            let transition = try machine.apply(input, at: now)
            events += transition.events
            lastActions = transition.actions
            return nil
        } catch {
            return error.code
        }
    }

    /// Starts and completes the open decision task with the JSON decider; returns the decisions.
    @discardableResult
    mutating func decide(sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Decision] {
        guard let task = machine.decisionTaskToStart else {
            Issue.record("no decision task to start", sourceLocation: sourceLocation)
            return []
        }
        apply(.decisionTaskStarted(taskToken: task.taskToken, identity: "decider"), sourceLocation: sourceLocation)
        let decisions = Decider.decisions(definition: definition, state: machine.state)
        apply(.decisionTaskCompleted(taskToken: task.taskToken, decisions: decisions), sourceLocation: sourceLocation)
        return decisions
    }

    /// The token of `activityId`'s queued or running attempt.
    func token(_ activityId: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        guard let run = machine.runs.values.first(where: { $0.attributes.activityId == activityId }), let token = run.token else {
            Issue.record("\(activityId) has no current attempt", sourceLocation: sourceLocation)
            return "none"
        }
        return token
    }

    /// Starts `activityId`'s queued attempt; returns its token.
    @discardableResult
    mutating func startAttempt(_ activityId: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        let token = token(activityId, sourceLocation: sourceLocation)
        apply(.attemptStarted(taskToken: token, identity: "worker"), sourceLocation: sourceLocation)
        return token
    }

    /// Moves the clock to `deadline`'s due time and fires it.
    @discardableResult
    mutating func fire(_ key: DeadlineKey, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Transition {
        guard let due = machine.armed[key] else {
            Issue.record("\(key) is not armed", sourceLocation: sourceLocation)
            return Transition()
        }
        if now < due { now = due }
        return apply(.deadlineFired(key), sourceLocation: sourceLocation)
    }

    /// Event types of every event so far.
    var types: [EventType] { events.map(\.eventType) }
}

extension ExecutionAction {
    /// A short name for comparisons in tests.
    var summary: String {
        switch self {
        case .offerActivityTask(let task): "offer \(task.activityId)#\(task.attempt)"
        case .withdrawActivityTask: "withdraw"
        case .offerDecisionTask: "offer decision"
        case .withdrawDecisionTask: "withdraw decision"
        case .cancelAttempt: "cancel attempt"
        case .arm(let key, _): "arm \(key)"
        case .disarm(let key): "disarm \(key)"
        case .attemptStarted(let id, let attempt, _): "started \(id)#\(attempt)"
        case .attemptWillRetry(let id, let attempt, _, _): "retry \(id)#\(attempt)"
        case .closed(let status): "closed \(status.rawValue)"
        }
    }
}

extension SeededRandom {
    /// A number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
