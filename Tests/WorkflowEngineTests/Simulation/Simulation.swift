import ExecutionCore
import EngineTesting
import HistoryStore
import HistoryTesting
import StrictJSON
import Synchronization
import SystemIO
import Time
import WorkflowDecider
import WorkflowModel

@testable import WorkflowEngine

/// Deterministic simulation of one execution: the real engine, decider and history store on an
/// ``InMemoryFileSystem`` and a ``ManualClock``, with ``SimulatedWorkers`` answering activities. One
/// seed drives every choice: the workflow's shape, each attempt's behaviour, which call is answered
/// next, and which crash or disk fault is injected where. The driver acts only when the engine is
/// settled (nothing in transit), so a seed replays the same run.
struct Simulation {
    /// Limits of one run, so a bug shows as a failure rather than a hang.
    static let driverStepsMax = 3_000
    static let settleYieldsMax = 200_000
    /// Crashes or disk faults injected into one disturbed run, at most.
    static let disturbancesMax = 4
    /// Every attempt's start-to-close timeout: a hanging call ends after this much simulated time.
    static let startToClose = Interval.seconds(60)
    static let executionId = "sim-1"

    static let catalog = ActivityCatalog(types: [
        ActivityTypeSpec(
            name: "sim.work", summary: "simulated", fields: [], acceptsOtherFields: true, outputFields: nil,
            defaultTaskList: "default", defaultTimeouts: ActivityTimeouts(startToClose: startToClose))
    ])

    /// What one run saw.
    struct Report: Sendable {
        var status: ExecutionStatus = .running
        /// The result of a completed execution.
        var result: JSONValue?
        var events = 0
        var crashes = 0
        var diskFaults = 0
        var lostAcknowledged = 0
        var reruns = 0
        var calls = 0
        var staleRefused = 0
        var steps = 0
        var problems: [String] = []
        var trace: [String] = []
    }

    enum Disturbance: CaseIterable {
        case killNow, powerLossNow, tornPowerLossNow, crashDuringNextWrites, failFsync, diskFull, ambiguousWrite
    }

    let seed: UInt64
    let disturbed: Bool
    let definition: WorkflowDefinition
    let input: JSONObject

    init(seed: UInt64, disturbed: Bool) {
        self.seed = seed
        self.disturbed = disturbed
        var random = SeededRandom(seed: seed)
        (definition, input) = Self.makeWorkflow(&random)
    }

    // MARK: The workflow

    /// A random workflow of 2–7 steps: sequential or with explicit dependencies, fan-outs with a
    /// concurrency limit, timers, retry policies, compensations and `rollback` on failure.
    static func makeWorkflow(_ random: inout SeededRandom) -> (WorkflowDefinition, JSONObject) {
        func roll(_ n: UInt64) -> Int { Int(random.next() % n) }
        let count = 2 + roll(6)
        var steps: [Step] = []
        var itemsNeeded = false
        for index in 0..<count {
            let id = "s\(index)"
            var after: [String]?
            if index > 0, roll(2) == 0 {
                let chosen = steps.map(\.id).filter { _ in roll(3) == 0 }
                after = chosen.isEmpty ? [steps[roll(UInt64(steps.count))].id] : chosen
            }
            if roll(8) == 0 {
                steps.append(Step(id: id, kind: .timer(duration: .seconds(Int64(10 + roll(50)))), after: after))
                continue
            }
            let fanOut = roll(4) == 0
            if fanOut { itemsNeeded = true }
            let retry = RetryPolicy(
                initialInterval: .seconds(Int64(1 + roll(5))), backoffCoefficient: 2, maximumInterval: .seconds(30),
                maximumAttempts: 2 + roll(3))
            let compensation =
                roll(2) == 0
                ? Compensation(activity: "sim.work", input: try! TemplateParser.parse(["undo": .string(id)])) : nil
            steps.append(
                Step(
                    id: id, kind: .activity(type: "sim.work", input: try! TemplateParser.parse(["step": .string(id)])),
                    after: after, forEach: fanOut ? try! TemplateParser.parseString("${input.items}") : nil,
                    concurrency: fanOut ? 1 + roll(3) : nil, retry: retry, compensation: compensation))
        }
        let items = (0..<(1 + roll(4))).map { JSONValue.string("item-\($0)") }
        let definition = WorkflowDefinition(
            name: "sim", inputs: itemsNeeded ? [InputSpec(name: "items", type: .array)] : [],
            onFailure: roll(2) == 0 ? .rollback : .halt, steps: steps)
        return (definition, itemsNeeded ? JSONObject([("items", .array(items))]) : JSONObject())
    }

    // MARK: One engine

    /// One engine "process" over the shared disk and clock.
    final class Process: Sendable {
        let store: HistoryStore
        let lock: any FileLock
        let engine: Engine
        let recorder = NotificationRecorder()

        init(fileSystem: InMemoryFileSystem, clock: ManualClock, workers: SimulatedWorkers, generation: Int, definition: WorkflowDefinition)
            throws
        {
            store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
            lock = try store.lockStateDirectory(holder: "sim \(generation)")
            let recorder = recorder
            let definitionCopy = definition
            let runIds = Mutex(0)
            engine = Engine(
                store: store, handlers: [workers.handler], clock: clock,
                configuration: EngineConfiguration(
                    workerCount: 32, identity: "sim \(generation)", catalog: Simulation.catalog,
                    makeRunId: {
                        runIds.withLock {
                            $0 += 1; return "run-\(generation)-\($0)"
                        }
                    }, loadDefinition: { _, _ in definitionCopy }),
                observer: { notification in
                    recorder.record(notification)
                    if case .eventsRecorded(_, let events) = notification { workers.observe(events) }
                })
        }

        var stopped: Bool {
            recorder.notifications.contains { if case .stopped = $0 { true } else { false } }
        }
        var acknowledged: [HistoryEvent] { recorder.events }
        var staleRefused: Int {
            recorder.notifications.filter { if case .staleResultRefused = $0 { true } else { false } }.count
        }
    }

    // MARK: Running

    /// Runs the simulation to the execution's close and checks every invariant on the way.
    func run() async -> Report {
        var report = Report()
        var random = SeededRandom(seed: seed ^ 0xD1CE)
        let fileSystem = InMemoryFileSystem(seed: seed)
        let clock = ManualClock()
        let workers = SimulatedWorkers(seed: seed)
        var generation = 1
        var disturbances = 0
        // Every event the engines acknowledged (their batch was durable), across restarts.
        var acknowledged: [HistoryEvent] = []
        var startAcknowledged = false
        var completedActivityIds = Set<String>()

        func trace(_ line: String) { report.trace.append(line) }
        func problem(_ line: String) { report.problems.append(line) }

        var process: Process
        do {
            process = try Process(fileSystem: fileSystem, clock: clock, workers: workers, generation: generation, definition: definition)
            await process.engine.startWorkers()
            try await process.engine.start(request)
            startAcknowledged = true
        } catch {
            problem("could not start: \(error)")
            return report
        }

        driving: while report.steps < Self.driverStepsMax {
            report.steps += 1
            let settled = await settle(process, clock: clock, workers: workers)
            switch settled {
            case .stuck(let what):
                problem("the engine never settled: \(what)")
                break driving
            case .closed:
                break driving
            case .stopped, .idle:
                break
            }
            // A crash or disk fault stopped the engine, or the driver decides to disturb it now.
            var restart: InMemoryFileSystem.CrashMode?
            if case .stopped = settled {
                let reason = process.recorder.notifications.compactMap { n -> EngineError? in
                    if case .stopped(let error) = n { return error }
                    return nil
                }.first
                trace("engine stopped: \(reason.map { "\($0.code)" } ?? "?")")
                if let reason, !(reason.message.contains("The engine stopped taking work")) {
                    problem("the stop message does not say the engine stopped taking work: \(reason.message)")
                }
                // A stopped engine takes no new work for this state directory.
                do {
                    try await process.engine.start(
                        StartRequest(
                            executionId: "sim-other", definition: definition, definitionJSON: [:], definitionDigest: "sha256:sim",
                            definitionSource: nil, input: input))
                    problem("a stopped engine started new work")
                } catch {}
                restart = randomMode(&random)
            } else if disturbed, disturbances < Self.disturbancesMax, random.next() % 6 == 0 {
                disturbances += 1
                let disturbance = Disturbance.allCases[Int(random.next() % UInt64(Disturbance.allCases.count))]
                trace("step \(report.steps): \(disturbance)")
                switch disturbance {
                case .killNow: restart = .processKill
                case .powerLossNow: restart = .dropUnsynced
                case .tornPowerLossNow: restart = .tornTail(seed: random.next())
                case .crashDuringNextWrites:
                    fileSystem.crashAfter(operations: 1 + Int(random.next() % 4))
                    report.crashes += 1
                case .failFsync:
                    fileSystem.failNextSync()
                    report.diskFaults += 1
                case .diskFull:
                    fileSystem.failWritesWithNoSpace(after: Int(random.next() % 400))
                    report.diskFaults += 1
                case .ambiguousWrite:
                    fileSystem.reportErrorAfterWrite()
                    report.diskFaults += 1
                }
                if restart != nil { report.crashes += 1 }
            }

            if let mode = restart {
                // The process dies: its workers with it; the operator fixes the disk; the machine
                // (maybe) loses power; a new engine starts on what is on disk.
                await process.engine.shutdown()
                workers.abandonAll()
                fileSystem.clearFaults()
                if fileSystem.isCrashed { fileSystem.restart(mode: mode) } else { fileSystem.crash(mode: mode) }
                report.staleRefused += process.staleRefused
                acknowledged += process.acknowledged
                generation += 1
                trace("restart \(generation) after \(mode)")
                do {
                    let next = try Process(
                        fileSystem: fileSystem, clock: clock, workers: workers, generation: generation, definition: definition)
                    let outcome = check(next.store, acknowledged: &acknowledged, startAcknowledged: startAcknowledged, report: &report)
                    completedActivityIds.formUnion(outcome.completed)
                    trace(
                        "recovered \(acknowledged.count) events; in flight: "
                            + workers.calledKeys.subtracting(outcome.finishedKeys).sorted().joined(separator: ","))
                    workers.recovered(
                        inFlight: workers.calledKeys.subtracting(outcome.finishedKeys), completed: outcome.completed,
                        events: acknowledged)
                    process = next
                    await process.engine.startWorkers()
                    if outcome.exists {
                        try await process.engine.resume(Self.executionId)
                    } else {
                        // The start itself was never durable, so never acknowledged: start again.
                        try await process.engine.start(request)
                        startAcknowledged = true
                    }
                } catch {
                    problem("restart \(generation) failed: \(error)")
                    break driving
                }
                continue
            }

            // Answer one call, or let simulated time pass to the next deadline.
            let answerable = workers.answerable
            if !answerable.isEmpty {
                let chosen = answerable[Int(random.next() % UInt64(answerable.count))]
                trace("answer \(chosen.key)")
                workers.answer(chosen.id)
            } else if let deadline = clock.nextDeadline {
                clock.advance(to: deadline)
            } else {
                problem("nothing to do and nothing scheduled, yet the execution is open")
                break driving
            }
        }
        if report.steps >= Self.driverStepsMax { problem("did not close within \(Self.driverStepsMax) driver steps") }

        // The end: the durable history is whole, contiguous, checksummed and replays.
        await process.engine.shutdown()
        workers.abandonAll()
        report.staleRefused += process.staleRefused
        acknowledged += process.acknowledged
        fileSystem.clearFaults()
        if fileSystem.isCrashed { fileSystem.restart(mode: .processKill) }
        do {
            let store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
            let history = try store.load(Self.executionId, repair: false)
            if history.outcome != .intact { problem("final history is \(history.outcome)") }
            let events = history.events
            if events.map(\.eventId) != Array(1...Int64(max(events.count, 1))).prefix(events.count).map({ $0 }) {
                problem("event ids are not contiguous")
            }
            report.lostAcknowledged += lost(acknowledged, in: events)
            let state = HistoryState(events: events)
            report.status = state.status
            if case .workflowExecutionCompleted(let completed)? = state.closeEvent?.attributes { report.result = completed.result }
            report.events = events.count
            do {
                _ = try ReplayVerifier.verify(definition: definition, history: events, catalog: Self.catalog)
            } catch {
                problem("replay: \(error)")
            }
        } catch {
            problem("final load: \(error)")
        }
        let workerState = workers.state.withLock { $0 }
        report.problems += workerState.violations
        report.reruns = workerState.reruns
        report.calls = workerState.totalCalls
        if report.lostAcknowledged > 0 { problem("\(report.lostAcknowledged) acknowledged events lost") }
        return report
    }

    var request: StartRequest {
        StartRequest(
            executionId: Self.executionId, definition: definition, definitionJSON: ["name": "sim"],
            definitionDigest: "sha256:sim", definitionSource: nil, input: input)
    }

    func randomMode(_ random: inout SeededRandom) -> InMemoryFileSystem.CrashMode {
        switch random.next() % 3 {
        case 0: .processKill
        case 1: .dropUnsynced
        default: .tornTail(seed: random.next())
        }
    }

    /// How many of `acknowledged` are not, identically and in place, in `events`.
    func lost(_ acknowledged: [HistoryEvent], in events: [HistoryEvent]) -> Int {
        acknowledged.filter { event in
            let index = Int(event.eventId) - 1
            return index >= events.count || events[index] != event
        }.count
    }

    struct Recovered {
        var exists: Bool
        var finishedKeys: Set<String>
        var completed: Set<String>
    }

    /// After a crash, before the new engine touches anything: what a reader finds on disk must hold
    /// every acknowledged event, with contiguous ids, and only a torn tail may be missing.
    func check(
        _ store: HistoryStore, acknowledged: inout [HistoryEvent], startAcknowledged: Bool, report: inout Report
    ) -> Recovered {
        let history: RecoveredHistory
        do {
            history = try store.load(Self.executionId, repair: false)
        } catch {
            if startAcknowledged { report.problems.append("the acknowledged execution is gone: \(error)") }
            return Recovered(exists: false, finishedKeys: [], completed: [])
        }
        switch history.outcome {
        case .intact, .tornTail: break
        case .empty:
            if startAcknowledged { report.problems.append("the acknowledged execution's history is empty") }
            return Recovered(exists: false, finishedKeys: [], completed: [])
        case .quarantined(let quarantine):
            report.problems.append("a crash quarantined the history: \(quarantine.reason)")
        }
        let events = history.events
        if events.enumerated().contains(where: { $0.element.eventId != Int64($0.offset + 1) }) {
            report.problems.append("recovered event ids are not contiguous")
        }
        let lostNow = lost(acknowledged, in: events)
        if lostNow > 0 { report.problems.append("a crash lost \(lostNow) acknowledged events") }
        report.lostAcknowledged += lostNow
        // What survived is the new baseline: the next engine continues from it.
        acknowledged = events
        let state = HistoryState(events: events)
        // An attempt is finished when its failure record or its activity's outcome is durable. A
        // batch cut by a crash may keep its ActivityTaskStarted without the outcome after it: that
        // attempt is still in flight.
        var finished = Set<String>()
        for record in history.records {
            if case .attemptFailed(let failed) = record { finished.insert("\(failed.activityId)#\(failed.attempt)") }
        }
        for activity in state.activities.values where activity.outcome != nil && activity.attempt > 0 {
            finished.insert("\(activity.scheduled.activityId)#\(activity.attempt)")
        }
        let completed = Set(
            state.activities.values.compactMap { activity -> String? in
                if case .completed = activity.outcome { return activity.scheduled.activityId }
                return nil
            })
        return Recovered(exists: !events.isEmpty, finishedKeys: finished, completed: completed)
    }

    // MARK: Settling

    enum Settled {
        /// Every attempt waits on the driver or on the clock.
        case idle
        case closed
        /// The engine stopped (a crash or a disk fault hit a write).
        case stopped
        case stuck(String)
    }

    /// Waits, yielding, until nothing is in transit: no queued task, every running attempt waiting
    /// in ``SimulatedWorkers``, and no deadline due that has not fired yet.
    func settle(_ process: Process, clock: ManualClock, workers: SimulatedWorkers) async -> Settled {
        var last = ""
        for _ in 0..<Self.settleYieldsMax {
            if process.stopped { return .stopped }
            // The stop notification comes before the engine forgets its executions, so check it again.
            guard let snapshot = await process.engine.snapshot(Self.executionId) else {
                return process.stopped ? .stopped : .closed
            }
            let now = clock.now()
            let pending = workers.pendingKeys
            var busy: String?
            for (activityId, attempt) in snapshot.attempts.sorted(by: { $0.key < $1.key }) {
                switch attempt.phase {
                case "queued": busy = "\(activityId) queued"
                case "running":
                    if !pending.contains("\(activityId)#\(attempt.attempt)") { busy = "\(activityId) starting or finishing" }
                    if attempt.since.adding(Self.startToClose) <= now { busy = "\(activityId) timing out" }
                default:
                    if attempt.since <= now { busy = "\(activityId) retry due" }
                }
                if busy != nil { break }
            }
            if busy == nil, let timer = snapshot.state.openTimers.first(where: { $0.fireAt <= now }) {
                busy = "timer \(timer.attributes.timerId) due"
            }
            // One deadline per running attempt, retry in backoff and open timer; one task sleeps on the
            // clock for all of them: wait until it sleeps until the earliest (or earlier: it may still
            // wait for a deadline cancelled since, which wakes it to no effect).
            let expected = snapshot.attempts.count + snapshot.state.openTimers.count
            let (earliest, armed) = await process.engine.deadlineSummary()
            if busy == nil, armed != expected {
                busy = "\(armed) deadlines armed, \(expected) expected"
            }
            if busy == nil, let earliest, clock.sleeperCount != 1 || !(clock.nextDeadline.map { $0 <= earliest } ?? false) {
                busy = "no task sleeps until the earliest deadline yet"
            }
            if busy == nil, snapshot.attempts.isEmpty, snapshot.state.openTimers.isEmpty {
                // Open with nothing running and no timer: only legitimate for a moment.
                busy = "open with no work"
            }
            guard let busy else { return .idle }
            last = busy
            await Task.yield()
        }
        return .stuck(last)
    }
}
