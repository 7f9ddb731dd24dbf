import ExecutionCore
import EngineTesting
import HistoryStore
import StrictJSON
import Synchronization
import Testing
import Time
import WorkflowDecider
import WorkflowEngine
import WorkflowModel

@Suite struct EngineTests {
    @Test func sequentialStepsCompleteWithOneFsyncPerActivity() async throws {
        let counter = CallCounter()
        let definition = WorkflowDefinition(
            name: "seq", steps: [step("a", input: ["n": 1]), step("b", input: ["n": 2]), step("c", input: ["n": 3])],
            output: try TemplateParser.parse(["last": "${steps.c.output.n}"]))
        let handler = ScriptedActivity(activityType: "test.work") { input, context in
            counter.enter(context.activityId)
            counter.leave()
            return input
        }
        let harness = try Harness(definition: definition, handlers: [handler])
        let syncsBefore = harness.fileSystem.syncCount
        try await harness.start()
        let status = try await harness.engine.waitForClose("exec-1")
        #expect(status == .completed)
        #expect(counter.order == ["a", "b", "c"])
        let history = try harness.history()
        #expect(history.outcome == .intact)
        #expect(
            history.events.map(\.eventType.rawValue) == [
                "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted",
                "ActivityTaskScheduled",
                "ActivityTaskStarted", "ActivityTaskCompleted", "DecisionTaskScheduled", "DecisionTaskStarted",
                "DecisionTaskCompleted", "ActivityTaskScheduled",
                "ActivityTaskStarted", "ActivityTaskCompleted", "DecisionTaskScheduled", "DecisionTaskStarted",
                "DecisionTaskCompleted", "ActivityTaskScheduled",
                "ActivityTaskStarted", "ActivityTaskCompleted", "DecisionTaskScheduled", "DecisionTaskStarted",
                "DecisionTaskCompleted", "WorkflowExecutionCompleted",
            ])
        guard case .workflowExecutionCompleted(let completed) = history.events.last?.attributes else {
            Issue.record("not completed")
            return
        }
        #expect(completed.result == ["last": 3])
        // After creation (a temporary file, fsynced and linked into place), one fsync of the
        // history per activity: its completion, the decision task and the next schedule are one batch.
        let historySyncs = harness.fileSystem.operationLog.filter { (operation: InMemoryFileSystem.Operation) -> Bool in
            if case .syncFile(let path) = operation { return path.hasSuffix("/exec-1.history") }
            return false
        }.count
        #expect(historySyncs == 3)
        #expect(harness.fileSystem.syncCount > syncsBefore)
        #expect(try ReplayVerifier.verify(definition: definition, history: history.events, catalog: testCatalog) == 4)
    }

    @Test func forEachRespectsConcurrencyAndKeepsElementOrder() async throws {
        let counter = CallCounter()
        let gate = Gate()
        let definition = WorkflowDefinition(
            name: "fan", inputs: [InputSpec(name: "items", type: .array)],
            steps: [step("fan", input: ["value": "${item}", "at": "${index}"], forEach: "${input.items}", concurrency: 2)],
            output: try TemplateParser.parse("${steps.fan.output}"))
        let handler = ScriptedActivity(activityType: "test.work") { input, context in
            counter.enter(context.activityId)
            await gate.wait()
            counter.leave()
            return input["value"] ?? .null
        }
        let harness = try Harness(definition: definition, handlers: [handler])
        try await harness.start(input: JSONObject([("items", ["a", "b", "c", "d", "e"])]))
        await harness.recorder.waitForAttemptStarts(2)
        await eventually("two instances running") { counter.peak == 2 }
        gate.open()
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)
        #expect(counter.peak == 2)
        #expect(counter.total == 5)
        guard case .workflowExecutionCompleted(let completed) = try harness.history().events.last?.attributes else {
            Issue.record("not completed")
            return
        }
        #expect(completed.result == ["a", "b", "c", "d", "e"])
    }

    @Test func retriesWaitForTheBackoffAndAddNoEvents() async throws {
        let counter = CallCounter()
        let policy = RetryPolicy(initialInterval: .seconds(10), backoffCoefficient: 2, maximumInterval: .minutes(1), maximumAttempts: 5)
        let definition = WorkflowDefinition(name: "retry", steps: [step("flaky", retry: policy)])
        let handler = ScriptedActivity(activityType: "test.work") { _, context in
            counter.enter(context.activityId)
            counter.leave()
            if context.attempt < 3 { throw ActivityFailure(reason: "Throttling", details: "slow down") }
            return ["attempt": .number(Double(context.attempt))]
        }
        let harness = try Harness(definition: definition, handlers: [handler])
        try await harness.start()
        await harness.recorder.wait { $0.contains { if case .attemptFailed = $0 { true } else { false } } }
        #expect(counter.total == 1)
        // Not yet: the backoff is 10 s.
        harness.clock.advance(by: .seconds(9))
        await Task.yield()
        #expect(counter.total == 1)
        harness.clock.advance(by: .seconds(1))
        await harness.recorder.wait { $0.filter { if case .attemptFailed = $0 { true } else { false } }.count == 2 }
        #expect(counter.total == 2)
        harness.clock.advance(by: .seconds(20))
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)
        #expect(counter.total == 3)
        let history = try harness.history()
        let attempts = history.records.compactMap { record -> ActivityAttemptFailed? in
            if case .attemptFailed(let attempt) = record { return attempt }
            return nil
        }
        #expect(attempts.map(\.attempt) == [1, 2])
        #expect(attempts.map(\.reason) == ["Throttling", "Throttling"])
        #expect(history.events.filter { $0.eventType == .activityTaskStarted }.count == 1)
        guard case .activityTaskStarted(let started) = history.events.first(where: { $0.eventType == .activityTaskStarted })?.attributes
        else { return }
        #expect(started.attempt == 3)
    }

    @Test func nonRetryableFailureRollsBackNewestCompletionFirst() async throws {
        let counter = CallCounter()
        let undo = Compensation(activity: "test.undo", input: try TemplateParser.parse(["undo": "${output.name}"]))
        let definition = WorkflowDefinition(
            name: "saga", onFailure: .rollback,
            steps: [
                step("one", compensation: undo, input: ["name": "one"]),
                step("two", compensation: undo, input: ["name": "two"]),
                step("three", input: ["name": "three", "fail": true]),
            ])
        let work = ScriptedActivity(activityType: "test.work") { input, context in
            counter.enter(context.activityId)
            counter.leave()
            if input["fail"] == true { throw ActivityFailure(reason: "InvalidParameterValue", details: "no", isNonRetryable: true) }
            return input
        }
        let undoHandler = ScriptedActivity(activityType: "test.undo") { input, context in
            counter.enter(context.activityId)
            counter.leave()
            return input
        }
        let harness = try Harness(definition: definition, handlers: [work, undoHandler])
        try await harness.start()
        #expect(try await harness.engine.waitForClose("exec-1") == .failed)
        #expect(counter.order == ["one", "two", "three", "compensate:two", "compensate:one"])
        #expect(counter.calls("three") == 1)
        let history = try harness.history()
        guard case .workflowExecutionFailed(let failed) = history.events.last?.attributes else {
            Issue.record("expected failure")
            return
        }
        #expect(failed.reason == "StepFailed")
        #expect(failed.details["step"] == "three")
        #expect(failed.details["cause"] == "InvalidParameterValue")
        #expect(failed.details["rollback"] == "completed")
        #expect(failed.details["compensated"] == ["two", "one"])
        #expect(
            history.events.contains { if case .markerRecorded(let m) = $0.attributes { m.markerName == "RollbackStarted" } else { false } })
        try ReplayVerifier.verify(definition: definition, history: history.events, catalog: testCatalog)
    }

    @Test func startToCloseTimeoutCancelsTheAttemptAndRefusesItsLateResult() async throws {
        let released = Gate()
        let definition = WorkflowDefinition(
            name: "slow",
            steps: [
                step("slow", retry: RetryPolicy(maximumAttempts: 1), timeouts: TimeoutOverrides(startToClose: .after(.minutes(2))))
            ])
        let handler = ScriptedActivity(activityType: "test.work") { _, _ in
            // Ignores cancellation, like a stuck call, and answers late.
            await released.wait()
            return "late"
        }
        let harness = try Harness(definition: definition, handlers: [handler])
        try await harness.start()
        await harness.recorder.waitForAttemptStarts(1)
        harness.clock.advance(by: .minutes(2))
        #expect(try await harness.engine.waitForClose("exec-1") == .failed)
        // The stuck attempt now answers; its result must be refused (stale token), not recorded.
        released.open()
        await harness.recorder.wait { $0.contains { if case .staleResultRefused = $0 { true } else { false } } }
        let history = try harness.history()
        let timedOut = history.events.compactMap { event -> ActivityTaskTimedOutEventAttributes? in
            if case .activityTaskTimedOut(let a) = event.attributes { return a }
            return nil
        }
        #expect(timedOut.map(\.timeoutType) == [.startToClose])
        #expect(!history.events.contains { $0.eventType == .activityTaskCompleted })
    }

    @Test func staleTokenIsRefused() async throws {
        let definition = WorkflowDefinition(name: "x", steps: [step("a")])
        let harness = try Harness(definition: definition, handlers: [], workers: 0)
        try await harness.start()
        await #expect(throws: ExecutionError.self) {
            try await harness.engine.finishAttempt(taskToken: "exec-1/5/1/99", outcome: .completed("x"))
        }
        let stillOpen = try harness.history().events.last?.eventType
        #expect(stillOpen == .activityTaskScheduled)
    }

    @Test func heartbeatTimeoutRetriesThenTimesOut() async throws {
        let counter = CallCounter()
        let definition = WorkflowDefinition(
            name: "hb",
            steps: [
                step(
                    "beat", retry: RetryPolicy(initialInterval: .seconds(1), maximumAttempts: 2),
                    timeouts: TimeoutOverrides(startToClose: .after(.hours(1)), heartbeat: .after(.seconds(30))))
            ])
        // Each attempt's heartbeat re-arms its heartbeat timeout: the clock moves only once it has.
        let beaten = [Gate(), Gate()]
        let handler = ScriptedActivity(activityType: "test.work") { _, context in
            counter.enter(context.activityId)
            _ = await context.heartbeat(["progress": 1])
            beaten[context.attempt - 1].open()
            // Then goes quiet until cancelled.
            try await context.clock.sleep(until: Timestamp(millisecondsSinceEpoch: .max / 2))
            return .null
        }
        let harness = try Harness(definition: definition, handlers: [handler])
        try await harness.start()
        await beaten[0].wait()
        harness.clock.advance(by: .seconds(30))
        await harness.recorder.wait { $0.contains { if case .attemptFailed = $0 { true } else { false } } }
        harness.clock.advance(by: .seconds(1))
        await beaten[1].wait()
        harness.clock.advance(by: .seconds(30))
        #expect(try await harness.engine.waitForClose("exec-1") == .failed)
        #expect(counter.total == 2)
        let timedOut = try harness.history().events.compactMap { event -> ActivityTaskTimedOutEventAttributes? in
            if case .activityTaskTimedOut(let a) = event.attributes { return a }
            return nil
        }
        #expect(timedOut.map(\.timeoutType) == [.heartbeat])
        #expect(timedOut.first?.details == ["progress": 1])
    }

    @Test func scheduleToStartTimesOutWithoutWorkers() async throws {
        let definition = WorkflowDefinition(
            name: "s2s", steps: [step("idle", timeouts: TimeoutOverrides(scheduleToStart: .after(.minutes(1))))])
        let harness = try Harness(definition: definition, handlers: [], workers: 0)
        try await harness.start()
        harness.clock.advance(by: .minutes(1))
        #expect(try await harness.engine.waitForClose("exec-1") == .failed)
        let timedOut = try harness.history().events.compactMap { event -> ActivityTaskTimedOutEventAttributes? in
            if case .activityTaskTimedOut(let a) = event.attributes { return a }
            return nil
        }
        #expect(timedOut.map(\.timeoutType) == [.scheduleToStart])
        #expect(timedOut.first?.startedEventId == 0)
    }

    @Test func cancelStopsRunningWorkAndClosesCanceled() async throws {
        let definition = WorkflowDefinition(name: "c", steps: [step("long"), step("never")])
        let handler = ScriptedActivity(activityType: "test.work") { _, context in
            try await context.clock.sleep(until: Timestamp(millisecondsSinceEpoch: .max / 2))
            return .null
        }
        let harness = try Harness(definition: definition, handlers: [handler])
        try await harness.start()
        await harness.recorder.waitForAttemptStarts(1)
        try await harness.engine.requestCancel("exec-1", identity: "test")
        #expect(try await harness.engine.waitForClose("exec-1") == .canceled)
        let types = try harness.eventTypes()
        #expect(types.contains("WorkflowExecutionCancelRequested"))
        #expect(types.contains("ActivityTaskCancelRequested"))
        #expect(types.contains("ActivityTaskCanceled"))
        #expect(types.last == "WorkflowExecutionCanceled")
        #expect(!types.contains("ActivityTaskCompleted"))
    }

    @Test func timerStepWaitsOnTheClock() async throws {
        let definition = WorkflowDefinition(
            name: "t", steps: [Step(id: "soak", kind: .timer(duration: .minutes(10))), step("after")])
        let handler = ScriptedActivity(activityType: "test.work") { input, _ in input }
        let harness = try Harness(definition: definition, handlers: [handler])
        try await harness.start()
        await harness.recorder.waitForEvent(.timerStarted)
        harness.clock.advance(by: .minutes(9))
        await Task.yield()
        #expect(!(try harness.eventTypes().contains("TimerFired")))
        harness.clock.advance(by: .minutes(1))
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)
        #expect(try harness.eventTypes().contains("TimerFired"))
    }

    @Test func executionTimeoutClosesTheExecution() async throws {
        let definition = WorkflowDefinition(name: "to", executionTimeout: .minutes(30), steps: [step("long")])
        let handler = ScriptedActivity(activityType: "test.work") { _, context in
            try await context.clock.sleep(until: Timestamp(millisecondsSinceEpoch: .max / 2))
            return .null
        }
        let harness = try Harness(definition: definition, handlers: [handler])
        try await harness.start()
        await harness.recorder.waitForAttemptStarts(1)
        harness.clock.advance(by: .minutes(30))
        #expect(try await harness.engine.waitForClose("exec-1") == .timedOut)
        #expect(try harness.eventTypes().last == "WorkflowExecutionTimedOut")
    }

    @Test func aDayOfPollingStaysFarBelowTheEventCap() async throws {
        // rds.waitAvailable's shape: one activity that polls every 30 s for 24 h, heartbeating.
        let polls = Mutex(-1)
        let pollCount = 24 * 60 * 2
        let definition = WorkflowDefinition(
            name: "wait",
            steps: [step("wait", timeouts: TimeoutOverrides(startToClose: .after(.hours(25)), heartbeat: .after(.minutes(2))))])
        let handler = ScriptedActivity(activityType: "test.work") { _, context in
            let start = context.clock.now()
            polls.withLock { $0 = 0 }
            for poll in 1...pollCount {
                try await context.clock.sleep(until: start.adding(.seconds(Int64(30 * poll))))
                _ = await context.heartbeat(["poll": .number(Double(poll))])
                polls.withLock { $0 = poll }
            }
            return "available"
        }
        let harness = try Harness(definition: definition, handlers: [handler])
        try await harness.start()
        await eventually("the poller started") { polls.withLock { $0 } == 0 }
        for poll in 1...pollCount {
            harness.clock.advance(by: .seconds(30))
            await eventually("poll \(poll)") { polls.withLock { $0 } >= poll }
        }
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)
        let events = try harness.history().events.count
        #expect(events == 11)
        #expect(events < Limits.historyEventsMax / 100)
    }

    @Test func aFailedCreationStartsNothing() async throws {
        let definition = WorkflowDefinition(name: "io", steps: [step("a"), step("b")])
        let handler = ScriptedActivity(activityType: "test.work") { input, _ in input }
        let fileSystem = InMemoryFileSystem(seed: 3)
        let harness = try Harness(definition: definition, handlers: [handler], fileSystem: fileSystem)
        fileSystem.failNextSync(count: 1_000)
        await harness.engine.startWorkers()
        // Creation itself fsyncs, so the start is refused and nothing is acknowledged.
        await #expect(throws: (any Error).self) {
            try await harness.start()
        }
        fileSystem.clearFaults()
        #expect(fileSystem.durableContents(of: "/state/executions/exec-1.history") == nil)
    }

    /// Fail-stop: once an append's fsync fails, nothing more is written or acknowledged.
    @Test func aFailedAppendStopsTheEngine() async throws {
        let gate = Gate()
        let definition = WorkflowDefinition(name: "io", steps: [step("a"), step("b")])
        let handler = ScriptedActivity(activityType: "test.work") { input, _ in
            await gate.wait()
            return input
        }
        let fileSystem = InMemoryFileSystem(seed: 4)
        let harness = try Harness(definition: definition, handlers: [handler], fileSystem: fileSystem)
        try await harness.start()
        await harness.recorder.waitForAttemptStarts(1)
        let durableBefore = fileSystem.durableContents(of: "/state/executions/exec-1.history")
        fileSystem.failNextSync(count: 1_000)
        gate.open()
        await #expect(throws: EngineError.self) { _ = try await harness.engine.waitForClose("exec-1") }
        await harness.recorder.wait { $0.contains { if case .stopped = $0 { true } else { false } } }
        await #expect(throws: EngineError.self) { try await harness.start("exec-2") }
        #expect(fileSystem.durableContents(of: "/state/executions/exec-1.history") == durableBefore)
        fileSystem.clearFaults()
    }
}

@Suite struct WaitTests {
    @Test func cancellingAWaiterEndsItsWait() async throws {
        let gate = Gate()
        let handler = ScriptedActivity(activityType: "test.work") { input, _ in
            await gate.wait()
            return input
        }
        let harness = try Harness(definition: WorkflowDefinition(name: "hang", steps: [step("a")]), handlers: [handler])
        try await harness.start()
        let waiter = Task { try await harness.engine.waitForClose("exec-1") }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiter.value }
        gate.open()
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)
    }
}
