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
    static func open(_ invocation: Invocation, command: String, provider: RDSProviderKind = .sim) async throws -> EngineSession {
        let requested = try requestedSpeed(invocation)
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
            console: invocation.console)
    }

    /// Opens the state directory's simulator at the requested (or remembered) speed; releases `lock` on failure.
    static func openSimulator(
        _ invocation: Invocation, directory: StateDirectory, lock: any FileLock, clock: SystemWallClock, requested: Double?
    ) throws -> ActivityProviders {
        let simulator: RDSSimulator
        do {
            simulator = try directory.openSimulator(clock: clock)
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
    /// the next `resume`. Calling it again does nothing.
    func close() async {
        feed.finish()
        await engine.shutdown()
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

    /// Shows progress until the execution closes, prints how it ended, and returns the exit status:
    /// 0 when it closed as `success`, 1 otherwise.
    func drive(_ executionId: String, success: ExecutionStatus = .completed) async throws -> Int32 {
        let display = ProgressDisplay(console: console, feed: feed, executionId: executionId, clock: clock)
        // Both children end when the execution closes (or the engine stops).
        let status: ExecutionStatus = try await withThrowingTaskGroup(of: ExecutionStatus?.self) { group in
            group.addTask {
                do {
                    return try await engine.waitForClose(executionId)
                } catch  where Task.isCancelled {
                    return .running  // stopped before it could wait: the execution stays open
                }
            }
            group.addTask {
                await display.follow(engine)
                return nil
            }
            group.addTask {
                await watchRequests(executionId)
                // It returns when the group is canceled: the execution closed, or the task running this
                // command was canceled. Then the engine stops as if killed, and waitForClose returns.
                await engine.shutdown()
                return nil
            }
            var result: ExecutionStatus = .running
            while let next = try await group.next() {
                if let next {
                    result = next
                    break
                }
            }
            group.cancelAll()
            return result
        }
        await close()
        let loaded = try LoadedExecution.load(executionId, from: store)
        display.finish(loaded.summary())
        printOutcome(loaded)
        return status == success ? ExitStatus.success : ExitStatus.failure
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
