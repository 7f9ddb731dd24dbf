import Foundation
import StrictJSON
import Testing

/// One engine per state directory, and cancellation with and without a running engine. A run at
/// --sim-speed 0.01 waits hours for its instance, so it is still running whenever the test acts.
@Suite struct LockAndCancelTests {
    static let create = workflowPath("create-instance")

    /// Starts a slow run in a child task and returns once `show --json` reports its wait step running.
    private func startSlowRun(_ sandbox: Sandbox, id: String) async throws -> Task<CLIResult, Never> {
        let run = Task {
            await sandbox.cairn("run", Self.create, "--input", "identifier=\(id)", "--id", id, "--sim-speed", "0.01")
        }
        do {
            _ = try await sandbox.waitUntil(id) { $0.stepStatuses["available"] == "running" }
        } catch {
            run.cancel()
            Issue.record("the run never got to its wait step: \(await run.value)")
            throw error
        }
        return run
    }

    @Test func cancelWhileAnEngineRunsTheExecutionQueuesTheRequest() async throws {
        try await Sandbox.with { sandbox in
            let run = try await startSlowRun(sandbox, id: "slow")

            // A second engine on the same state directory is refused without writing anything.
            let before = sandbox.stateTree()
            let other = await sandbox.cairn("run", Self.create, "--input", "identifier=other", "--id", "other")
            #expect(other.status == 1, "\(other)")
            #expect(other.err.contains("in use by another Cairn engine (cairn run slow (pid "), "names the holder: \(other)")
            #expect(other.err.contains("--state-dir"), "suggests another state directory: \(other)")
            #expect(!other.out.contains("execution other"))
            #expect(!FileManager.default.fileExists(atPath: sandbox.historyPath("other")))
            #expect(sandbox.stateTree()?["LOCK"] == before?["LOCK"], "the holder's LOCK is untouched")
            // Starting it again is refused with advice that works while its engine runs: not `cairn resume`.
            let again = await sandbox.cairn("run", Self.create, "--input", "identifier=slow", "--id", "slow")
            #expect(again.status == 2, "\(again)")
            #expect(
                again.err.contains("execution slow already exists; it is still open and another Cairn engine runs it now (cairn run slow (pid "),
                "\(again)")
            #expect(again.err.contains("follow it with `cairn show slow`, or stop it with `cairn cancel slow`"), "\(again)")
            #expect(!again.err.contains("cairn resume"), "resume would be refused while the engine runs: \(again)")
            #expect(sandbox.stateTree()?["LOCK"] == before?["LOCK"], "finding out wrote nothing")
            let fault = await sandbox.cairn("sim", "fault", "--clear")
            #expect(fault.status == 1, "changing the simulator needs the lock: \(fault)")
            #expect(fault.err.contains("cairn run slow (pid "), "\(fault)")
            let resume = await sandbox.cairn("resume", "slow")
            #expect(resume.status == 1, "\(resume)")
            #expect(resume.err.contains("cannot resume slow: another Cairn engine holds"), "\(resume)")
            #expect(resume.err.contains("(cairn run slow (pid "), "\(resume)")
            #expect(resume.err.contains("follow it with `cairn show slow`"), "\(resume)")
            #expect(sandbox.stateTree()?["LOCK"] == before?["LOCK"])
            let listed = await sandbox.cairn("sim", "instances")
            #expect(listed.status == 0, "listing instances needs no lock: \(listed)")
            #expect(listed.out.contains("slow"))

            let cancel = await sandbox.cairn("cancel", "slow")
            #expect(cancel.status == 0, "\(cancel)")
            #expect(cancel.out.contains("cancel of slow queued"), "\(cancel)")
            #expect(cancel.out.contains("(cairn run slow (pid "), "\(cancel)")
            #expect(cancel.out.contains("`cairn show slow`"), "\(cancel)")

            let result = await run.value
            #expect(result.status == 1, "a canceled run exits 1: \(result)")
            #expect(result.out.contains("\ncanceled slow\n"), "\(result)")
            let shown = try await sandbox.showJSON("slow")
            #expect(shown["status"] == "canceled")
            #expect(shown.stepStatuses == ["instance": "completed", "available": "canceled"])
            let requests = (try? FileManager.default.contentsOfDirectory(atPath: sandbox.stateDir + "/requests")) ?? []
            #expect(requests.isEmpty, "the applied request is removed")

            // The lock is free again.
            let after = await sandbox.cairn("sim", "fault", "--clear")
            #expect(after.status == 0, "\(after)")
            let cancelAgain = await sandbox.cairn("cancel", "slow")
            #expect(cancelAgain.status == 1)
            #expect(cancelAgain.err.contains("execution slow is canceled; there is nothing to cancel"), "\(cancelAgain)")
        }
    }

    /// Canceling the task that runs `cairn run` stops its engine as a kill would; the execution stays
    /// open, and `cairn cancel` then carries the cancellation out itself.
    @Test func cancelOfAnExecutionWhoseEngineStopped() async throws {
        try await Sandbox.with { sandbox in
            let run = try await startSlowRun(sandbox, id: "orphan")
            run.cancel()
            let stopped = await run.value
            #expect(stopped.status == 1, "\(stopped)")
            #expect(
                stopped.out.contains("stopped orphan before it closed; continue it with `cairn resume orphan`"), "\(stopped)")
            let shown = try await sandbox.showJSON("orphan")
            #expect(shown["status"] == "running", "the execution is still open: \(shown)")
            let list = await sandbox.cairn("list")
            #expect(list.out.contains("orphan"))
            #expect(list.out.contains("running"))

            let cancel = await sandbox.cairn("cancel", "orphan")
            #expect(cancel.status == 0, "\(cancel)")
            #expect(cancel.out.hasPrefix("canceling orphan"), "\(cancel)")
            #expect(cancel.out.contains("\ncanceled orphan\n"), "\(cancel)")
            let closed = try await sandbox.showJSON("orphan")
            #expect(closed["status"] == "canceled")

            // Resuming a closed execution only reports it; a canceled one exits 1.
            let resume = await sandbox.cairn("resume", "orphan")
            #expect(resume.status == 1, "\(resume)")
            #expect(resume.out.contains("status    canceled"), "\(resume)")
        }
    }
}
