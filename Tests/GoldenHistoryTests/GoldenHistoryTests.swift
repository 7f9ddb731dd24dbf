import Foundation
import GoldenRecording
import Hashing
import HistoryStore
import HistoryTesting
import StrictJSON
import Testing
import Time
import WorkflowModel

/// Golden histories (reliability T11, T14): real engine output, committed, and regenerated to
/// catch any change in what the engine writes. The decider's tests replay them
/// (`WorkflowDeciderTests/GoldenReplayTests.swift`).
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

    /// Each committed fixture scans intact as the store reads it, records the digest of its own
    /// definition, and holds exactly the events the decider's tests read from it without the store.
    @Test(arguments: GoldenSpec.all)
    func committedHistoryIsIntact(_ spec: GoldenSpec) throws {
        let fixture = try ScannedFixture.load(spec.name)
        #expect(fixture.recovered.outcome == .intact)
        guard case .workflowExecutionStarted(let started)? = fixture.recovered.events.first?.attributes else {
            Issue.record("\(spec.name) does not start with WorkflowExecutionStarted")
            return
        }
        #expect(started.definitionDigest == "sha256:" + SHA256.hexDigest(started.definition.canonicalBytes()))
        #expect(try HistoryFile.events(in: fixture.history.bytes) == fixture.recovered.events)
    }

    /// Throttling twice: two attempt records beside the events, and the one `ActivityTaskStarted`
    /// of the step says attempt 3.
    @Test func retriedHistoryKeepsFailedAttemptsBesideTheEvents() throws {
        let fixture = try ScannedFixture.load("create-instance.retried")
        let attempts = fixture.recovered.records.compactMap { record -> ActivityAttemptFailed? in
            if case .attemptFailed(let attempt) = record { return attempt }
            return nil
        }
        #expect(attempts.map(\.attempt) == [1, 2])
        #expect(attempts.map(\.reason) == ["Throttling", "Throttling"])
        #expect(attempts.map(\.activityId) == ["instance", "instance"])
        let started = fixture.recovered.events.compactMap { event -> ActivityTaskStartedEventAttributes? in
            if case .activityTaskStarted(let started) = event.attributes, started.scheduledEventId == 5 { return started }
            return nil
        }
        #expect(started.map(\.attempt) == [3])
        // Each retry waited for its backoff (2 s, then 4 s), rounded up to the driver's 30 s steps.
        #expect(attempts.map { $0.nextAttemptAt.map { $0.interval(since: attempts[0].timestamp) } } == [.seconds(2), .seconds(34)])
    }

    /// The recorder's specs are the goldens the decider's tests read, in the same order.
    @Test func specsAreTheGoldensTheDecidersTestsRead() {
        #expect(GoldenSpec.all.map(\.name) == GoldenHistories.names)
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

/// A committed fixture as the store reads it (checksums, ids, attempt records).
struct ScannedFixture {
    /// The fixture as the decider's tests read it.
    var history: GoldenHistory
    var recovered: RecoveredHistory

    var records: [HistoryRecord] { recovered.records }
    var definition: WorkflowDefinition { history.definition }

    /// Loads and scans `<name>.history`.
    static func load(_ name: String) throws -> ScannedFixture {
        let history = try GoldenHistories.load(name)
        let recovered = HistoryRecovery.scan(
            history.bytes, file: name + ".history", expectedExecutionId: GoldenHistories.executionId)
        return ScannedFixture(history: history, recovered: recovered)
    }
}
