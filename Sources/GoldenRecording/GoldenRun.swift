import Activities
import EngineTesting
import Foundation
import Hashing
import HistoryStore
import HistoryTesting
import RDSSimulator
import StrictJSON
import SystemIO
import Testing
import WorkflowEngine
import Time
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

/// The history file a real engine writes for `spec`.
public enum GoldenRun {
    static let step = Interval.seconds(30)
    static let maxSteps = 2_000

    /// Runs `spec` to its end and returns the history file the engine wrote; records an issue and
    /// returns no bytes when the run goes wrong.
    public static func record(_ spec: GoldenSpec) async throws -> [UInt8] {
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
        let recorder = NotificationRecorder()
        let engine = makeEngine(store: store, simulator: sim, clock: clock, recorder: recorder)
        await engine.startWorkers()
        let id = GoldenHistories.executionId
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

    /// The real engine with the built-in activities on `simulator`, one worker and a fixed run id.
    static func makeEngine(
        store: HistoryStore, simulator sim: RDSSimulator, clock: TrackedClock, recorder: NotificationRecorder
    ) -> Engine {
        let resolver = SecretResolver(
            environment: [:],
            readFile: { path in
                throw SecretResolutionError(
                    code: .unreadable, reference: "file:\(path)", message: "golden runs read no files", isPermanent: true)
            },
            secrets: sim)
        let handlers = BuiltInActivities.handlers(rds: sim, secrets: sim, users: sim, secretResolver: resolver)
            .map { TrackedHandler(inner: $0, clock: clock) as any ActivityHandler }
        return Engine(
            store: store, handlers: handlers, clock: clock,
            configuration: EngineConfiguration(
                workerCount: 1, identity: "cairn golden", catalog: .builtIn, makeRunId: { GoldenSpec.runId }),
            observer: recorder.observer)
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
