import Activities
import Foundation
import HistoryStore
import RDSSimulator
import StateDirectory
import StrictJSON
import SystemIO
import WorkflowEngine
import WorkflowModel

/// An engine running in this process over a state directory whose lock it holds, with the RDS
/// simulator and the built-in activities.
struct EngineSession {
    /// Simulated seconds per real second for a state directory whose simulator has no speed yet:
    /// the multi-region rollout's ~15 simulated minutes take about 15 seconds.
    static let defaultSimulatorSpeed = 60.0

    /// In-process workers. Cairn's activities mostly wait on RDS, so many can run at once cheaply.
    static let inProcessWorkers = 64

    let directory: StateDirectory
    let store: HistoryStore
    let lock: any FileLock
    /// Where the activities act: the simulator or real AWS.
    let providers: ActivityProviders
    let engine: Engine
    /// The engine's notifications, for the progress display.
    let feed: NotificationFeed
    let clock: SystemWallClock
    let console: Console
    /// SIGINT and SIGTERM: armed while the session is open, they stop ``drive(_:success:)``.
    let interrupts: Interrupts

    /// The speeds the simulator accepts (`RDSSimulator.setSpeed` checks the same range).
    static let simulatorSpeedRange = 0.001...1_000_000.0

    /// The `--sim-speed` of the invocation, if given; checked before anything is written.
    static func requestedSpeed(_ invocation: Invocation) throws -> Double? {
        guard let text = invocation.arguments.value("sim-speed") else { return nil }
        guard let speed = Double(text), speed.isFinite, simulatorSpeedRange.contains(speed) else {
            throw CLIError.usage(
                "--sim-speed must be a positive number from 0.001 to 1000000 (simulated seconds per real second), "
                    + "e.g. 60; got \(quoted(text))")
        }
        return speed
    }

    /// Takes the lock, opens the provider (the simulator at the requested or remembered speed, or
    /// AWS) and starts workers. An explicit `--sim-speed` replaces a remembered one, with a note on stderr.
    /// From here on SIGINT and SIGTERM no longer end the process: ``drive(_:success:)`` stops cleanly.
    static func open(_ invocation: Invocation, command: String, provider: RDSProviderKind = .sim) async throws -> EngineSession {
        let requested = try requestedSpeed(invocation)
        invocation.interrupts.arm()
        let directory = invocation.stateDirectory
        let identity = processIdentity(command)
        let clock = SystemWallClock()
        // AWS settings are checked before the lock is taken, so a missing credential writes nothing.
        let awsProviders = provider == .aws ? try ActivityProviders.aws(invocation, clock: clock) : nil
        let (store, lock) = try directory.openForWriting(holder: identity)
        let providers: ActivityProviders
        if let awsProviders {
            providers = awsProviders
        } else {
            providers = try openSimulator(invocation, directory: directory, lock: lock, clock: clock, requested: requested)
        }
        let feed = NotificationFeed()
        let engine = Engine(
            store: store, handlers: providers.handlers, clock: clock,
            configuration: EngineConfiguration(workerCount: inProcessWorkers, identity: identity), observer: feed.observer)
        await engine.startWorkers()
        return EngineSession(
            directory: directory, store: store, lock: lock, providers: providers, engine: engine, feed: feed, clock: clock,
            console: invocation.console, interrupts: invocation.interrupts)
    }

    /// Opens the state directory's simulator at the requested (or remembered) speed; releases `lock` on failure.
    static func openSimulator(
        _ invocation: Invocation, directory: StateDirectory, lock: any FileLock, clock: SystemWallClock, requested: Double?
    ) throws -> ActivityProviders {
        let simulator: RDSSimulator
        do {
            simulator = try directory.openSimulator(clock: clock, environment: invocation.environment)
            let remembered = try SimulatorSnapshotReader.speed(directory: directory.simulatorPath, fileSystem: directory.fileSystem)
            if let requested {
                try simulator.setSpeed(requested, override: true)
                if let remembered, remembered != requested {
                    invocation.console.error(
                        "note: the RDS simulator in \(directory.simulatorPath) ran at speed \(formatSpeed(remembered)); "
                            + "it now runs at \(formatSpeed(requested)) (operations already under way keep their pace)")
                }
            } else if remembered == nil {
                try simulator.setSpeed(defaultSimulatorSpeed)
            }
        } catch let error as SimulatorError {
            lock.release()
            throw directory.failure(error)
        } catch {
            lock.release()
            throw error
        }
        return .simulator(simulator, directory: directory)
    }

    static func formatSpeed(_ speed: Double) -> String {
        speed == speed.rounded() && abs(speed) < 1e15 ? String(Int64(speed)) : String(speed)
    }

    /// Stops the engine and releases the lock, as a crash would leave it: open executions continue on
    /// the next `resume`. Running attempts are cancelled and waited for (an `exec` program's process
    /// group is ended), so nothing of this process outlives it. Calling it again does nothing.
    func close() async {
        feed.finish()
        await engine.stop()
        lock.release()
    }

    /// Runs `body`, then closes the session however `body` ends.
    func closing(_ body: () async throws -> Int32) async throws -> Int32 {
        do {
            let status = try await body()
            await close()
            return status
        } catch {
            await close()
            throw error
        }
    }

    /// How following an execution ended.
    enum Ending {
        /// It closed, or the engine was stopped (the history says which).
        case closed
        /// The engine stopped after a failure (storage): the error says which.
        case failed(any Error)
        /// SIGINT or SIGTERM arrived first; the attempts that were running then, by activity id.
        case interrupted(signal: Int32, running: [(activityId: String, attempt: Int)])
    }

    /// Shows progress until the execution closes or a signal arrives, prints how it ended, and returns
    /// the exit status: 0 when it closed as `success`, 1 otherwise, 128 + the signal when interrupted.
    func drive(_ executionId: String, success: ExecutionStatus = .completed) async throws -> Int32 {
        let display = ProgressDisplay(console: console, feed: feed, executionId: executionId, clock: clock)
        let ending = await follow(executionId, display: display)
        await close()
        if case .failed(let error) = ending { throw error }
        let loaded = try LoadedExecution.load(executionId, from: store)
        display.finish(loaded.summary())
        printOutcome(loaded)
        // A signal that came as the execution closed stopped nothing: the outcome decides.
        guard case .interrupted(let signal, let running) = ending, loaded.state.status == .running else {
            return loaded.state.status == success ? ExitStatus.success : ExitStatus.failure
        }
        console.error(interruptedMessage(executionId, signal: signal, running: running))
        return ExitStatus.interrupted(by: signal)
    }

    /// Runs the display, the cancel-request watcher and the signal watcher until the execution
    /// closes, the engine stops, or a signal arrives; the engine is stopped when this returns.
    private func follow(_ executionId: String, display: ProgressDisplay) async -> Ending {
        await withTaskGroup(of: Ending?.self) { group in
            group.addTask {
                do {
                    _ = try await engine.waitForClose(executionId)
                    return .closed
                } catch where Task.isCancelled {
                    return .closed  // stopped before it could wait: the execution stays open
                } catch {
                    return .failed(error)
                }
            }
            group.addTask {
                await display.follow(engine)
                return nil
            }
            group.addTask {
                await watchRequests(executionId)
                // It returns when the group is canceled: the execution closed, a signal arrived, or the
                // task running this command was canceled. Then the engine stops as if killed, and
                // waitForClose returns.
                await engine.shutdown()
                return nil
            }
            group.addTask {
                guard let signal = await interrupts.next() else { return nil }
                return .interrupted(signal: signal, running: await runningAttempts(executionId))
            }
            var ending = Ending.closed
            while let next = await group.next() {
                if let next {
                    ending = next
                    break
                }
            }
            group.cancelAll()
            return ending
        }
    }

    /// The attempts of `executionId` running now: the engine's own view, which waits for a commit
    /// in progress (a notification may still be on its way to the display).
    private func runningAttempts(_ executionId: String) async -> [(activityId: String, attempt: Int)] {
        let attempts = await engine.snapshot(executionId)?.attempts ?? [:]
        return attempts.filter { $0.value.phase == "running" }.map { ($0.key, $0.value.attempt) }.sorted { $0.activityId < $1.activityId }
    }

    /// What a signal stopped and how to continue, for stderr.
    func interruptedMessage(_ executionId: String, signal: Int32, running: [(activityId: String, attempt: Int)]) -> String {
        let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
        let attempts =
            switch running.count {
            case 0: "No attempt was running."
            case 1: "The running attempt of \(running[0].activityId) (attempt \(running[0].attempt)) was canceled; it runs again on resume."
            default:
                "The running attempts of " + running.map { "\($0.activityId) (attempt \($0.attempt))" }.joined(separator: ", ")
                    + " were canceled; they run again on resume."
            }
        return "cairn: \(name): stopped. Execution \(executionId) is still open and its history is intact. \(attempts) "
            + "The lock on \(directory.path) is released.\nContinue it with `\(resumeCommand(executionId))`."
    }

    /// The command that continues `executionId` in this state directory, ready to paste into a shell.
    func resumeCommand(_ executionId: String) -> String {
        guard directory.path != StateDirectory.defaultPath else { return "cairn resume \(executionId)" }
        let path = directory.path
        let plain = path.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/._-+,:@".unicodeScalars.contains($0) }
        return "cairn resume \(executionId) --state-dir " + (plain ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'")
    }

    /// Applies cancel requests queued by `cairn cancel` from other processes.
    func watchRequests(_ executionId: String) async {
        while !Task.isCancelled {
            for request in directory.cancelRequests.pending(for: executionId) {
                do {
                    try await engine.requestCancel(executionId, identity: request.identity)
                    directory.cancelRequests.remove(request)
                } catch {
                    // Closed already, or the engine stopped: the request has nothing left to do.
                    directory.cancelRequests.remove(request)
                }
            }
            // A real wait: this is the process's own poll of its request directory, not a test.
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    func printOutcome(_ loaded: LoadedExecution) {
        console.line("")
        switch loaded.state.closeEvent?.attributes {
        case .workflowExecutionCompleted(let completed)?:
            console.line("completed \(loaded.executionId)")
            let endpoints = Self.endpoints(in: completed.result)
            if !endpoints.isEmpty {
                console.line("endpoints:")
                // The region column only when the result names regions (create-instance's output does not).
                let withRegions = endpoints.contains { !$0.region.isEmpty }
                let rows = endpoints.map { ["  " + $0.name] + (withRegions ? [$0.region.isEmpty ? "-" : $0.region] : []) + [$0.address] }
                for line in table(rows) { console.line(line) }
            }
            console.line("result:")
            for line in completed.result.prettyString().split(separator: "\n") { console.line("  " + line) }
        case .workflowExecutionFailed(let failed)?:
            console.line("failed \(loaded.executionId): \(failed.reason)")
            for line in failed.details.prettyString().split(separator: "\n") { console.line("  " + line) }
        case .workflowExecutionCanceled(let canceled)?:
            console.line("canceled \(loaded.executionId)")
            for line in canceled.details.prettyString().split(separator: "\n") { console.line("  " + line) }
        case .workflowExecutionTimedOut?:
            console.line("timed out \(loaded.executionId): its executionTimeout expired")
        default:
            console.line("stopped \(loaded.executionId) before it closed; continue it with `cairn resume \(loaded.executionId)`")
        }
    }

    /// Every `{identifier, region, endpoint: {address, port}}` object in a result, in order.
    static func endpoints(in value: JSONValue) -> [(name: String, region: String, address: String)] {
        switch value {
        case .object(let object):
            if let endpoint = object["endpoint"]?.objectValue, let address = endpoint["address"]?.stringValue {
                let port = endpoint["port"]?.integerValue.map { ":\($0)" } ?? ""
                return [(object["identifier"]?.stringValue ?? "?", object["region"]?.stringValue ?? "", address + port)]
            }
            return object.members.flatMap { endpoints(in: $0.value) }
        case .array(let elements):
            return elements.flatMap { endpoints(in: $0) }
        default:
            return []
        }
    }
}
