import ExecutionCore
import HistoryStore
public import StrictJSON
import WorkflowDecider
import Time
public import WorkflowModel

/// What a caller needs to start an execution.
public struct StartRequest: Sendable {
    /// The workflow id.
    public var executionId: String
    /// The validated definition.
    public var definition: WorkflowDefinition
    /// The definition as canonical JSON, recorded in `WorkflowExecutionStarted`.
    public var definitionJSON: JSONValue
    /// `sha256:<hex>` of the canonical definition.
    public var definitionDigest: String
    /// The file it came from, for people.
    public var definitionSource: String?
    /// Inputs after defaults and type checks.
    public var input: JSONObject
    /// Execution tags recorded in `WorkflowExecutionStarted` (at most ``Limits/executionTagsMax``).
    public var tagList: [String]

    /// Makes a request.
    public init(
        executionId: String, definition: WorkflowDefinition, definitionJSON: JSONValue, definitionDigest: String,
        definitionSource: String?, input: JSONObject, tagList: [String] = []
    ) {
        self.executionId = executionId
        self.definition = definition
        self.definitionJSON = definitionJSON
        self.definitionDigest = definitionDigest
        self.definitionSource = definitionSource
        self.input = input
        self.tagList = tagList
    }
}

// Starting, resuming and operating on executions: the engine's public surface for its callers.

extension Engine {
    /// Starts an execution: its first events are durable when this returns.
    /// - Throws: ``EngineError`` (`engine.stopped`) or the store's error (`store.executionExists`, ...).
    @discardableResult
    public func start(_ request: StartRequest) async throws -> WorkflowExecution {
        try checkRunning()
        guard executions[request.executionId] == nil else {
            // Another start of this id is being written (or has been): the store would refuse it too.
            throw StoreError.executionExists(request.executionId, path: store.historyPath(of: request.executionId))
        }
        // A caller bug, not user input: the CLI builds the tags itself.
        precondition(
            request.tagList.count <= Limits.executionTagsMax && request.tagList.allSatisfy { $0.count <= Limits.executionTagLengthMax },
            "at most \(Limits.executionTagsMax) execution tags of \(Limits.executionTagLengthMax) characters")
        let execution = WorkflowExecution(workflowId: request.executionId, runId: configuration.makeRunId())
        let started = WorkflowExecutionStartedEventAttributes(
            workflowExecution: execution,
            workflowType: TypeName(name: request.definition.name, version: request.definitionDigest),
            taskList: TaskList(name: ExecutionMachine.decisionTaskList), input: .object(request.input),
            executionStartToCloseTimeout: Interval.timeoutText(request.definition.executionTimeout),
            taskStartToCloseTimeout: Limits.decisionTaskTimeout.description, definition: request.definitionJSON,
            definitionDigest: request.definitionDigest, definitionSource: request.definitionSource,
            identity: configuration.identity, tagList: request.tagList.isEmpty ? nil : request.tagList)
        let now = clock.now()
        let (machine, first) = ExecutionMachine.start(started, incarnation: configuration.incarnation, at: now)
        let slot = ExecutionSlot(machine: machine, definition: request.definition)
        slot.turnHeld = true
        var transition = first
        decideInProcess(slot, &transition, at: now)
        executions[request.executionId] = slot
        defer { passTurn(slot) }
        do {
            _ = try await commit(slot, transition, creating: true)
        } catch {
            if executions[request.executionId] === slot { executions[request.executionId] = nil }
            throw error
        }
        return execution
    }

    /// Loads an execution from its history and continues it. Returns its status (closed executions
    /// are only reported).
    /// - Throws: ``EngineError`` for a quarantined history or a changed definition; store errors.
    @discardableResult
    public func resume(_ executionId: String) async throws -> ExecutionStatus {
        try checkRunning()
        if executions[executionId] != nil { return .running }
        let recovered = try store.load(executionId, repair: true)
        if case .quarantined(let quarantine) = recovered.outcome {
            throw EngineError(
                code: .quarantined,
                message: "execution \(executionId) is quarantined: \(quarantine.reason) (\(quarantine.file), byte "
                    + "\(quarantine.offset)). Its history is left untouched; inspect it, and restore it from a backup "
                    + "or start a new execution.")
        }
        let events = recovered.events
        guard let started = events.first.flatMap(\.startedAttributes) else {
            throw EngineError(code: .invalidHistory, message: "the history of \(executionId) has no WorkflowExecutionStarted event")
        }
        let failures = recovered.records.compactMap { record -> ActivityAttemptFailed? in
            if case .attemptFailed(let failure) = record { return failure }
            return nil
        }
        let state = HistoryState(events: events)
        if state.isClosed {
            // The status is reported from what was read, which may be only in the page cache (see
            // HistoryStore.load): an empty batch makes the store rewrite it durably first.
            try await persist(executionId) { try await committer.commit(HistoryBatch(executionId: executionId, records: [])) }
            closedStatuses[executionId] = state.status
            return state.status
        }
        let definition = try recordedDefinition(started)
        // A batch cut by a crash after its DecisionTaskCompleted lost decisions the history cannot
        // show: the decider, which never repeats itself, says whether any are missing.
        let undecided =
            configuration.decidesInProcess
            && !Decider.decisions(definition: definition, state: state, catalog: configuration.catalog).isEmpty
        let now = clock.now()
        let (machine, first) = ExecutionMachine.recover(
            executionId: executionId, events: events, attemptFailures: failures, undecided: undecided, state: state,
            incarnation: configuration.incarnation, at: now)
        let slot = ExecutionSlot(machine: machine, definition: definition)
        slot.turnHeld = true
        slot.needsFirstBatch = true
        var transition = first
        decideInProcess(slot, &transition, at: now)
        executions[executionId] = slot
        defer { passTurn(slot) }
        _ = try await commit(slot, transition)
        return closedStatuses[executionId] ?? .running
    }

    /// Records a cancellation request (SWF `RequestCancelWorkflowExecution`); the decider then
    /// cancels open work and closes the execution. Asking twice is harmless; it is durable (or was
    /// already) when this returns.
    public func requestCancel(_ executionId: String, identity: String) async throws {
        try await submit(executionId, .cancelRequested(identity: identity))
    }

    /// Closes the execution at once, without a decision (SWF `TerminateWorkflowExecution`): open
    /// attempts are told to stop, nothing more is scheduled. Durable when this returns.
    public func terminate(_ executionId: String, reason: String?, details: JSONValue? = nil, identity: String) async throws {
        try await submit(executionId, .terminate(reason: reason, details: details, identity: identity))
    }

    /// Records a signal for the execution's decider (SWF `SignalWorkflowExecution`). Durable when this returns.
    /// - Throws: ``ExecutionCore/ExecutionError`` `execution.historyFull` when the history has no room for it.
    public func signal(_ executionId: String, name: String, input: JSONValue? = nil, identity: String) async throws {
        try await submit(executionId, .signal(name: name, input: input, identity: identity))
    }

    /// Waits until the execution closes and returns how.
    /// - Throws: ``EngineError`` `engine.stopped` when the engine stops first.
    public func waitForClose(_ executionId: String) async throws -> ExecutionStatus {
        if let status = closedStatuses[executionId] { return status }
        let slot = try slot(executionId)
        let waiterId = nextWaiterId
        nextWaiterId += 1
        let status = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ExecutionStatus, Never>) in
                if Task.isCancelled {
                    continuation.resume(returning: .running)
                } else {
                    slot.closeWaiters.append((waiterId, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(executionId, waiterId) }
        }
        try Task.checkCancellation()
        if status == .running, let stoppedError { throw stoppedError }
        return status
    }

    /// Wakes a cancelled `waitForClose` caller.
    func cancelWaiter(_ executionId: String, _ waiterId: UInt64) {
        guard let slot = executions[executionId], let index = slot.closeWaiters.firstIndex(where: { $0.id == waiterId })
        else { return }
        slot.closeWaiters.remove(at: index).continuation.resume(returning: .running)
    }

    /// The live state of an open execution. It waits for an input of the execution being committed,
    /// so it never shows events that are not yet durable (or their actions not yet performed).
    public func snapshot(_ executionId: String) async -> ExecutionSnapshot? {
        guard let slot = executions[executionId] else { return nil }
        await takeTurn(slot)
        passTurn(slot)
        guard executions[executionId] === slot else { return nil }
        var attempts: [String: AttemptInfo] = [:]
        for run in slot.machine.runs.values {
            attempts[run.attributes.activityId] = AttemptInfo(run, report: slot.reports[run.attributes.activityId])
        }
        return ExecutionSnapshot(definition: slot.definition, state: slot.machine.state, attempts: attempts)
    }
}

extension HistoryEvent {
    /// The attributes of a `WorkflowExecutionStarted` event.
    var startedAttributes: WorkflowExecutionStartedEventAttributes? {
        if case .workflowExecutionStarted(let attributes) = attributes { return attributes }
        return nil
    }
}
