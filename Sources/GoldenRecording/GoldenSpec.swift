public import Foundation
import HistoryTesting
import RDSSimulator
public import Testing
import Time
import WorkflowModel

/// One golden history: which workflow, with what inputs and faults, and how it must end.
public struct GoldenSpec: Sendable, CustomTestStringConvertible {
    /// The fixture's file name without `.history`: `<workflow>.<outcome>`.
    public var name: String
    /// A file in `Workflows/`, or nil for ``inlineWorkflow``.
    var workflowFile: String?
    var inlineWorkflow: String?
    /// `--input` values.
    var inputs: [(name: String, text: String)]
    /// Prepares the simulator (faults, snapshots).
    var setup: @Sendable (RDSSimulator) throws -> Void = { _ in }
    /// Requests cancellation once the clock has moved this many steps.
    var cancelAfterSteps: Int?

    public var testDescription: String { name }

    /// The run id every golden execution gets.
    static let runId = "6d1c0b4e-8f7a-4c1e-9b2d-5a3f0e7c9d10"

    /// Every golden history the tests keep, in the order of ``HistoryTesting/GoldenHistories/names``.
    public static let all: [GoldenSpec] = [
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
public enum GoldenPaths {
    /// Where the fixtures are.
    public static let histories = GoldenHistories.directory
    /// The repository's `Workflows/`.
    static let workflows = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Workflows")

    /// The file of the fixture `name`.
    public static func history(_ name: String) -> URL { GoldenHistories.url(name) }

    /// Whether this run records fixtures instead of comparing them.
    public static var isRecording: Bool { ProcessInfo.processInfo.environment["CAIRN_RECORD_GOLDENS"] == "1" }

    /// What to run to accept an intended change in the engine's output.
    public static let acceptHint =
        "to accept the engine's new output, run `CAIRN_RECORD_GOLDENS=1 swift test --filter "
        + "GoldenHistoryTests/engineStillWritesTheCommittedHistory`, then `CAIRN_RECORD_GOLDENS=1 swift test --filter "
        + "BadFixtureTests/fixtureIsDerivedFromItsGolden`, and review the diff (Tests/WorkflowDeciderTests/Fixtures/README.md)"
}
