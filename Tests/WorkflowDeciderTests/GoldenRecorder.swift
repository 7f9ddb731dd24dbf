import Activities
import EngineTesting
import Foundation
import Hashing
import HistoryStore
import RDSCore
import RDSSimulator
import StrictJSON
import Synchronization
import SystemIO
import Testing
import Time
import WorkflowEngine
import WorkflowModel

// Records golden histories by running the real engine, the built-in activities and the RDS
// simulator on an in-memory file system and a manual clock.
//
// Determinism comes from: one worker (tasks run one at a time, first in first out), a seeded
// simulator, a fixed run id, and a clock that moves only when nothing else can happen. The driver
// advances the clock in 30-second steps and, between steps, waits until the engine is *settled*:
// every activity handler sleeps on the clock until a later time, no task waits for the worker
// while it is idle, no timer, retry or execution timeout is due, and no sleeper was woken or
// cancelled without having returned. Every event then carries the timestamp of the step that
// caused it, whatever the scheduling of threads.

/// The ``ManualClock`` as the engine sees it, counting who sleeps until when.
final class TrackedClock: WallClock {
    /// One sleep in progress.
    struct Sleep: Sendable {
        var deadline: Timestamp
        /// The activity whose handler sleeps; nil for the engine's own deadlines.
        var activityId: String?
        /// Cancelled, but not yet returned.
        var interrupted = false
    }

    /// What is in progress now.
    struct View: Sendable {
        var sleeps: [UInt64: Sleep]
        /// Activity handlers running, by activity id.
        var handlers: [String: Int]
        /// Bumped on every change.
        var generation: UInt64
    }

    let base: ManualClock
    private let state = Mutex(View(sleeps: [:], handlers: [:], generation: 0))
    private let nextId = Mutex<UInt64>(0)

    init(base: ManualClock) { self.base = base }

    func now() -> Timestamp { base.now() }

    func sleep(until deadline: Timestamp) async throws {
        try await sleep(until: deadline, activityId: nil)
    }

    func sleep(until deadline: Timestamp, activityId: String?) async throws {
        let id = nextId.withLock { value -> UInt64 in
            value += 1
            return value
        }
        change { $0.sleeps[id] = Sleep(deadline: deadline, activityId: activityId) }
        defer { change { $0.sleeps[id] = nil } }
        try await withTaskCancellationHandler {
            try await base.sleep(until: deadline)
        } onCancel: {
            change { $0.sleeps[id]?.interrupted = true }
        }
    }

    var view: View { state.withLock { $0 } }

    func enterHandler(_ activityId: String) { change { $0.handlers[activityId, default: 0] += 1 } }

    func leaveHandler(_ activityId: String) {
        change { view in
            view.handlers[activityId, default: 0] -= 1
            if view.handlers[activityId] == 0 { view.handlers[activityId] = nil }
        }
    }

    private func change(_ body: (inout View) -> Void) {
        state.withLock { view in
            body(&view)
            view.generation &+= 1
        }
    }
}

/// The clock one activity handler sees: its sleeps are counted as that activity's.
struct HandlerClock: WallClock {
    let tracked: TrackedClock
    let activityId: String

    func now() -> Timestamp { tracked.now() }

    func sleep(until deadline: Timestamp) async throws {
        try await tracked.sleep(until: deadline, activityId: activityId)
    }
}

/// Runs a real handler, telling the tracked clock while it runs.
struct TrackedHandler: ActivityHandler {
    let inner: any ActivityHandler
    let clock: TrackedClock

    var activityType: String { inner.activityType }

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        var context = context
        context.clock = HandlerClock(tracked: clock, activityId: context.activityId)
        clock.enterHandler(context.activityId)
        defer { clock.leaveHandler(context.activityId) }
        return try await inner.run(input: input, context: context)
    }
}

/// One golden history: which workflow, with what inputs and faults, and how it must end.
struct GoldenSpec: Sendable, CustomTestStringConvertible {
    /// The fixture's file name without `.history`: `<workflow>.<outcome>`.
    var name: String
    /// A file in `Workflows/`, or nil for ``inlineWorkflow``.
    var workflowFile: String?
    var inlineWorkflow: String?
    /// `--input` values.
    var inputs: [(name: String, text: String)]
    /// Prepares the simulator (faults, snapshots).
    var setup: @Sendable (RDSSimulator) throws -> Void = { _ in }
    /// Requests cancellation once the clock has moved this many steps.
    var cancelAfterSteps: Int?

    var testDescription: String { name }

    /// The outcome encoded in the name: the part after the first dot.
    var outcome: String { String(name.split(separator: ".", maxSplits: 1).last ?? "") }

    static let executionId = "golden-1"
    static let runId = "6d1c0b4e-8f7a-4c1e-9b2d-5a3f0e7c9d10"

    /// Every golden history the tests keep.
    static let all: [GoldenSpec] = [
        GoldenSpec(name: "create-instance.completed", workflowFile: "create-instance.json", inputs: [("identifier", "orders-db")]),
        GoldenSpec(
            name: "multi-region-rollout.completed", workflowFile: "multi-region-rollout.json", inputs: [("identifier", "orders")]),
        GoldenSpec(
            name: "restore-and-configure.completed", workflowFile: "restore-and-configure.json",
            inputs: [("identifier", "orders-restored"), ("snapshotIdentifier", "orders-2026-01-01")],
            setup: { sim in
                try sim.createSnapshotFixture(
                    region: "us-east-1", snapshotIdentifier: "orders-2026-01-01", applicationUsers: ["app_rw", "app_ro"])
            }),
        GoldenSpec(
            name: "multi-region-rollout.rolled-back", workflowFile: "multi-region-rollout.json",
            inputs: [("identifier", "orders")],
            setup: { sim in
                try sim.addFault(
                    .failOperation(
                        op: "CreateDBInstanceReadReplica", code: "InvalidParameterValue", times: 1,
                        identifierPattern: "*ap-southeast-2*"))
            }),
        GoldenSpec(
            name: "create-instance.failed", workflowFile: "create-instance.json", inputs: [("identifier", "orders-db")],
            setup: { sim in try sim.addFault(.instanceFails(identifier: "orders-db", after: .minutes(2))) }),
        GoldenSpec(
            name: "create-instance.retried", workflowFile: "create-instance.json", inputs: [("identifier", "orders-db")],
            setup: { sim in
                try sim.addFault(.failOperation(op: "CreateDBInstance", code: "Throttling", times: 2, identifierPattern: nil))
            }),
        GoldenSpec(
            name: "create-instance.canceled", workflowFile: "create-instance.json", inputs: [("identifier", "orders-db")],
            cancelAfterSteps: 3),
        // Canceled while replicasAvailable[0] polls and replicasAvailable[1] waits for the worker:
        // the queued task is canceled at once, in a second decision round of the same batch.
        GoldenSpec(
            name: "multi-region-rollout.canceled", workflowFile: "multi-region-rollout.json",
            inputs: [("identifier", "orders")], cancelAfterSteps: 18),
        GoldenSpec(
            name: "short-deadline.timed-out", inlineWorkflow: shortDeadline, inputs: []),
    ]

    /// A workflow whose execution timeout expires while its only step still sleeps.
    static let shortDeadline = #"""
        {
          "format": "cairn.workflow/v1",
          "name": "short-deadline",
          "description": "Sleeps longer than the execution may take, so the execution times out.",
          "executionTimeout": "5m",
          "steps": [{ "id": "nap", "activity": "sleep", "input": { "duration": "1h" } }]
        }
        """#
}

/// Paths of the fixtures and of the repository's workflows.
enum GoldenPaths {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let histories = testsDirectory.appendingPathComponent("Fixtures/histories")
    static let workflows = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Workflows")

    static func history(_ name: String) -> URL { histories.appendingPathComponent(name + ".history") }

    /// Whether this run records fixtures instead of comparing them.
    static var isRecording: Bool { ProcessInfo.processInfo.environment["CAIRN_RECORD_GOLDENS"] == "1" }

    static let acceptHint =
        "to accept the engine's new output, run `CAIRN_RECORD_GOLDENS=1 swift test --filter "
        + "GoldenHistoryTests/engineStillWritesTheCommittedHistory`, then `CAIRN_RECORD_GOLDENS=1 swift test --filter "
        + "BadFixtureTests/fixtureIsDerivedFromItsGolden`, and review the diff (Tests/WorkflowDeciderTests/Fixtures/README.md)"
}

/// The history file a real engine writes for `spec`.
enum GoldenRun {
    static let step = Interval.seconds(30)
    static let maxSteps = 2_000

    static func record(_ spec: GoldenSpec) async throws -> [UInt8] {
        let (definition, json, source) = try workflow(for: spec)
        let input: JSONObject
        switch InputBinder.bind(specs: definition.inputs, provided: spec.inputs, file: nil) {
        case .success(let bound): input = bound
        case .failure(let diagnostics):
            Issue.record("inputs of \(spec.name) do not bind: \(diagnostics)")
            return []
        }
        let fileSystem = InMemoryFileSystem(seed: 1)
        let manual = ManualClock()
        let clock = TrackedClock(base: manual)
        let store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        let lock = try store.lockStateDirectory(holder: "golden history recorder")
        defer { lock.release() }
        let sim = try RDSSimulator(directory: "/state/sim", fileSystem: fileSystem, clock: manual, seed: 42)
        try spec.setup(sim)
        let resolver = SecretResolver(
            environment: [:],
            readFile: { path in
                throw SecretResolutionError(reference: "file:\(path)", reason: "golden runs read no files", isPermanent: true)
            },
            secrets: sim)
        let handlers = BuiltInActivities.handlers(rds: sim, secrets: sim, users: sim, secretResolver: resolver)
            .map { TrackedHandler(inner: $0, clock: clock) as any ActivityHandler }
        let recorder = NotificationRecorder()
        let engine = Engine(
            store: store, handlers: handlers, clock: clock,
            configuration: EngineConfiguration(
                workerCount: 1, identity: "cairn golden", catalog: .builtIn, makeRunId: { GoldenSpec.runId }),
            loadDefinition: { json, _ in
                guard let definition = WorkflowValidator.validate(json: json).definition else {
                    throw EngineError(code: "engine.definitionChanged", message: "the recorded definition is invalid")
                }
                return definition
            },
            observer: recorder.observer)
        await engine.startWorkers()
        let id = GoldenSpec.executionId
        try await engine.start(
            StartRequest(
                executionId: id, definition: definition, definitionJSON: json,
                definitionDigest: "sha256:" + SHA256.hexDigest(json.canonicalBytes()), definitionSource: source,
                input: input))
        var steps = 0
        var canceled = false
        while true {
            await waitUntilSettled(engine, id, clock, recorder, spec: spec)
            guard await engine.snapshot(id) != nil else { break }
            if let cancelAt = spec.cancelAfterSteps, steps >= cancelAt, !canceled {
                canceled = true
                try await engine.requestCancel(id, identity: "cairn cancel (golden)")
                continue
            }
            guard steps < maxSteps else {
                Issue.record("\(spec.name) did not close within \(maxSteps) steps of \(step)")
                break
            }
            manual.advance(by: step)
            steps += 1
        }
        _ = try await engine.waitForClose(id)
        await engine.shutdown()
        guard let bytes = fileSystem.durableContents(of: store.historyPath(of: id)) else {
            Issue.record("\(spec.name): no durable history file")
            return []
        }
        return bytes
    }

    /// The validated workflow, its JSON as recorded, and where it came from.
    static func workflow(for spec: GoldenSpec) throws -> (WorkflowDefinition, JSONValue, String) {
        let bytes: [UInt8]
        let source: String
        if let file = spec.workflowFile {
            bytes = Array(try Data(contentsOf: GoldenPaths.workflows.appendingPathComponent(file)))
            source = "Workflows/" + file
        } else {
            bytes = Array((spec.inlineWorkflow ?? "").utf8)
            source = "inline"
        }
        let outcome = WorkflowValidator.validate(fileBytes: bytes)
        let definition = try #require(outcome.definition, "\(source): \(outcome.diagnostics.map(\.message))")
        return (definition, try #require(outcome.canonicalJSON), source)
    }

    /// Waits (yielding, never sleeping) until nothing can happen before the clock moves: the
    /// condition must hold three times in a row with nothing changing in between.
    static func waitUntilSettled(
        _ engine: Engine, _ id: String, _ clock: TrackedClock, _ recorder: NotificationRecorder, spec: GoldenSpec
    ) async {
        var stable = 0
        var last: (UInt64, Int)?
        for _ in 0..<5_000_000 {
            let snapshot = await engine.snapshot(id)
            let view = clock.view
            if isSettled(snapshot, view, now: clock.now()) {
                let fingerprint = (view.generation, recorder.notifications.count)
                if let last, last == fingerprint {
                    stable += 1
                    if stable >= 3 { return }
                } else {
                    stable = 0
                }
                last = fingerprint
            } else {
                stable = 0
                last = nil
            }
            await Task.yield()
        }
        Issue.record("\(spec.name): the engine never settled")
    }

    static func isSettled(_ snapshot: ExecutionSnapshot?, _ view: TrackedClock.View, now: Timestamp) -> Bool {
        // A sleeper that was woken (or cancelled) has not returned yet.
        if view.sleeps.values.contains(where: { $0.interrupted || $0.deadline <= now }) { return false }
        // A handler that is not sleeping is working.
        for activityId in view.handlers.keys where !view.sleeps.values.contains(where: { $0.activityId == activityId }) {
            return false
        }
        guard let snapshot else { return view.handlers.isEmpty }
        for (activityId, attempt) in snapshot.attempts {
            switch attempt.phase {
            case "queued":
                // With one worker, a queued task is stable only while the worker is busy sleeping.
                if view.handlers.isEmpty { return false }
            case "running":
                // Between beginAttempt and the handler, or between the handler and finishAttempt.
                if view.handlers[activityId] == nil { return false }
                if snapshot.state.activities[activityId]?.cancelRequestedEventId != nil { return false }
            case "backoff":
                if attempt.since <= now { return false }
            default:
                return false
            }
        }
        if snapshot.state.openTimers.contains(where: { $0.fireAt <= now }) { return false }
        if let started = snapshot.state.started, let startedAt = snapshot.state.startedAt,
            let timeout = Interval(timeoutText: started.executionStartToCloseTimeout), startedAt.adding(timeout) <= now
        {
            return false
        }
        return true
    }
}
