import Foundation
import StrictJSON
import Synchronization
import Testing
import WorkflowCLI

/// SIGINT and SIGTERM stop `run`, `resume` and `cancel` cleanly. Here the signals are raised by
/// hand (``Interrupts/manual(exitNow:)``); EndToEndTests sends real ones to the `cairn` binary.
@Suite struct InterruptTests {
    static let create = workflowPath("create-instance")

    /// A run at --sim-speed 0.01 waits hours for its instance: it is still running when the signal comes.
    @Test(.timeLimit(.minutes(5))) func sigintStopsTheRunSaysHowToContinueAndExits130() async throws {
        try await Sandbox.with { sandbox in
            let interrupts = Interrupts.manual()
            let run = Task {
                await sandbox.cairn(
                    ["run", Self.create, "--input", "identifier=slow", "--id", "slow", "--sim-speed", "0.01"], interrupts: interrupts)
            }
            do {
                _ = try await sandbox.waitUntil("slow") { $0.stepStatuses["available"] == "running" }
            } catch {
                run.cancel()
                Issue.record("the run never got to its wait step: \(await run.value)")
                throw error
            }
            interrupts.deliver(SIGINT)
            let stopped = await run.value
            #expect(stopped.status == 130, "\(stopped)")
            #expect(stopped.err.contains("cairn: SIGINT: stopped. Execution slow is still open and its history is intact."), "\(stopped)")
            #expect(
                stopped.err.contains("The running attempt of available (attempt 1) was canceled; it runs again on resume."),
                "\(stopped)")
            #expect(stopped.err.contains("The lock on \(sandbox.stateDir) is released."), "\(stopped)")
            #expect(stopped.err.hasSuffix("\nContinue it with `cairn resume slow --state-dir \(sandbox.stateDir)`.\n"), "\(stopped)")
            #expect(stopped.out.contains("\nstopped slow before it closed; continue it with `cairn resume slow`\n"), "\(stopped)")

            // Nothing holds the lock any more, and the execution is open.
            let fault = await sandbox.cairn("sim", "fault", "--clear")
            #expect(fault.status == 0, "the lock is released: \(fault)")
            let shown = try await sandbox.showJSON("slow")
            #expect(shown["status"] == "running", "\(shown)")
        }
    }

    /// A signal that comes while the engine starts is acted on as soon as it runs; `resume` stops the
    /// same way (as does `cancel`, through the same code), SIGTERM with 143.
    @Test(.timeLimit(.minutes(5))) func aSignalDuringStartStopsTheEngineOnceItRuns() async throws {
        try await Sandbox.with { sandbox in
            let early = Interrupts.manual()
            early.deliver(SIGINT)
            let run = await sandbox.cairn(
                ["run", Self.create, "--input", "identifier=early", "--id", "early", "--sim-speed", "0.01"], interrupts: early)
            #expect(run.status == 130, "\(run)")
            #expect(run.err.contains("Continue it with `cairn resume early --state-dir \(sandbox.stateDir)`."), "\(run)")

            let terminated = Interrupts.manual()
            terminated.deliver(SIGTERM)
            let resume = await sandbox.cairn(["resume", "early"], interrupts: terminated)
            #expect(resume.status == 143, "\(resume)")
            #expect(resume.err.contains("cairn: SIGTERM: stopped. Execution early is still open"), "\(resume)")
            #expect(resume.err.contains("Continue it with `cairn resume early --state-dir \(sandbox.stateDir)`."), "\(resume)")
            let shown = try await sandbox.showJSON("early")
            #expect(shown["status"] == "running", "\(shown)")
        }
    }

    /// A second signal ends the process at once, with the second signal's status.
    @Test func aSecondSignalExitsAtOnce() {
        let exits = Mutex<[Int32]>([])
        let interrupts = Interrupts.manual { status in exits.withLock { $0.append(status) } }
        interrupts.deliver(SIGINT)
        #expect(exits.withLock { $0 }.isEmpty, "the first signal asks the command to stop")
        interrupts.deliver(SIGTERM)
        #expect(exits.withLock { $0 } == [143])
        interrupts.deliver(SIGINT)
        #expect(exits.withLock { $0 } == [143, 130])
    }

    /// Commands that start no engine keep the default action of the signals (they are short); the
    /// exit statuses are documented where users look.
    @Test func theExitStatusesOfSignalsAreDocumented() async throws {
        let recorder = RecordingConsole()
        #expect(await CairnCLI.run(arguments: ["--help"], environment: [:], console: recorder.console()) == 0)
        #expect(recorder.out.contains("130 / 143 stopped by SIGINT (Ctrl-C) / SIGTERM"), "\(recorder.out)")
        let readme = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        #expect(readme.contains("| 130 |") && readme.contains("| 143 |"), "README.md's exit status table")
    }
}
