import Foundation
public import HistoryStore
public import StrictJSON
public import Time
import WorkflowDecider
public import WorkflowModel

/// How an engine runs.
public struct EngineConfiguration: Sendable {
    /// In-process workers polling the task lists.
    public var workerCount: Int
    /// Recorded as the decider's and workers' identity, e.g. `cairn run (pid 4242)`.
    public var identity: String
    /// The activity types workflows may use.
    public var catalog: ActivityCatalog
    /// Makes run ids; UUIDs by default (tests pass a deterministic one).
    public var makeRunId: @Sendable () -> String

    /// Makes a configuration.
    public init(
        workerCount: Int = 64, identity: String = "cairn", catalog: ActivityCatalog = .builtIn,
        makeRunId: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.workerCount = workerCount
        self.identity = identity
        self.catalog = catalog
        self.makeRunId = makeRunId
    }
}

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

/// Things the engine tells its observer (the CLI's progress display, tests).
public enum EngineNotification: Sendable {
    /// Events are durable in the execution's history.
    case eventsRecorded(executionId: String, events: [HistoryEvent])
    /// A worker started an attempt.
    case attemptStarted(executionId: String, activityId: String, attempt: Int, at: Timestamp)
    /// An attempt failed and will be retried at `nextAttemptAt`.
    case attemptFailed(executionId: String, activityId: String, attempt: Int, failure: ActivityFailure, nextAttemptAt: Timestamp)
    /// A running activity reported progress.
    case activityReport(executionId: String, activityId: String, message: String)
    /// A worker reported on an attempt that is no longer valid (timed out, canceled, or from before a
    /// restart); its result was refused, as SWF refuses it with `UnknownResource`.
    case staleResultRefused(taskToken: String)
    /// The engine stopped taking work after a storage failure.
    case stopped(EngineError)
}

/// A live view of one execution, for progress displays.
public struct ExecutionSnapshot: Sendable {
    /// The execution's definition.
    public var definition: WorkflowDefinition
    /// The folded history.
    public var state: HistoryState
    /// Live attempts by activity id.
    public var attempts: [String: AttemptInfo]
}

/// The live state of one activity's current attempt.
public struct AttemptInfo: Sendable, Hashable {
    /// The attempt number.
    public var attempt: Int
    /// queued, running or backoff.
    public var phase: String
    /// Since when it is in that phase.
    public var since: Timestamp
    /// The last failed attempt's reason and details.
    public var lastFailure: ActivityFailure?
    /// The latest progress text.
    public var report: String?
}

/// The engine: runs executions durably. Every event is written (and fsynced) by the history store
/// before anything that depends on it happens: no activity is dispatched, no timer armed, no result
/// acknowledged before its event is on disk.
///
/// One batch is committed at a time per execution (its commit turn); the batches of different
/// executions are written together by the store's ``HistoryStore/GroupCommitter``, which shares
/// fsyncs among them. Trigger events, the decision task and its decisions are one batch; the actor
/// never waits on the disk itself.
public actor Engine {
    let store: HistoryStore
    let handlers: [String: any ActivityHandler]
    let clock: any WallClock
    let configuration: EngineConfiguration
    let observer: (@Sendable (EngineNotification) -> Void)?
    let loadDefinition: @Sendable (JSONValue, String) throws -> WorkflowDefinition
    let broker = TaskBroker()
    /// Every armed timeout, timer and retry of this engine's executions.
    let deadlines: DeadlineScheduler
    /// Writes the batches of all executions, sharing fsyncs among those committed at the same time.
    let committer: GroupCommitter

    var executions: [String: ExecutionRuntime] = [:]
    var closedStatuses: [String: ExecutionStatus] = [:]
    var tokens: [String: (executionId: String, scheduledEventId: Int64)] = [:]
    var reports: [String: [String: String]] = [:]
    var stoppedError: EngineError?
    var workerTasks: [Task<Void, Never>] = []
    var tokenCounter: UInt64 = 0
    var nextWaiterId: UInt64 = 0
    /// Executions with a batch being committed, and who waits to commit the next one (in order).
    var commitTurns: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Makes an engine.
    /// - Parameters:
    ///   - store: the history store; the caller holds the state directory's lock.
    ///   - handlers: activity handlers by type.
    ///   - clock: time for events, timers and timeouts.
    ///   - loadDefinition: turns the definition recorded in `WorkflowExecutionStarted` (and its
    ///     recorded digest) back into a definition, refusing one whose digest does not match.
    public init(
        store: HistoryStore, handlers: [any ActivityHandler], clock: any WallClock,
        configuration: EngineConfiguration = EngineConfiguration(),
        loadDefinition: @escaping @Sendable (JSONValue, String) throws -> WorkflowDefinition,
        observer: (@Sendable (EngineNotification) -> Void)? = nil
    ) {
        self.store = store
        committer = GroupCommitter(store: store)
        var byType: [String: any ActivityHandler] = [:]
        for handler in handlers { byType[handler.activityType] = handler }
        self.handlers = byType
        self.clock = clock
        deadlines = DeadlineScheduler(clock: clock)
        self.configuration = configuration
        self.loadDefinition = loadDefinition
        self.observer = observer
    }

    // MARK: Lifecycle

    /// Starts the in-process workers.
    public func startWorkers() {
        guard workerTasks.isEmpty else { return }
        for index in 0..<configuration.workerCount {
            let identity = "\(configuration.identity) worker \(index + 1)"
            // Workers live as long as the engine; shutdown() cancels them.
            workerTasks.append(
                Task { [broker, handlers, clock] in
                    await WorkerLoop(engine: self, broker: broker, handlers: handlers, clock: clock, identity: identity)
                        .run()
                })
        }
    }

    /// Stops workers and deadlines without recording anything, as a crash would; open executions
    /// continue on the next `resume`.
    public func shutdown() {
        broker.close()
        deadlines.close()
        for task in workerTasks { task.cancel() }
        workerTasks = []
        for (id, runtime) in executions {
            for run in runtime.runs.values {
                if case .running(let attempt) = run.phase { attempt.cancellation.cancel() }
            }
            for waiter in runtime.closeWaiters { waiter.continuation.resume(returning: .running) }
            executions[id]?.closeWaiters = []
        }
        executions = [:]
        tokens = [:]
    }

    // MARK: Starting, resuming, cancelling

    /// Starts an execution: its first events are durable when this returns.
    /// - Throws: ``EngineError`` (`engine.stopped`) or the store's error (`store.executionExists`, ...).
    @discardableResult
    public func start(_ request: StartRequest) async throws -> WorkflowExecution {
        try checkRunning()
        if executions[request.executionId] != nil {
            // Another start of this id is being written (or has been): the store would refuse it too.
            throw StoreError(
                code: StoreError.Code.executionExists,
                message: "an execution with id \"\(request.executionId)\" already exists "
                    + "(\(store.historyPath(of: request.executionId))). Choose another id, or resume that execution.")
        }
        // A caller bug, not user input: the CLI builds the tags itself.
        precondition(
            request.tagList.count <= Limits.executionTagsMax && request.tagList.allSatisfy { $0.count <= Limits.executionTagLengthMax },
            "at most \(Limits.executionTagsMax) execution tags of \(Limits.executionTagLengthMax) characters")
        let execution = WorkflowExecution(workflowId: request.executionId, runId: configuration.makeRunId())
        let started = WorkflowExecutionStartedEventAttributes(
            workflowExecution: execution,
            workflowType: TypeName(name: request.definition.name, version: request.definitionDigest),
            taskList: TaskList(name: "decisions"), input: .object(request.input),
            executionStartToCloseTimeout: Interval.timeoutText(request.definition.executionTimeout),
            taskStartToCloseTimeout: Limits.decisionTaskTimeout.description, definition: request.definitionJSON,
            definitionDigest: request.definitionDigest, definitionSource: request.definitionSource,
            identity: configuration.identity, tagList: request.tagList.isEmpty ? nil : request.tagList)
        executions[request.executionId] = ExecutionRuntime(
            executionId: request.executionId, definition: request.definition, state: HistoryState())
        do {
            try await commit(request.executionId, trigger: [.workflowExecutionStarted(started)], creating: true)
        } catch {
            executions[request.executionId] = nil
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
                code: "engine.quarantined",
                message: "execution \(executionId) is quarantined: \(quarantine.reason) (\(quarantine.file), byte "
                    + "\(quarantine.offset)). Its history is left untouched; inspect it, and restore it from a backup "
                    + "or start a new execution.")
        }
        let state = HistoryState(events: recovered.events)
        guard let started = state.started else {
            throw EngineError(
                code: "engine.invalidHistory",
                message: "the history of \(executionId) has no WorkflowExecutionStarted event")
        }
        if state.isClosed {
            // The status is reported from what was read, which may be only in the page cache (see
            // HistoryStore.load): an empty batch makes the store rewrite it durably first.
            try await persist(executionId) { try await committer.commit(HistoryBatch(executionId: executionId, records: [])) }
            closedStatuses[executionId] = state.status
            return state.status
        }
        let definition = try loadDefinition(started.definition, started.definitionDigest)
        let runtime = ExecutionRuntime(executionId: executionId, definition: definition, state: state)
        var lastFailed: [Int64: ActivityAttemptFailed] = [:]
        for record in recovered.records {
            if case .attemptFailed(let attempt) = record { lastFailed[attempt.scheduledEventId] = attempt }
        }
        var trigger: [EventAttributes] = []
        for activity in state.openActivities {
            if let cancelRequested = activity.cancelRequestedEventId {
                // Its worker died with the previous engine; nothing runs it now.
                trigger.append(
                    .activityTaskCanceled(
                        ActivityTaskCanceledEventAttributes(
                            scheduledEventId: activity.scheduledEventId, startedEventId: 0,
                            latestCancelRequestedEventId: cancelRequested, details: "the engine restarted")))
                continue
            }
            let failed = lastFailed[activity.scheduledEventId]
            var run = ActivityRun(
                scheduledEventId: activity.scheduledEventId, attributes: activity.scheduled,
                scheduledAt: activity.scheduledAt, attempt: (failed?.attempt ?? 0) + 1,
                phase: .backoff(until: failed?.nextAttemptAt ?? clock.now()))
            if let failed { run.lastFailure = ActivityFailure(reason: failed.reason, details: failed.details) }
            runtime.runs[activity.scheduledEventId] = run
        }
        executions[executionId] = runtime
        try await commit(executionId, trigger: trigger, runDecision: true)
        guard let recoveredRuns = executions[executionId]?.runs.keys.sorted() else {
            return closedStatuses[executionId] ?? .running
        }
        let now = clock.now()
        for scheduledEventId in recoveredRuns {
            // Runs scheduled by the recovery's own decision task are already queued.
            guard let run = executions[executionId]?.runs[scheduledEventId], case .backoff(let until) = run.phase else {
                continue
            }
            armScheduleToClose(executionId, scheduledEventId)
            if until > now {
                arm(executionId, .retry(scheduledEventId), at: until)
            } else {
                enqueue(executionId, scheduledEventId)
            }
        }
        for timer in executions[executionId]?.state.openTimers ?? [] {
            arm(executionId, .timer(timer.attributes.timerId), at: timer.fireAt)
        }
        armExecutionTimeout(executionId)
        return .running
    }

    /// Records a cancellation request (SWF `RequestCancelWorkflowExecution`); the decider then
    /// cancels open work and closes the execution. Asking twice is harmless.
    public func requestCancel(_ executionId: String, identity: String) async throws {
        try checkRunning()
        // A cancellation request already in the state may be in a batch still being written: wait for
        // the batches ahead, so "already requested" is said only of a durable request.
        await takeCommitTurn(executionId)
        passCommitTurn(executionId)
        try checkRunning()
        guard let runtime = executions[executionId] else {
            if closedStatuses[executionId] != nil {
                throw EngineError(code: "engine.executionClosed", message: "execution \(executionId) is already closed")
            }
            throw EngineError(
                code: "engine.executionNotFound", message: "execution \(executionId) is not open in this engine")
        }
        guard !runtime.state.isCancelRequested else { return }
        try await commit(
            executionId,
            trigger: [.workflowExecutionCancelRequested(WorkflowExecutionCancelRequestedEventAttributes(identity: identity))])
    }

    /// Waits until the execution closes and returns how.
    /// - Throws: ``EngineError`` `engine.stopped` when the engine stops first.
    public func waitForClose(_ executionId: String) async throws -> ExecutionStatus {
        if let status = closedStatuses[executionId] { return status }
        try checkRunning()
        guard executions[executionId] != nil else {
            throw EngineError(code: "engine.executionNotFound", message: "execution \(executionId) is not open in this engine")
        }
        let waiterId = nextWaiterId
        nextWaiterId += 1
        let status = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ExecutionStatus, Never>) in
                if Task.isCancelled {
                    continuation.resume(returning: .running)
                } else {
                    executions[executionId]?.closeWaiters.append((waiterId, continuation))
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
        guard let index = executions[executionId]?.closeWaiters.firstIndex(where: { $0.id == waiterId }),
            let waiter = executions[executionId]?.closeWaiters.remove(at: index)
        else { return }
        waiter.continuation.resume(returning: .running)
    }

    /// The live state of an open execution. It waits for a batch of the execution being written, so
    /// it never shows events that are not yet durable (or their effects not yet performed).
    public func snapshot(_ executionId: String) async -> ExecutionSnapshot? {
        await takeCommitTurn(executionId)
        passCommitTurn(executionId)
        guard let runtime = executions[executionId] else { return nil }
        var attempts: [String: AttemptInfo] = [:]
        for run in runtime.runs.values {
            let (phase, since): (String, Timestamp) =
                switch run.phase {
                case .queued(_, let since): ("queued", since)
                case .running(let attempt): ("running", attempt.startedAt)
                case .backoff(let until): ("backoff", until)
                }
            attempts[run.attributes.activityId] = AttemptInfo(
                attempt: run.attempt, phase: phase, since: since, lastFailure: run.lastFailure,
                report: reports[runtime.executionId]?[run.attributes.activityId])
        }
        return ExecutionSnapshot(definition: runtime.definition, state: runtime.state, attempts: attempts)
    }

    // MARK: The worker protocol (used by in-process workers, and by remote workers later)

    /// A worker picked up `taskToken`; returns false when the task is no longer valid (canceled,
    /// timed out, or from before a restart): the worker must drop it.
    public func beginAttempt(taskToken: String, identity: String, cancellation: AttemptCancellation) -> Bool {
        guard stoppedError == nil, let (executionId, scheduledEventId) = tokens[taskToken],
            var run = executions[executionId]?.runs[scheduledEventId],
            case .queued(let token, _) = run.phase, token == taskToken
        else { return false }
        let now = clock.now()
        run.phase = .running(
            RunningAttempt(
                token: taskToken, startedAt: now, identity: identity, lastHeartbeatAt: now, heartbeatDetails: nil,
                cancellation: cancellation))
        executions[executionId]?.runs[scheduledEventId] = run
        cancelDeadline(executionId, .scheduleToStart(scheduledEventId))
        if let startToClose = run.timeouts.startToClose {
            arm(executionId, .startToClose(scheduledEventId), at: now.adding(startToClose), token: taskToken)
        }
        if let heartbeat = run.timeouts.heartbeat {
            arm(executionId, .heartbeat(scheduledEventId), at: now.adding(heartbeat), token: taskToken)
        }
        if run.cancelRequested { cancellation.cancel() }
        observer?(.attemptStarted(executionId: executionId, activityId: run.attributes.activityId, attempt: run.attempt, at: now))
        return true
    }

    /// Records a heartbeat (no history event, as in SWF). Returns true when the attempt should stop:
    /// cancellation was requested, or the token is no longer valid.
    public func recordHeartbeat(taskToken: String, details: JSONValue?) -> Bool {
        guard let (executionId, scheduledEventId) = tokens[taskToken],
            var run = executions[executionId]?.runs[scheduledEventId],
            case .running(var attempt) = run.phase, attempt.token == taskToken
        else { return true }
        let now = clock.now()
        attempt.lastHeartbeatAt = now
        attempt.heartbeatDetails = details
        run.phase = .running(attempt)
        executions[executionId]?.runs[scheduledEventId] = run
        if let heartbeat = run.timeouts.heartbeat {
            arm(executionId, .heartbeat(scheduledEventId), at: now.adding(heartbeat), token: taskToken)
        }
        return run.cancelRequested
    }

    /// Progress text from a running activity, for the live display.
    public func recordReport(taskToken: String, message: String) {
        guard let (executionId, scheduledEventId) = tokens[taskToken],
            let run = executions[executionId]?.runs[scheduledEventId]
        else { return }
        reports[executionId, default: [:]][run.attributes.activityId] = message
        observer?(.activityReport(executionId: executionId, activityId: run.attributes.activityId, message: message))
    }

    /// A worker finished an attempt. Durable before it returns.
    /// - Throws: ``EngineError`` `engine.unknownToken` for a stale attempt (its result is refused),
    ///   `engine.stopped` when the history could not be written.
    public func finishAttempt(taskToken: String, outcome: AttemptOutcome) async throws {
        try await finish(taskToken: taskToken, outcome: outcome, handBack: false)
    }

    /// ``finishAttempt(taskToken:outcome:)``, then begins the first activity task the decision it led
    /// to dispatched, for the same worker to run next (SWF's respond-then-poll, without the poll): the
    /// task is not offered to other workers, so the sequential path stays on one thread. Nil when the
    /// decision dispatched none, or older tasks wait (they go first); the worker then polls.
    /// - Throws: as ``finishAttempt(taskToken:outcome:)``.
    public func finishAttemptAndBeginNext(
        taskToken: String, outcome: AttemptOutcome, identity: String, cancellation: AttemptCancellation
    ) async throws -> ActivityTask? {
        guard let next = try await finish(taskToken: taskToken, outcome: outcome, handBack: true) else { return nil }
        guard beginAttempt(taskToken: next.taskToken, identity: identity, cancellation: cancellation) else {
            // No longer queued (withdrawn meanwhile): nothing is left to run.
            return nil
        }
        return next
    }

    /// Records an attempt's outcome; with `handBack`, returns the first task the resulting decision
    /// dispatched instead of offering it.
    @discardableResult
    func finish(taskToken: String, outcome: AttemptOutcome, handBack: Bool) async throws -> ActivityTask? {
        try checkRunning()
        guard let (executionId, scheduledEventId) = tokens[taskToken],
            let run = executions[executionId]?.runs[scheduledEventId],
            case .running(let attempt) = run.phase, attempt.token == taskToken
        else {
            observer?(.staleResultRefused(taskToken: taskToken))
            throw EngineError(
                code: "engine.unknownToken",
                message: "this activity task is no longer valid (it timed out, was canceled, or the engine restarted)")
        }
        switch outcome {
        case .completed(let result):
            if result.canonicalBytes().count > Limits.payloadBytesMax {
                try await attemptFailed(
                    executionId, scheduledEventId,
                    ActivityFailure(
                        reason: "ResultTooLarge",
                        details: "the result is larger than \(Limits.payloadBytesMax) bytes; return a reference instead",
                        isNonRetryable: true))
                return nil
            }
            return try await closeActivity(
                executionId, scheduledEventId,
                .activityTaskCompleted(
                    ActivityTaskCompletedEventAttributes(scheduledEventId: scheduledEventId, startedEventId: 0, result: result)),
                handBack: handBack)
        case .failed(let failure):
            try await attemptFailed(executionId, scheduledEventId, failure)
        case .canceled(let details):
            if run.cancelRequested {
                try await closeActivity(
                    executionId, scheduledEventId,
                    .activityTaskCanceled(
                        ActivityTaskCanceledEventAttributes(
                            scheduledEventId: scheduledEventId, startedEventId: 0,
                            latestCancelRequestedEventId: cancelRequestedEventId(executionId, run) ?? 0,
                            details: details)))
            } else {
                try await attemptFailed(
                    executionId, scheduledEventId,
                    ActivityFailure(reason: "ActivityCanceled", details: details ?? "the activity stopped itself"))
            }
        }
        return nil
    }

    // MARK: Attempt outcomes

    func attemptFailed(_ executionId: String, _ scheduledEventId: Int64, _ failure: ActivityFailure) async throws {
        guard var run = executions[executionId]?.runs[scheduledEventId] else { return }
        let now = clock.now()
        let policy = run.attributes.retryPolicy
        let nextAt = now.adding(policy.delay(afterAttempt: run.attempt))
        let closeBy = run.timeouts.scheduleToClose.map { run.scheduledAt.adding($0) }
        let retry =
            !run.cancelRequested
            && policy.allowsRetry(afterAttempt: run.attempt, reason: failure.reason, isNonRetryable: failure.isNonRetryable)
            && (closeBy.map { nextAt < $0 } ?? true)
        guard retry else {
            try await closeActivity(
                executionId, scheduledEventId,
                .activityTaskFailed(
                    ActivityTaskFailedEventAttributes(
                        scheduledEventId: scheduledEventId, startedEventId: 0, reason: failure.reason,
                        details: failure.details)))
            return
        }
        let record = ActivityAttemptFailed(
            scheduledEventId: scheduledEventId, activityId: run.attributes.activityId, attempt: run.attempt,
            reason: failure.reason, details: failure.details, timestamp: now, nextAttemptAt: nextAt)
        // The attempt ends before the record is written, so no timeout of it fires meanwhile; the retry
        // is armed only once the record is durable.
        stopAttempt(executionId, &run)
        run.lastFailure = failure
        run.phase = .backoff(until: nextAt)
        run.attempt += 1
        executions[executionId]?.runs[scheduledEventId] = run
        await takeCommitTurn(executionId)
        defer { passCommitTurn(executionId) }
        try await persist(executionId) {
            try await committer.commit(HistoryBatch(executionId: executionId, records: [.attemptFailed(record)]))
        }
        guard executions[executionId]?.runs[scheduledEventId] != nil else { return }
        arm(executionId, .retry(scheduledEventId), at: nextAt)
        observer?(
            .attemptFailed(
                executionId: executionId, activityId: run.attributes.activityId, attempt: record.attempt,
                failure: failure, nextAttemptAt: nextAt))
    }

    /// Writes the activity's final outcome (preceded by `ActivityTaskStarted` when an attempt ran)
    /// and runs a decision task.
    @discardableResult
    func closeActivity(
        _ executionId: String, _ scheduledEventId: Int64, _ outcome: EventAttributes, handBack: Bool = false
    ) async throws -> ActivityTask? {
        guard var run = executions[executionId]?.runs[scheduledEventId] else { return nil }
        var trigger: [EventAttributes] = []
        if case .running(let attempt) = run.phase {
            // commit() points the outcome's startedEventId at this event once it has its id.
            trigger.append(
                .activityTaskStarted(
                    ActivityTaskStartedEventAttributes(
                        scheduledEventId: scheduledEventId, identity: attempt.identity, attempt: run.attempt)))
        }
        trigger.append(Self.settingStartedEventId(outcome, 0))
        stopAttempt(executionId, &run)
        executions[executionId]?.runs[scheduledEventId] = nil
        for key in [
            DeadlineKey.scheduleToClose(scheduledEventId), .scheduleToStart(scheduledEventId),
            .startToClose(scheduledEventId), .heartbeat(scheduledEventId), .retry(scheduledEventId),
        ] {
            cancelDeadline(executionId, key)
        }
        reports[executionId]?[run.attributes.activityId] = nil
        return try await commit(executionId, trigger: trigger, handBack: handBack)
    }

    static func settingStartedEventId(_ attributes: EventAttributes, _ startedEventId: Int64) -> EventAttributes {
        switch attributes {
        case .activityTaskCompleted(var a):
            a.startedEventId = startedEventId
            return .activityTaskCompleted(a)
        case .activityTaskFailed(var a):
            a.startedEventId = startedEventId
            return .activityTaskFailed(a)
        case .activityTaskTimedOut(var a):
            a.startedEventId = startedEventId
            return .activityTaskTimedOut(a)
        case .activityTaskCanceled(var a):
            a.startedEventId = startedEventId
            return .activityTaskCanceled(a)
        default:
            return attributes
        }
    }

    /// Forgets the running or queued attempt of `run` (its token becomes invalid).
    func stopAttempt(_ executionId: String, _ run: inout ActivityRun) {
        switch run.phase {
        case .running(let attempt):
            tokens[attempt.token] = nil
            attempt.cancellation.cancel()
        case .queued(let token, _):
            tokens[token] = nil
            broker.withdraw(taskToken: token, taskList: run.attributes.taskList.name)
        case .backoff:
            break
        }
        cancelDeadline(executionId, .startToClose(run.scheduledEventId))
        cancelDeadline(executionId, .heartbeat(run.scheduledEventId))
        cancelDeadline(executionId, .scheduleToStart(run.scheduledEventId))
    }

    func cancelRequestedEventId(_ executionId: String, _ run: ActivityRun) -> Int64? {
        executions[executionId]?.state.activities[run.attributes.activityId]?.cancelRequestedEventId
    }

    // MARK: Deadlines

    /// Fires a deadline. `token` ties attempt timeouts to the attempt they were armed for; `id` is
    /// the armed deadline, so one cancelled or re-armed meanwhile does nothing.
    func fire(_ executionId: String, _ key: DeadlineKey, token: String?, id: DeadlineScheduler.ID) async {
        guard stoppedError == nil, let runtime = executions[executionId], runtime.deadlines[key] == id else { return }
        executions[executionId]?.deadlines[key] = nil
        do {
            switch key {
            case .timer(let timerId):
                guard let timer = runtime.state.timers[timerId], timer.outcome == nil else { return }
                try await commit(
                    executionId,
                    trigger: [.timerFired(TimerFiredEventAttributes(timerId: timerId, startedEventId: timer.startedEventId))])
            case .executionTimeout:
                try await commit(
                    executionId, trigger: [.workflowExecutionTimedOut(WorkflowExecutionTimedOutEventAttributes())],
                    runDecision: false)
            case .retry(let id):
                guard let run = runtime.runs[id], case .backoff = run.phase else { return }
                enqueue(executionId, id)
            case .scheduleToStart(let id):
                guard let run = runtime.runs[id], case .queued = run.phase else { return }
                try await closeActivity(executionId, id, timedOut(id, .scheduleToStart, details: nil))
            case .scheduleToClose(let id):
                guard let run = runtime.runs[id] else { return }
                var details: JSONValue?
                if case .running(let attempt) = run.phase { details = attempt.heartbeatDetails }
                try await closeActivity(executionId, id, timedOut(id, .scheduleToClose, details: details))
            case .startToClose(let id), .heartbeat(let id):
                guard let run = runtime.runs[id], case .running(let attempt) = run.phase, attempt.token == token else { return }
                let type: TimeoutType = if case .startToClose = key { .startToClose } else { .heartbeat }
                try await attemptTimedOut(executionId, id, type, attempt: attempt)
            }
        } catch {
            // commit() has already stopped the engine and told the observer.
        }
    }

    func attemptTimedOut(_ executionId: String, _ id: Int64, _ type: TimeoutType, attempt: RunningAttempt) async throws {
        guard let run = executions[executionId]?.runs[id] else { return }
        let limit = type == .startToClose ? run.timeouts.startToClose : run.timeouts.heartbeat
        let failure = ActivityFailure(
            reason: "Timeout.\(type.rawValue)",
            details: "attempt \(run.attempt) hit its \(type.rawValue) timeout (\(limit?.description ?? "?"))")
        let policy = run.attributes.retryPolicy
        let nextAt = clock.now().adding(policy.delay(afterAttempt: run.attempt))
        let closeBy = run.timeouts.scheduleToClose.map { run.scheduledAt.adding($0) }
        if !run.cancelRequested, policy.allowsRetry(afterAttempt: run.attempt, reason: failure.reason, isNonRetryable: false),
            closeBy.map({ nextAt < $0 }) ?? true
        {
            try await attemptFailed(executionId, id, failure)
        } else {
            try await closeActivity(executionId, id, timedOut(id, type, details: attempt.heartbeatDetails))
        }
    }

    func timedOut(_ id: Int64, _ type: TimeoutType, details: JSONValue?) -> EventAttributes {
        .activityTaskTimedOut(
            ActivityTaskTimedOutEventAttributes(scheduledEventId: id, startedEventId: 0, timeoutType: type, details: details))
    }

    /// Arms (or re-arms) a deadline.
    func arm(_ executionId: String, _ key: DeadlineKey, at deadline: Timestamp, token: String? = nil) {
        guard executions[executionId] != nil else { return }
        if let previous = executions[executionId]?.deadlines[key] { deadlines.cancel(previous) }
        let id = deadlines.schedule(at: deadline) { id in
            Task { await self.fire(executionId, key, token: token, id: id) }
        }
        executions[executionId]?.deadlines[key] = id
    }

    func cancelDeadline(_ executionId: String, _ key: DeadlineKey) {
        if let id = executions[executionId]?.deadlines.removeValue(forKey: key) { deadlines.cancel(id) }
    }

    /// The earliest armed deadline and how many are armed, for tests that drive a manual clock.
    func deadlineSummary() -> (earliest: Timestamp?, armed: Int) {
        deadlines.summary
    }

    func armScheduleToClose(_ executionId: String, _ id: Int64) {
        guard let run = executions[executionId]?.runs[id] else { return }
        if let scheduleToClose = run.timeouts.scheduleToClose {
            arm(executionId, .scheduleToClose(id), at: run.scheduledAt.adding(scheduleToClose))
        }
    }

    func armExecutionTimeout(_ executionId: String) {
        guard let runtime = executions[executionId], let started = runtime.state.started,
            let startedAt = runtime.state.startedAt,
            let timeout = Interval(timeoutText: started.executionStartToCloseTimeout)
        else { return }
        arm(executionId, .executionTimeout, at: startedAt.adding(timeout))
    }

    // MARK: Dispatch

    /// Puts the run's next attempt in its task list (unless `offer` is false: the caller hands it to a
    /// worker itself); returns the task.
    @discardableResult
    func enqueue(_ executionId: String, _ id: Int64, offer: Bool = true) -> ActivityTask? {
        guard let runtime = executions[executionId], var run = runtime.runs[id],
            let execution = runtime.state.execution
        else { return nil }
        tokenCounter += 1
        let token = "\(executionId)/\(id)/\(run.attempt)/\(tokenCounter)"
        let now = clock.now()
        run.phase = .queued(token: token, since: now)
        executions[executionId]?.runs[id] = run
        tokens[token] = (executionId, id)
        if let scheduleToStart = run.timeouts.scheduleToStart {
            arm(executionId, .scheduleToStart(id), at: now.adding(scheduleToStart))
        }
        let task = ActivityTask(
            taskToken: token, workflowExecution: execution, activityId: run.attributes.activityId,
            stepId: run.attributes.control.step, activityType: run.attributes.activityType,
            taskList: run.attributes.taskList.name, input: run.attributes.input, attempt: run.attempt,
            scheduledEventId: id)
        if offer { broker.offer(task) }
        return task
    }

    // MARK: Writing

    func checkRunning() throws {
        if let stoppedError { throw stoppedError }
    }

    /// Runs `write`; a storage failure stops the engine (fail-stop: nothing after it is acknowledged).
    func persist(_ executionId: String, _ write: () async throws -> Void) async throws {
        do {
            try await write()
        } catch {
            if let stoppedError { throw stoppedError }
            let stopped = EngineError(
                code: "engine.stopped",
                message: "history writes failed for \(executionId): \(error). The engine stopped taking work; nothing "
                    + "after the last durable event was acknowledged. Fix the cause and run `cairn resume`.")
            stoppedError = stopped
            observer?(.stopped(stopped))
            shutdown()
            throw stopped
        }
    }

    /// Appends `trigger` events and, unless the execution is closed or `runDecision` is false, a
    /// decision task with its decisions; writes them as one durable batch; then performs their
    /// effects (dispatch, timers, cancellation, closing). With `handBack`, the first activity task
    /// dispatched is returned instead of offered.
    @discardableResult
    func commit(
        _ executionId: String, trigger: [EventAttributes], runDecision: Bool = true, creating: Bool = false,
        handBack: Bool = false
    ) async throws -> ActivityTask? {
        await takeCommitTurn(executionId)
        defer { passCommitTurn(executionId) }
        // The batches ahead may have stopped the engine or closed (or, for a refused start, removed)
        // the execution while this one waited: then nothing is written, and the caller must not be
        // told otherwise.
        try checkRunning()
        guard let runtime = executions[executionId] else {
            if closedStatuses[executionId] != nil {
                throw EngineError(code: "engine.executionClosed", message: "execution \(executionId) is already closed")
            }
            throw EngineError(code: "engine.executionNotFound", message: "execution \(executionId) is not open in this engine")
        }
        let now = clock.now()
        var events: [HistoryEvent] = []
        func append(_ attributes: EventAttributes) {
            let event = HistoryEvent(eventId: runtime.nextEventId, eventTimestamp: now, attributes: attributes)
            runtime.state.apply(event)
            events.append(event)
        }
        // Ids are given here, under the commit turn: an outcome written with its ActivityTaskStarted
        // refers to that event, whatever was committed while this batch waited for its turn.
        var startedEventId: Int64?
        for attributes in trigger {
            if case .activityTaskStarted = attributes {
                startedEventId = runtime.nextEventId
                append(attributes)
            } else {
                append(startedEventId.map { Self.settingStartedEventId(attributes, $0) } ?? attributes)
                startedEventId = nil
            }
        }
        var immediatelyCanceled: [Int64] = []
        var rounds = 0
        while runDecision, !runtime.state.isClosed, rounds < Self.decisionRoundsPerBatchMax {
            rounds += 1
            switch runtime.state.openDecisionTask {
            case let task? where task.startedEventId != nil:
                // Started by an engine that died before completing it.
                append(
                    .decisionTaskTimedOut(
                        DecisionTaskTimedOutEventAttributes(
                            scheduledEventId: task.scheduledEventId, startedEventId: task.startedEventId ?? 0)))
                append(decisionTaskScheduled())
            case nil:
                append(decisionTaskScheduled())
            default:
                break
            }
            let scheduledId = runtime.state.openDecisionTask?.scheduledEventId ?? 0
            append(
                .decisionTaskStarted(
                    DecisionTaskStartedEventAttributes(scheduledEventId: scheduledId, identity: configuration.identity)))
            let startedId = runtime.state.lastEventId
            let decisions = Decider.decisions(
                definition: runtime.definition, state: runtime.state, catalog: configuration.catalog)
            append(
                .decisionTaskCompleted(
                    DecisionTaskCompletedEventAttributes(scheduledEventId: scheduledId, startedEventId: startedId)))
            let completedId = runtime.state.lastEventId
            var canceledNow: [EventAttributes] = []
            for decision in decisions {
                append(DecisionRecorder.attributes(for: decision, decisionTaskCompletedEventId: completedId, state: runtime.state))
                // A task no worker holds is canceled at once (SWF does the same).
                if case .requestCancelActivityTask(let activityId) = decision,
                    let activity = runtime.state.activities[activityId],
                    let run = runtime.runs[activity.scheduledEventId]
                {
                    if case .running = run.phase { continue }
                    immediatelyCanceled.append(activity.scheduledEventId)
                    canceledNow.append(
                        .activityTaskCanceled(
                            ActivityTaskCanceledEventAttributes(
                                scheduledEventId: activity.scheduledEventId, startedEventId: 0,
                                latestCancelRequestedEventId: runtime.state.lastEventId,
                                details: "canceled before a worker started it")))
                }
            }
            guard !canceledNow.isEmpty, !runtime.state.isClosed else { break }
            for attributes in canceledNow { append(attributes) }
        }
        // The in-memory state now includes the batch; nothing that depends on it happens before it is
        // durable. Tasks canceled at once are withdrawn now, so no worker takes one meanwhile: they
        // were never started, so nothing outside the engine sees this.
        for id in immediatelyCanceled {
            if var run = executions[executionId]?.runs[id] {
                stopAttempt(executionId, &run)
                cancelDeadline(executionId, .retry(id))
                cancelDeadline(executionId, .scheduleToClose(id))
            }
            executions[executionId]?.runs[id] = nil
        }
        let batch = HistoryBatch(executionId: executionId, records: events.map { HistoryRecord.event($0) }, creates: creating)
        if creating {
            // Nothing exists yet, so a refused creation (an existing id, a bad id) leaves nothing to stop for.
            try await committer.commit(batch)
        } else {
            try await persist(executionId) { try await committer.commit(batch) }
        }
        observer?(.eventsRecorded(executionId: executionId, events: events))
        return performEffects(executionId, events: events, handBack: handBack)
    }

    /// Waits until no other batch of `executionId` is being committed: one batch at a time per execution
    /// keeps its batches in order and performs their effects in the order of its events.
    func takeCommitTurn(_ executionId: String) async {
        guard commitTurns[executionId] != nil else {
            commitTurns[executionId] = []
            return
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            commitTurns[executionId, default: []].append(continuation)
        }
    }

    /// Hands the turn to the next waiting batch of `executionId`, if any.
    func passCommitTurn(_ executionId: String) {
        guard var waiters = commitTurns[executionId], !waiters.isEmpty else {
            commitTurns[executionId] = nil
            return
        }
        let next = waiters.removeFirst()
        commitTurns[executionId] = waiters
        next.resume()
    }

    /// Decision tasks one batch may hold: a second one follows only when the first cancelled work
    /// no worker held (recorded at once as canceled); a third is never needed, so this is a guard.
    static let decisionRoundsPerBatchMax = 8

    func decisionTaskScheduled() -> EventAttributes {
        .decisionTaskScheduled(
            DecisionTaskScheduledEventAttributes(
                taskList: TaskList(name: "decisions"), startToCloseTimeout: Limits.decisionTaskTimeout.description))
    }

    /// What durable events set in motion. With `handBack`, the first activity task they dispatch is
    /// returned (queued, not offered) for the caller to begin.
    func performEffects(_ executionId: String, events: [HistoryEvent], handBack: Bool) -> ActivityTask? {
        var handedBack: ActivityTask?
        for event in events {
            guard executions[executionId] != nil else { return handedBack }
            switch event.attributes {
            case .workflowExecutionStarted:
                armExecutionTimeout(executionId)
            case .activityTaskScheduled(let attributes):
                executions[executionId]?.runs[event.eventId] = ActivityRun(
                    scheduledEventId: event.eventId, attributes: attributes, scheduledAt: event.eventTimestamp,
                    attempt: 1, phase: .backoff(until: event.eventTimestamp))
                armScheduleToClose(executionId, event.eventId)
                // Only when nothing older waits: tasks are handed out in the order they were dispatched.
                let keep = handBack && handedBack == nil && !broker.hasWaitingTasks
                let task = enqueue(executionId, event.eventId, offer: !keep)
                if keep { handedBack = task }
            case .activityTaskCancelRequested(let attributes):
                guard let activity = executions[executionId]?.state.activities[attributes.activityId],
                    var run = executions[executionId]?.runs[activity.scheduledEventId]
                else { continue }
                run.cancelRequested = true
                executions[executionId]?.runs[activity.scheduledEventId] = run
                if case .running(let attempt) = run.phase { attempt.cancellation.cancel() }
            case .timerStarted(let attributes):
                if let timer = executions[executionId]?.state.timers[attributes.timerId] {
                    arm(executionId, .timer(attributes.timerId), at: timer.fireAt)
                }
            case .timerCanceled(let attributes):
                cancelDeadline(executionId, .timer(attributes.timerId))
            case .workflowExecutionCompleted, .workflowExecutionFailed, .workflowExecutionCanceled,
                .workflowExecutionTimedOut:
                close(executionId)
            default:
                break
            }
        }
        return handedBack
    }

    /// Forgets a closed execution: stops whatever still runs for it and wakes its waiters.
    func close(_ executionId: String) {
        guard let runtime = executions[executionId] else { return }
        for id in runtime.deadlines.values { deadlines.cancel(id) }
        for id in runtime.runs.keys.sorted() {
            if var run = runtime.runs[id] { stopAttempt(executionId, &run) }
        }
        let status = runtime.state.status
        closedStatuses[executionId] = status
        for waiter in runtime.closeWaiters { waiter.continuation.resume(returning: status) }
        runtime.closeWaiters = []
        executions[executionId] = nil
        reports[executionId] = nil
    }
}
