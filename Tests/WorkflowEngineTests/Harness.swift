import ExecutionCore
import EngineTesting
import HistoryStore
import StrictJSON
import Synchronization
import SystemIO
import Testing
import Time
import WorkflowDecider
import WorkflowEngine
import WorkflowModel

/// An activity whose behaviour the test scripts.
struct ScriptedActivity: ActivityHandler {
    let activityType: String
    let body: @Sendable (JSONValue, ActivityContext) async throws -> JSONValue

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        try await body(input, context)
    }
}

/// Counts calls per activity id (and the most running at once).
final class CallCounter: Sendable {
    private let state = Mutex<(calls: [String: Int], running: Int, peak: Int, order: [String])>(([:], 0, 0, []))
    func enter(_ id: String) {
        state.withLock {
            $0.calls[id, default: 0] += 1
            $0.running += 1
            $0.peak = max($0.peak, $0.running)
            $0.order.append(id)
        }
    }
    func leave() { state.withLock { $0.running -= 1 } }
    func calls(_ id: String) -> Int { state.withLock { $0.calls[id] ?? 0 } }
    var total: Int { state.withLock { $0.calls.values.reduce(0, +) } }
    var peak: Int { state.withLock { $0.peak } }
    var order: [String] { state.withLock { $0.order } }
}

/// A gate activities wait on until the test opens it.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    func wait() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

let testCatalog = ActivityCatalog(types: [
    ActivityTypeSpec(
        name: "test.work", summary: "test", fields: [], acceptsOtherFields: true, outputFields: nil,
        defaultTaskList: "default", defaultTimeouts: ActivityTimeouts(startToClose: .minutes(5))),
    ActivityTypeSpec(
        name: "test.undo", summary: "test", fields: [], acceptsOtherFields: true, outputFields: nil,
        defaultTaskList: "default", defaultTimeouts: ActivityTimeouts(startToClose: .minutes(5))),
])

/// A real engine and store on an in-memory file system and a manual clock.
struct Harness {
    let fileSystem: InMemoryFileSystem
    let clock: ManualClock
    let store: HistoryStore
    let lock: any FileLock
    let engine: Engine
    let recorder: NotificationRecorder
    let definition: WorkflowDefinition

    init(
        definition: WorkflowDefinition, handlers: [any ActivityHandler], workers: Int = 8,
        fileSystem: InMemoryFileSystem = InMemoryFileSystem(seed: 1), clock: ManualClock = ManualClock(),
        decidesInProcess: Bool = true
    ) throws {
        self.fileSystem = fileSystem
        self.clock = clock
        self.definition = definition
        store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        lock = try store.lockStateDirectory(holder: "test")
        recorder = NotificationRecorder()
        let definitionCopy = definition
        let runIds = Mutex(0)
        engine = Engine(
            store: store, handlers: handlers, clock: clock,
            configuration: EngineConfiguration(
                workerCount: workers, identity: "test", catalog: testCatalog, decidesInProcess: decidesInProcess,
                makeRunId: {
                    runIds.withLock {
                        $0 += 1; return "run-\($0)"
                    }
                }, loadDefinition: { _, _ in definitionCopy }),
            observer: recorder.observer)
    }

    /// Starts workers and the execution `id`.
    func start(_ id: String = "exec-1", input: JSONObject = JSONObject()) async throws {
        await engine.startWorkers()
        try await engine.start(
            StartRequest(
                executionId: id, definition: definition, definitionJSON: ["name": .string(definition.name)],
                definitionDigest: "sha256:test", definitionSource: nil, input: input))
    }

    /// The durable history of `id`, as a fresh reader sees it.
    func history(_ id: String = "exec-1") throws -> RecoveredHistory {
        try store.load(id, repair: false)
    }

    /// Event types of the durable history.
    func eventTypes(_ id: String = "exec-1") throws -> [String] {
        try history(id).events.map(\.eventType.rawValue)
    }
}

/// Waits, without sleeping, until `condition` holds (yielding to other tasks between checks).
func eventually(_ what: String, _ condition: () async -> Bool) async {
    for _ in 0..<200_000 {
        if await condition() { return }
        await Task.yield()
    }
    Issue.record("timed out waiting for: \(what)")
}

func step(
    _ id: String, after: [String]? = nil, compensation: Compensation? = nil, retry: RetryPolicy? = nil,
    timeouts: TimeoutOverrides = TimeoutOverrides(), input: JSONValue = [:], forEach: String? = nil,
    concurrency: Int? = nil, when: Condition? = nil
) -> Step {
    Step(
        id: id, kind: .activity(type: "test.work", input: try! TemplateParser.parse(input)), after: after,
        forEach: forEach.map { try! TemplateParser.parseString($0) }, concurrency: concurrency, when: when,
        retry: retry, timeouts: timeouts, compensation: compensation)
}
