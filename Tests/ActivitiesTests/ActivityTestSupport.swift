import Activities
import EngineTesting
import RDSCore
import RDSSimulator
import StrictJSON
import Synchronization
import Testing
import WorkflowModel

/// What an activity reported and heartbeated, for assertions.
final class Recorder: Sendable {
    private let state = Mutex<(reports: [String], heartbeats: [JSONValue?])>(([], []))
    var reports: [String] { state.withLock { $0.reports } }
    var heartbeats: [JSONValue?] { state.withLock { $0.heartbeats } }
    func report(_ text: String) { state.withLock { $0.reports.append(text) } }
    func heartbeat(_ details: JSONValue?) { state.withLock { $0.heartbeats.append(details) } }
}

/// Set once, read from the driving loop.
final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

/// The built-in handlers on a simulator with a manual clock and an in-memory directory.
struct Harness {
    let fileSystem = InMemoryFileSystem()
    let clock = ManualClock()
    let sim: RDSSimulator
    let handlers: [String: any ActivityHandler]
    let recorder = Recorder()

    init(environment: [String: String] = [:], files: [String: [UInt8]] = [:]) throws {
        sim = try RDSSimulator(directory: "/state/sim", fileSystem: fileSystem, clock: clock, seed: 9)
        let resolver = SecretResolver(
            environment: environment,
            readFile: { path in
                guard let bytes = files[path] else {
                    throw SecretResolutionError(code: .unreadable, reference: "file:\(path)", message: "no such file", isPermanent: true)
                }
                return bytes
            },
            secrets: sim)
        var byType: [String: any ActivityHandler] = [:]
        for handler in BuiltInActivities.handlers(rds: sim, secrets: sim, users: sim, secretResolver: resolver) {
            byType[handler.activityType] = handler
        }
        handlers = byType
    }

    func context(
        execution: String = "exec-1", activity: String = "primary", run: String = "run-1", stopOnHeartbeat: Bool = false
    ) -> ActivityContext {
        let recorder = recorder
        return ActivityContext(
            executionId: execution, runId: run, activityId: activity, stepId: activity, attempt: 1, clock: clock,
            heartbeat: { details in
                recorder.heartbeat(details)
                return stopOnHeartbeat
            },
            report: { recorder.report($0) })
    }

    /// Runs an activity that does not wait on the clock.
    func run(_ type: String, _ input: JSONValue, context: ActivityContext? = nil) async throws -> JSONValue {
        try await handlers[type]!.run(input: input, context: context ?? self.context())
    }

    /// Runs an activity in a task and moves the clock to each sleeper's deadline until it finishes.
    func runDriving(_ type: String, _ input: JSONValue, context: ActivityContext? = nil) async throws -> JSONValue {
        let handler = handlers[type]!
        let context = context ?? self.context()
        let finished = Flag()
        let task = Task {
            defer { finished.set() }
            return try await handler.run(input: input, context: context)
        }
        var idleSpins = 0
        while !finished.isSet {
            if clock.sleeperCount > 0, let deadline = clock.nextDeadline {
                clock.advance(to: deadline)
                idleSpins = 0
            } else {
                await Task.yield()
                idleSpins += 1
                if idleSpins > 1_000_000 {
                    Issue.record("\(type) neither finished nor slept")
                    task.cancel()
                    break
                }
            }
        }
        return try await task.value
    }

    /// The ActivityFailure `body` threw, or nil (recording an issue for any other outcome).
    func failure(_ body: () async throws -> JSONValue) async -> ActivityFailure? {
        do {
            let value = try await body()
            Issue.record("expected a failure, got \(value.canonicalString())")
            return nil
        } catch let failure as ActivityFailure {
            return failure
        } catch {
            Issue.record("expected an ActivityFailure, got \(error)")
            return nil
        }
    }

    /// Creates `identifier` with the activity and drives it to available.
    @discardableResult
    func createAvailable(_ identifier: String = "orders", region: String = "us-east-1", context: ActivityContext? = nil) async throws
        -> JSONValue
    {
        _ = try await run("rds.createInstance", createInput(identifier, region: region), context: context)
        return try await runDriving("rds.waitAvailable", ["region": .string(region), "identifier": .string(identifier)], context: context)
    }

    func createInput(_ identifier: String = "orders", region: String = "us-east-1", password: JSONValue? = nil) -> JSONValue {
        var object = JSONObject([
            ("region", .string(region)), ("identifier", .string(identifier)), ("engine", "postgres"),
            ("instanceClass", "db.t3.micro"),
        ])
        if let password { object["masterUserPassword"] = password }
        return .object(object)
    }
}

func keys(_ value: JSONValue) -> Set<String> { Set(value.objectValue?.keys ?? []) }

func spec(_ name: String) -> ActivityTypeSpec { BuiltInActivityTypes.all.first { $0.name == name }! }
