import EngineTesting
import Foundation
import Hashing
import HistoryStore
import StrictJSON
import Testing
import Time
import WorkflowDecider
import WorkflowModel

/// Golden histories (reliability T11, T14): real engine output, committed, replayed with the
/// current decider, and regenerated to catch any change in what the engine writes.
@Suite("Golden histories") struct GoldenHistoryTests {
    /// Runs the engine for `spec` and compares its history file with the committed fixture byte
    /// for byte; with `CAIRN_RECORD_GOLDENS=1` writes the fixture instead.
    @Test(arguments: GoldenSpec.all)
    func engineStillWritesTheCommittedHistory(_ spec: GoldenSpec) async throws {
        let bytes = try await GoldenRun.record(spec)
        try #require(!bytes.isEmpty)
        let url = GoldenPaths.history(spec.name)
        if GoldenPaths.isRecording {
            try FileManager.default.createDirectory(at: GoldenPaths.histories, withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
            return
        }
        guard let committed = try? Data(contentsOf: url) else {
            Issue.record("\(spec.name).history is missing; \(GoldenPaths.acceptHint)")
            return
        }
        if Array(committed) != bytes {
            Issue.record(Comment(rawValue: firstDifference(Array(committed), bytes, name: spec.name)))
        }
    }

    /// Recording twice in one process gives the same bytes (no hash-order or timing dependence).
    @Test func recordingIsRepeatable() async throws {
        let spec = try #require(GoldenSpec.all.first { $0.name == "multi-region-rollout.rolled-back" })
        let first = try await GoldenRun.record(spec)
        let second = try await GoldenRun.record(spec)
        #expect(first == second)
    }

    /// Each committed fixture is intact, names its execution, reloads its own recorded definition,
    /// replays without a mismatch and ends as its name says.
    @Test(arguments: GoldenSpec.all)
    func committedHistoryReplays(_ spec: GoldenSpec) throws {
        let fixture = try GoldenFixture.load(spec.name)
        let events = fixture.events
        #expect(try ReplayVerifier.verify(definition: fixture.definition, history: events) == fixture.decisionTaskCount)
        let close = try #require(events.last)
        #expect(events.filter { $0.eventType.closesExecution }.count == 1, "exactly one closing event, the last")
        switch spec.outcome {
        case "completed", "retried":
            #expect(close.eventType == .workflowExecutionCompleted)
        case "failed":
            guard case .workflowExecutionFailed(let failed) = close.attributes else {
                Issue.record("\(spec.name) ends with \(close.eventType.rawValue)")
                return
            }
            #expect(failed.reason == "StepFailed")
            #expect(failed.details["rollback"] == "not-configured")
        case "rolled-back":
            guard case .workflowExecutionFailed(let failed) = close.attributes else {
                Issue.record("\(spec.name) ends with \(close.eventType.rawValue)")
                return
            }
            #expect(failed.reason == "StepFailed")
            #expect(failed.details["rollback"] == "completed")
            #expect(failed.details["compensated"]?.arrayValue?.isEmpty == false)
        case "canceled":
            #expect(close.eventType == .workflowExecutionCanceled)
        case "timed-out":
            #expect(close.eventType == .workflowExecutionTimedOut)
        default:
            Issue.record("fixture \(spec.name) names an unknown outcome \"\(spec.outcome)\"")
        }
    }

    /// The canonical scenarios as exact event sequences (reliability T14).
    @Test(
        arguments: [
            (
                "create-instance.completed",
                [
                    [.workflowExecutionStarted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskCompleted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskCompleted], decisionTask, [.workflowExecutionCompleted],
                ]
            ),
            // Retries add no events: the same sequence as the happy path.
            (
                "create-instance.retried",
                [
                    [.workflowExecutionStarted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskCompleted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskCompleted], decisionTask, [.workflowExecutionCompleted],
                ]
            ),
            (
                "create-instance.failed",
                [
                    [.workflowExecutionStarted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskCompleted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskFailed], decisionTask, [.workflowExecutionFailed],
                ]
            ),
            (
                "create-instance.canceled",
                [
                    [.workflowExecutionStarted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskCompleted], decisionTask, [.activityTaskScheduled],
                    [.workflowExecutionCancelRequested], decisionTask, [.activityTaskCancelRequested],
                    [.activityTaskStarted, .activityTaskCanceled], decisionTask, [.workflowExecutionCanceled],
                ]
            ),
            (
                "short-deadline.timed-out",
                [
                    [.workflowExecutionStarted], decisionTask, [.activityTaskScheduled], [.workflowExecutionTimedOut],
                ]
            ),
        ] as [(String, [[EventType]])])
    func canonicalScenarioHasTheExpectedEventSequence(_ name: String, _ expected: [[EventType]]) throws {
        let fixture = try GoldenFixture.load(name)
        #expect(fixture.events.map(\.eventType) == expected.flatMap { $0 })
    }

    static let decisionTask: [EventType] = [.decisionTaskScheduled, .decisionTaskStarted, .decisionTaskCompleted]

    /// Throttling twice: two attempt records beside the events, and the one `ActivityTaskStarted`
    /// of the step says attempt 3.
    @Test func retriedHistoryKeepsFailedAttemptsBesideTheEvents() throws {
        let fixture = try GoldenFixture.load("create-instance.retried")
        let attempts = fixture.recovered.records.compactMap { record -> ActivityAttemptFailed? in
            if case .attemptFailed(let attempt) = record { return attempt }
            return nil
        }
        #expect(attempts.map(\.attempt) == [1, 2])
        #expect(attempts.map(\.reason) == ["Throttling", "Throttling"])
        #expect(attempts.map(\.activityId) == ["instance", "instance"])
        let started = fixture.events.compactMap { event -> ActivityTaskStartedEventAttributes? in
            if case .activityTaskStarted(let started) = event.attributes, started.scheduledEventId == 5 { return started }
            return nil
        }
        #expect(started.map(\.attempt) == [3])
        // Each retry waited for its backoff (2 s, then 4 s), rounded up to the driver's 30 s steps.
        #expect(attempts.map { $0.nextAttemptAt.map { $0.interval(since: attempts[0].timestamp) } } == [.seconds(2), .seconds(34)])
    }

    /// Nothing in the fixtures directory is left over, and no golden is missing.
    @Test func fixturesDirectoryHoldsExactlyTheKnownFixtures() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: GoldenPaths.histories.path)
            .filter { $0.hasSuffix(".history") }.sorted()
        let expected = (GoldenSpec.all.map(\.name) + BadFixture.all.map(\.name)).map { $0 + ".history" }.sorted()
        #expect(names == expected, "\(GoldenPaths.acceptHint)")
    }

    func firstDifference(_ committed: [UInt8], _ current: [UInt8], name: String) -> String {
        let old = String(decoding: committed, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let new = String(decoding: current, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(old.count, new.count) {
            let left = index < old.count ? String(old[index]) : "<end of file>"
            let right = index < new.count ? String(new[index]) : "<end of file>"
            if left != right {
                return "the engine's history for \(name) differs from the committed fixture at record \(index):\n"
                    + "  committed: \(left)\n  engine now: \(right)\nIf the change is intended, \(GoldenPaths.acceptHint)."
            }
        }
        return "the engine's history for \(name) differs from the committed fixture; \(GoldenPaths.acceptHint)"
    }
}

/// A committed fixture, decoded and checked.
struct GoldenFixture {
    var name: String
    var bytes: [UInt8]
    var recovered: RecoveredHistory
    var definition: WorkflowDefinition

    var events: [HistoryEvent] { recovered.events }
    var decisionTaskCount: Int { events.filter { $0.eventType == .decisionTaskCompleted }.count }

    /// Loads `<name>.history`: it must scan intact, start with `WorkflowExecutionStarted` whose
    /// definition validates and matches its digest.
    static func load(_ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> GoldenFixture {
        let bytes = Array(try Data(contentsOf: GoldenPaths.history(name)))
        let recovered = HistoryRecovery.scan(bytes, file: name + ".history", expectedExecutionId: GoldenSpec.executionId)
        #expect(recovered.outcome == .intact, sourceLocation: sourceLocation)
        guard case .workflowExecutionStarted(let started)? = recovered.events.first?.attributes else {
            Issue.record("\(name) does not start with WorkflowExecutionStarted", sourceLocation: sourceLocation)
            throw FixtureError()
        }
        #expect(
            started.definitionDigest == "sha256:" + SHA256.hexDigest(started.definition.canonicalBytes()),
            sourceLocation: sourceLocation)
        let outcome = WorkflowValidator.validate(json: started.definition)
        let definition = try #require(
            outcome.definition, "\(name): \(outcome.diagnostics.map(\.message))", sourceLocation: sourceLocation)
        return GoldenFixture(name: name, bytes: bytes, recovered: recovered, definition: definition)
    }

    struct FixtureError: Error {}
}
