import ExecutionCore
import Foundation
public import HistoryStore
public import StrictJSON
public import Time
public import WorkflowModel

/// How an engine runs.
public struct EngineConfiguration: Sendable {
    /// In-process workers polling the task lists.
    public var workerCount: Int
    /// Recorded as the decider's and workers' identity, e.g. `cairn run (pid 4242)`.
    public var identity: String
    /// The activity types workflows may use.
    public var catalog: ActivityCatalog
    /// Whether the JSON decider completes decision tasks inside the engine (the default); when false,
    /// decision tasks wait for a decider that polls for them (``Engine/pollForDecisionTask(identity:until:)``).
    public var decidesInProcess: Bool
    /// Makes run ids; UUIDs by default (tests pass a deterministic one).
    public var makeRunId: @Sendable () -> String
    /// Unique per engine start, part of every task token: a token issued before a restart never
    /// matches one issued after it. Random by default (tests pass a fixed one).
    public var incarnation: String
    /// Turns the definition recorded in `WorkflowExecutionStarted` and its digest back into a
    /// definition on resume. Nil (the default): ``WorkflowModel/RecordedDefinition/reload(_:digest:catalog:)``,
    /// which refuses a definition that no longer matches its digest or no longer validates. Tests that
    /// record a definition built in code pass their own.
    public var loadDefinition: (@Sendable (JSONValue, String) throws -> WorkflowDefinition)?

    /// Makes a configuration.
    public init(
        workerCount: Int = 64, identity: String = "cairn", catalog: ActivityCatalog = .builtIn, decidesInProcess: Bool = true,
        makeRunId: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
        incarnation: String = String(UUID().uuidString.lowercased().prefix(8)),
        loadDefinition: (@Sendable (JSONValue, String) throws -> WorkflowDefinition)? = nil
    ) {
        self.workerCount = workerCount
        self.identity = identity
        self.catalog = catalog
        self.decidesInProcess = decidesInProcess
        self.makeRunId = makeRunId
        self.incarnation = incarnation
        self.loadDefinition = loadDefinition
    }
}

/// Things the engine tells its observer (the CLI's progress display, tests).
public enum EngineNotification: Sendable {
    /// Events are durable in the execution's history.
    case eventsRecorded(executionId: String, events: [HistoryEvent])
    /// A worker started an attempt.
    case attemptStarted(executionId: String, activityId: String, attempt: Int, at: Timestamp)
    /// An attempt failed and will be retried at `nextAttemptAt` (its retry record is durable).
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

    /// The view of `run`, with its latest progress text.
    init(_ run: ActivityRun, report: String?) {
        attempt = run.attempt
        switch run.phase {
        case .queued(_, let since): (phase, self.since) = ("queued", since)
        case .running(let running): (phase, since) = ("running", running.startedAt)
        case .backoff(let until): (phase, since) = ("backoff", until)
        }
        lastFailure = run.lastFailure
        self.report = report
    }
}

/// The engine: a thin shell around one ``ExecutionCore/ExecutionMachine`` per open execution. It
/// takes an input, applies it to the machine, persists the events the machine produced, and only
/// then performs the machine's actions: no activity is dispatched, no timer armed, no result
/// acknowledged before its event is on disk.
///
/// One input is applied at a time per execution (its commit turn); the batches of different
/// executions are written together by the store's ``HistoryStore/GroupCommitter``, which shares
/// fsyncs among them. The actor never waits on the disk itself.
public actor Engine {
    let store: HistoryStore
    let handlers: [String: any ActivityHandler]
    let clock: any WallClock
    let configuration: EngineConfiguration
    let observer: (@Sendable (EngineNotification) -> Void)?
    /// Activity tasks waiting for a taker, one queue per task list.
    let activityTasks: TaskBroker<ActivityTask>
    /// Decision tasks waiting for a decider that polls (none when deciding in-process).
    let decisionTasks: TaskBroker<DecisionTask>
    /// Every armed timeout, timer and retry of this engine's executions.
    let deadlines: DeadlineScheduler
    /// Writes the batches of all executions, sharing fsyncs among those committed at the same time.
    let committer: GroupCommitter

    /// Open executions.
    var executions: [String: ExecutionSlot] = [:]
    /// How executions that closed in this engine ended.
    var closedStatuses: [String: ExecutionStatus] = [:]
    /// How to stop the attempts in-process workers run, by token.
    var cancellations: [String: AttemptCancellation] = [:]
    var stoppedError: EngineError?
    var workerTasks: [Task<Void, Never>] = []
    var nextWaiterId: UInt64 = 0

    /// Makes an engine.
    /// - Parameters:
    ///   - store: the history store; the caller holds the state directory's lock.
    ///   - handlers: activity handlers by type; in-process workers take only these types.
    ///   - clock: time for events, timers and timeouts.
    public init(
        store: HistoryStore, handlers: [any ActivityHandler], clock: any WallClock,
        configuration: EngineConfiguration = EngineConfiguration(), observer: (@Sendable (EngineNotification) -> Void)? = nil
    ) {
        self.store = store
        committer = GroupCommitter(store: store)
        var byType: [String: any ActivityHandler] = [:]
        for handler in handlers { byType[handler.activityType] = handler }
        self.handlers = byType
        self.clock = clock
        let deadlines = DeadlineScheduler(clock: clock)
        self.deadlines = deadlines
        activityTasks = TaskBroker(deadlines: deadlines)
        decisionTasks = TaskBroker(deadlines: deadlines)
        self.configuration = configuration
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
                Task { [activityTasks, handlers, clock] in
                    await WorkerLoop(engine: self, tasks: activityTasks, handlers: handlers, clock: clock, identity: identity)
                        .run()
                })
        }
    }

    /// Stops workers and deadlines without recording anything, as a crash would; open executions
    /// continue on the next `resume`.
    public func shutdown() {
        activityTasks.close()
        decisionTasks.close()
        deadlines.close()
        for task in workerTasks { task.cancel() }
        workerTasks = []
        for token in cancellations.keys.sorted() { cancellations[token]?.cancel() }
        cancellations = [:]
        for slot in executions.values {
            for waiter in slot.closeWaiters { waiter.continuation.resume(returning: .running) }
            slot.closeWaiters = []
        }
        executions = [:]
    }

    /// ``shutdown()``, then waits until every in-process worker has ended, so the attempts it
    /// cancelled have finished stopping: an `exec` command's process group has been ended (TERM,
    /// then KILL after its grace period) before the process holding the state directory exits.
    public func stop() async {
        let workers = workerTasks
        shutdown()
        for worker in workers { await worker.value }
    }

    func checkRunning() throws {
        if let stoppedError { throw stoppedError }
    }

    /// The definition `started` recorded, reloaded for a resume.
    /// - Throws: ``EngineError`` `engine.definitionChanged` or `engine.definitionInvalid`, with the cause.
    func recordedDefinition(_ started: WorkflowExecutionStartedEventAttributes) throws -> WorkflowDefinition {
        if let load = configuration.loadDefinition { return try load(started.definition, started.definitionDigest) }
        do {
            return try RecordedDefinition.reload(started.definition, digest: started.definitionDigest, catalog: configuration.catalog)
        } catch {
            throw EngineError(
                code: error.code == .digestMismatch ? .definitionChanged : .definitionInvalid,
                message: "cannot resume execution \(started.workflowExecution.workflowId): \(error.message)", cause: error)
        }
    }

    /// The open execution `executionId`, or why it is not open here.
    func slot(_ executionId: String) throws -> ExecutionSlot {
        try checkRunning()
        if let slot = executions[executionId] { return slot }
        if let status = closedStatuses[executionId] { throw EngineError.executionClosed(executionId, status) }
        throw EngineError.executionNotFound(executionId)
    }
}
