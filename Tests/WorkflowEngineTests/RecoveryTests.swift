import ExecutionCore
import EngineTesting
import HistoryStore
import StrictJSON
import Synchronization
import SystemIO
import Testing
import Time
import WorkflowDecider
import WorkflowEngine
import WorkflowModel

@Suite struct RecoveryTests {
    /// Runs `definition` until `stop` attempts have started, then loses power (everything not
    /// fsynced is dropped) and resumes on a fresh store and engine over the same disk.
    @Test(arguments: [1, 2, 3])
    func powerLossThenResumeCompletesWithoutRedoingCompletedWork(stopAfterStarts: Int) async throws {
        let counter = CallCounter()
        let hold = Gate()
        let definition = WorkflowDefinition(
            name: "crash", steps: [step("a", input: ["n": 1]), step("b", input: ["n": 2]), step("c", input: ["n": 3])],
            output: try TemplateParser.parse("${steps.c.output.n}"))
        let blocking = ScriptedActivity(activityType: "test.work") { input, context in
            counter.enter(context.activityId)
            defer { counter.leave() }
            // The activity that is running when the power goes never finishes in this engine.
            if counter.total >= stopAfterStarts { await hold.wait() }
            return input
        }
        let fileSystem = InMemoryFileSystem(seed: 7)
        let clock = ManualClock()
        let first = try Harness(definition: definition, handlers: [blocking], fileSystem: fileSystem, clock: clock)
        try await first.start()
        await first.recorder.waitForAttemptStarts(stopAfterStarts)
        let completedBefore = Set(
            try first.history().events.compactMap { event -> String? in
                guard case .activityTaskCompleted(let a) = event.attributes else { return nil }
                return try? first.history().events[Int(a.scheduledEventId) - 1].scheduledActivityId
            })
        await first.engine.shutdown()
        fileSystem.crash(mode: .dropUnsynced)
        fileSystem.restart()

        let resumedCounter = CallCounter()
        let plain = ScriptedActivity(activityType: "test.work") { input, context in
            resumedCounter.enter(context.activityId)
            resumedCounter.leave()
            return input
        }
        let second = try Harness(definition: definition, handlers: [plain], fileSystem: fileSystem, clock: clock)
        await second.engine.startWorkers()
        #expect(try await second.engine.resume("exec-1") == .running)
        #expect(try await second.engine.waitForClose("exec-1") == .completed)
        hold.open()
        // Completed before the crash: never run again. In flight at the crash: run again once.
        for id in completedBefore { #expect(resumedCounter.calls(id) == 0) }
        #expect(resumedCounter.total == 3 - completedBefore.count)
        let history = try second.history()
        #expect(history.outcome == .intact)
        #expect(history.events.map(\.eventId) == Array(1...Int64(history.events.count)))
        try ReplayVerifier.verify(definition: definition, history: history.events, catalog: testCatalog)
    }

    /// The closing batch's fsync fails, the process dies with the page cache kept, and a new engine
    /// resumes: the status it reports must be durable (found in review: it was read from bytes that a
    /// power loss then took away).
    @Test func resumingAClosedExecutionReportsOnlyADurableStatus() async throws {
        let fileSystem = InMemoryFileSystem(seed: 11)
        let clock = ManualClock()
        let definition = WorkflowDefinition(name: "one", steps: [step("a", input: ["n": 1])])
        let failing = ScriptedActivity(activityType: "test.work") { input, _ in
            fileSystem.failNextSync()  // the batch that records this result and closes the execution
            return input
        }
        let first = try Harness(definition: definition, handlers: [failing], fileSystem: fileSystem, clock: clock)
        try await first.start()
        await #expect(throws: EngineError.self) { try await first.engine.waitForClose("exec-1") }
        await first.engine.shutdown()
        fileSystem.crash(mode: .processKill)
        fileSystem.restart(mode: .processKill)

        let second = try Harness(definition: definition, handlers: [failing], fileSystem: fileSystem, clock: clock)
        let reported = try await second.engine.resume("exec-1")
        fileSystem.crash(mode: .dropUnsynced)
        fileSystem.restart()
        let durable = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem).load("exec-1", repair: false)
        #expect(reported == .completed)
        #expect(durable.outcome == .intact)
        #expect(HistoryState(events: durable.events).status == reported)
    }

    /// Two cancellation requests while the first one's batch fails to reach the disk: neither may be
    /// told the cancellation is recorded (found in review: the second answered "already requested"
    /// from the unwritten state).
    @Test func noCancellationIsAcknowledgedWhenItsBatchFails() async throws {
        let gate = Gate()
        let blocked = ScriptedActivity(activityType: "test.work") { input, _ in
            await gate.wait()
            return input
        }
        let harness = try Harness(definition: WorkflowDefinition(name: "one", steps: [step("a", input: ["n": 1])]), handlers: [blocked])
        try await harness.start()
        await harness.recorder.waitForAttemptStarts(1)
        harness.fileSystem.failNextSync()
        let engine = harness.engine
        async let first = Self.succeeds { try await engine.requestCancel("exec-1", identity: "one") }
        async let second = Self.succeeds { try await engine.requestCancel("exec-1", identity: "two") }
        let acknowledged = [await first, await second]
        gate.open()
        #expect(acknowledged == [false, false])
        // What a power loss keeps holds no cancellation request either.
        await engine.shutdown()
        harness.fileSystem.crash(mode: .dropUnsynced)
        harness.fileSystem.restart()
        let durable = try HistoryStore(stateDirectory: "/state", fileSystem: harness.fileSystem).load("exec-1", repair: false)
        #expect(!durable.events.contains { $0.eventType == .workflowExecutionCancelRequested })
    }

    /// Whether `body` returned rather than threw.
    static func succeeds(_ body: () async throws -> Void) async -> Bool {
        do {
            try await body()
            return true
        } catch {
            return false
        }
    }

    @Test func retryCountSurvivesARestart() async throws {
        let policy = RetryPolicy(initialInterval: .seconds(5), backoffCoefficient: 1, maximumInterval: .seconds(5), maximumAttempts: 3)
        let definition = WorkflowDefinition(name: "r", steps: [step("flaky", retry: policy)])
        let failing = ScriptedActivity(activityType: "test.work") { _, _ in
            throw ActivityFailure(reason: "Throttling", details: "slow down")
        }
        let fileSystem = InMemoryFileSystem(seed: 9)
        let clock = ManualClock()
        let first = try Harness(definition: definition, handlers: [failing], fileSystem: fileSystem, clock: clock)
        try await first.start()
        await first.recorder.wait { $0.filter { if case .attemptFailed = $0 { true } else { false } }.count == 1 }
        clock.advance(by: .seconds(5))
        await first.recorder.wait { $0.filter { if case .attemptFailed = $0 { true } else { false } }.count == 2 }
        await first.engine.shutdown()
        fileSystem.crash(mode: .dropUnsynced)
        fileSystem.restart()

        let attempts = Mutex<[Int]>([])
        let recording = ScriptedActivity(activityType: "test.work") { _, context in
            attempts.withLock { $0.append(context.attempt) }
            throw ActivityFailure(reason: "Throttling", details: "still slow")
        }
        let second = try Harness(definition: definition, handlers: [recording], fileSystem: fileSystem, clock: clock)
        await second.engine.startWorkers()
        try await second.engine.resume("exec-1")
        clock.advance(by: .seconds(5))
        #expect(try await second.engine.waitForClose("exec-1") == .failed)
        // Attempts 1 and 2 failed before the restart; only attempt 3 remained.
        #expect(attempts.withLock { $0 } == [3])
    }

    @Test func scheduleToCloseBoundsAllAttempts() async throws {
        let policy = RetryPolicy(initialInterval: .seconds(30), backoffCoefficient: 1, maximumInterval: .seconds(30), maximumAttempts: 0)
        let definition = WorkflowDefinition(
            name: "s2c",
            steps: [step("bounded", retry: policy, timeouts: TimeoutOverrides(scheduleToClose: .after(.minutes(2))))])
        let calls = CallCounter()
        let failing = ScriptedActivity(activityType: "test.work") { _, context in
            calls.enter(context.activityId)
            calls.leave()
            throw ActivityFailure(reason: "Throttling", details: "slow down")
        }
        let harness = try Harness(definition: definition, handlers: [failing])
        try await harness.start()
        for attempt in 1...3 {
            await harness.recorder.wait { $0.filter { if case .attemptFailed = $0 { true } else { false } }.count == attempt }
            harness.clock.advance(by: .seconds(30))
        }
        // The fourth retry would start after the 2-minute bound: the activity fails for good instead.
        #expect(try await harness.engine.waitForClose("exec-1") == .failed)
        #expect(calls.total == 4)
        let closing = try harness.history().events.first { $0.eventType == .activityTaskFailed }
        #expect(closing != nil)
    }
}

extension HistoryEvent {
    /// The activity id, for an `ActivityTaskScheduled` event.
    var scheduledActivityId: String? {
        if case .activityTaskScheduled(let a) = attributes { return a.activityId }
        return nil
    }
}
