import Foundation
import StrictJSON
import Testing

/// Cancelling `multi-region-rollout` while its primary is being created deletes the primary
/// (`onCancel: rollback`), on the built-in simulator.
@Suite struct CancelRollbackTests {
    static let rollout = workflowPath("multi-region-rollout")

    /// Starts the rollout as `id` in a child task and returns once `show --json` reports the wait for
    /// the primary running.
    private func startRollout(_ sandbox: Sandbox, id: String, speed: String) async throws -> Task<CLIResult, Never> {
        let run = Task {
            await sandbox.cairn("run", Self.rollout, "--input", "identifier=\(id)", "--id", id, "--sim-speed", speed)
        }
        do {
            _ = try await sandbox.waitUntil(id, timeout: .seconds(120)) { $0.stepStatuses["primaryAvailable"] == "running" }
        } catch {
            run.cancel()
            Issue.record("the rollout never got to primaryAvailable: \(await run.value)")
            throw error
        }
        return run
    }

    /// What the simulator holds that the execution `id` made.
    private func instances(_ sandbox: Sandbox, of id: String) async throws -> [JSONValue] {
        try await sandbox.instances().filter { executionTag($0) == id }
    }

    /// At speed 0.01 the primary stays `creating` for hours, so the cancel certainly finds it so. The
    /// run is stopped first (as Ctrl-C would), and `cairn cancel` carries the cancellation out itself at
    /// speed 600, which paces the deletion it starts.
    @Test(.timeLimit(.minutes(5)))
    func cancelWhileThePrimaryIsCreatingDeletesIt() async throws {
        try await Sandbox.with { sandbox in
            let run = try await startRollout(sandbox, id: "orders", speed: "0.01")
            let before = try await instances(sandbox, of: "orders")
            #expect(before.map { $0["identifier"] } == ["orders"], "\(before)")
            #expect(before.first?["status"] == "creating", "\(before)")
            run.cancel()
            let stopped = await run.value
            #expect(stopped.out.contains("stopped orders before it closed"), "\(stopped)")

            let cancel = await sandbox.cairn("cancel", "orders", "--sim-speed", "600")
            #expect(cancel.status == 0, "\(cancel)")
            #expect(cancel.out.contains("\ncanceled orders\n"), "\(cancel)")
            let shown = try await sandbox.showJSON("orders")
            #expect(shown["status"] == "canceled", "\(shown)")
            #expect(shown["cancellation"]?["rollback"] == "completed", "\(shown)")
            #expect(shown["cancellation"]?["compensated"] == ["primary"], "\(shown)")
            #expect(
                shown.stepStatuses == [
                    "primary": "compensated", "primaryAvailable": "canceled", "replicas": "pending", "replicasAvailable": "pending",
                ], "\(shown)")
            let left = try await instances(sandbox, of: "orders")
            #expect(left.isEmpty, "the primary is deleted: \(left)")
        }
    }

    /// The same through a running engine: `cairn cancel` queues the request and `cairn run` applies it.
    /// Whether the primary is still `creating` by then depends on the machine's pace (at speed 60 it
    /// is for 8 seconds); whatever the run had made by then is deleted.
    @Test(.timeLimit(.minutes(5)))
    func cancelQueuedForARunningEngineDeletesWhatTheRunMade() async throws {
        try await Sandbox.with { sandbox in
            let run = try await startRollout(sandbox, id: "queued", speed: "60")
            let cancel = await sandbox.cairn("cancel", "queued")
            #expect(cancel.status == 0, "\(cancel)")
            #expect(cancel.out.contains("cancel of queued queued"), "\(cancel)")

            let result = await run.value
            #expect(result.status == 1, "a canceled run exits 1: \(result)")
            #expect(result.out.contains("\ncanceled queued\n"), "\(result)")
            let shown = try await sandbox.showJSON("queued")
            #expect(shown["status"] == "canceled", "\(shown)")
            #expect(shown["cancellation"]?["rollback"] == "completed", "\(shown)")
            #expect(shown.stepStatuses["primary"] == "compensated", "\(shown)")
            let left = try await instances(sandbox, of: "queued")
            #expect(left.allSatisfy { ["deleting", "deleted"].contains($0["status"]?.stringValue) }, "all deleted: \(left)")
        }
    }
}
