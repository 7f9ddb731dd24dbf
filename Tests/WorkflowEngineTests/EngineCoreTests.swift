import EngineTesting
import ExecutionCore
import HistoryStore
import StrictJSON
import Testing
import WorkflowDecider
import WorkflowEngine
import Time
import WorkflowModel

/// The engine shell around the execution machine: decision tasks taken by a decider that polls,
/// operators' inputs, the history limit, and what the history records about attempts.
@Suite struct EngineCoreTests {
    // MARK: The history limit (issue 13, defect 1)

    /// Six `forEach` steps over 1,000 items each would need ~37,000 events. The execution must close
    /// in a defined state before the limit, never be left open with the store refusing its writes.
    @Test(.timeLimit(.minutes(5)))
    func aFanOutTooBigForTheHistoryFailsBeforeReachingItsLimit() async throws {
        // Side by side: the open-activity limit (1,000) lets them run a thousand at a time.
        let steps = (0..<6).map { index in step("fan\(index)", after: [], input: ["n": "${index}"], forEach: "${input.items}") }
        let definition = WorkflowDefinition(name: "huge", inputs: [InputSpec(name: "items", type: .array)], steps: steps)
        let handler = ScriptedActivity(activityType: "test.work") { input, _ in input }
        let harness = try Harness(definition: definition, handlers: [handler], workers: 16)
        let items = JSONValue.array((0..<Limits.forEachItemsMax).map { .number(Double($0)) })
        try await harness.start(input: JSONObject([("items", items)]))
        #expect(try await harness.engine.waitForClose("exec-1") == .failed)
        let history = try harness.history()
        #expect(history.outcome == .intact)
        #expect(history.events.count <= Limits.historyEventsMax)
        guard case .workflowExecutionFailed(let failed)? = history.events.last?.attributes else {
            Issue.record("the execution did not fail: \(String(describing: history.events.last?.eventType))")
            return
        }
        #expect(failed.details["cause"] == "HistoryLimitExceeded")
        #expect(!harness.recorder.notifications.contains { if case .stopped = $0 { true } else { false } })
        // Resuming the closed execution adds nothing.
        let count = history.events.count
        #expect(try await harness.engine.resume("exec-1") == .failed)
        #expect(try harness.history().events.count == count)
    }

    // MARK: Attempts in the history (issue 13, defect 3)

    @Test(.timeLimit(.minutes(1)))
    func activityTaskStartedCarriesWhenTheAttemptStarted() async throws {
        let gate = Gate()
        let handler = ScriptedActivity(activityType: "test.work") { input, _ in
            await gate.wait()
            return input
        }
        let clock = ManualClock()
        let harness = try Harness(definition: WorkflowDefinition(name: "x", steps: [step("a")]), handlers: [handler], clock: clock)
        let startedAt = clock.now()
        try await harness.start()
        await harness.recorder.waitForAttemptStarts(1)
        clock.advance(by: .seconds(90))
        gate.open()
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)
        let events = try harness.history().events
        let started = try #require(events.first { $0.eventType == .activityTaskStarted })
        let completed = try #require(events.first { $0.eventType == .activityTaskCompleted })
        #expect(started.eventTimestamp == startedAt)
        #expect(completed.eventTimestamp.interval(since: started.eventTimestamp) == .seconds(90))
    }

    // MARK: Deciders that poll

    /// A decider outside the engine takes each decision task, reads the durable history and answers:
    /// the same workflow runs as with the in-process decider.
    @Test(.timeLimit(.minutes(1)))
    func aDeciderThatPollsRunsTheWorkflow() async throws {
        let definition = WorkflowDefinition(name: "seq", steps: [step("a"), step("b")])
        let handler = ScriptedActivity(activityType: "test.work") { input, _ in input }
        let harness = try Harness(definition: definition, handlers: [handler], decidesInProcess: false)
        try await harness.start()
        var rounds = 0
        while try harness.history().events.last?.eventType.closesExecution != true {
            guard let task = try await harness.engine.pollForDecisionTask(identity: "remote decider", until: nil) else { break }
            let state = HistoryState(events: try harness.history().events)
            #expect(state.openDecisionTask?.startedEventId != nil, "DecisionTaskStarted is durable before the task is handed out")
            try await harness.engine.completeDecisionTask(
                taskToken: task.taskToken, decisions: Decider.decisions(definition: definition, state: state, catalog: testCatalog))
            rounds += 1
        }
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)
        #expect(rounds == 3)
        let starts = try harness.history().events.compactMap { event -> String? in
            if case .decisionTaskStarted(let started) = event.attributes { return started.identity }
            return nil
        }
        #expect(starts == ["remote decider", "remote decider", "remote decider"])
    }

    @Test(.timeLimit(.minutes(1)))
    func anUnansweredDecisionTaskTimesOutAndItsTokenIsRefused() async throws {
        let clock = ManualClock()
        let harness = try Harness(
            definition: WorkflowDefinition(name: "x", steps: [step("a")]), handlers: [], workers: 0, clock: clock,
            decidesInProcess: false)
        try await harness.start()
        let first = try #require(try await harness.engine.pollForDecisionTask(identity: "slow", until: nil))
        clock.advance(by: Limits.decisionTaskTimeout)
        await harness.recorder.waitForEvent(.decisionTaskTimedOut)
        await #expect(throws: ExecutionError.self) {
            try await harness.engine.completeDecisionTask(taskToken: first.taskToken, decisions: [])
        }
        let second = try #require(try await harness.engine.pollForDecisionTask(identity: "fast", until: nil))
        #expect(second.taskToken != first.taskToken)
        #expect(try harness.eventTypes().suffix(3) == ["DecisionTaskTimedOut", "DecisionTaskScheduled", "DecisionTaskStarted"])
    }

    /// A long poll returns nothing once its deadline passes, at the deadline (n-1, n, n+1 of the clock).
    @Test(.timeLimit(.minutes(1)))
    func aLongPollEndsEmptyAtItsDeadline() async throws {
        let clock = ManualClock()
        let harness = try Harness(
            definition: WorkflowDefinition(name: "x", steps: [step("a")]), handlers: [], workers: 0, clock: clock,
            decidesInProcess: false)
        let deadline = clock.now().adding(.seconds(60))
        let poll = Task { try await harness.engine.pollForDecisionTask(identity: "d", until: deadline) }
        await eventually("the poll waits on the clock") { clock.sleeperCount >= 1 }
        clock.advance(by: .milliseconds(59_999))
        clock.advance(by: .milliseconds(1))
        #expect(try await poll.value == nil)
        // With a task waiting, a poll is answered at once whatever its deadline.
        try await harness.start()
        #expect(try await harness.engine.pollForDecisionTask(identity: "d", until: clock.now()) != nil)
    }

    // MARK: Operators

    @Test(.timeLimit(.minutes(1)))
    func terminateClosesAtOnceAndStopsRunningWork() async throws {
        let stopped = Gate()
        let handler = ScriptedActivity(activityType: "test.work") { _, _ in
            // Runs until the engine cancels it.
            let running = Gate()
            await withTaskCancellationHandler {
                await running.wait()
            } onCancel: {
                running.open()
                stopped.open()
            }
            throw CancellationError()
        }
        let harness = try Harness(definition: WorkflowDefinition(name: "x", steps: [step("a")]), handlers: [handler])
        try await harness.start()
        await harness.recorder.waitForAttemptStarts(1)
        try await harness.engine.terminate("exec-1", reason: "stuck", identity: "ops")
        await stopped.wait()
        #expect(try await harness.engine.waitForClose("exec-1") == .terminated)
        let last = try #require(try harness.history().events.last)
        guard case .workflowExecutionTerminated(let terminated) = last.attributes else {
            Issue.record("ends with \(last.eventType)")
            return
        }
        #expect(terminated.reason == "stuck" && terminated.cause == "OPERATOR_INITIATED" && terminated.identity == "ops")
        await #expect(throws: EngineError.self) { try await harness.engine.terminate("exec-1", reason: nil, identity: "ops") }
    }

    @Test(.timeLimit(.minutes(1)))
    func aSignalIsDurableWhenAcknowledged() async throws {
        let gate = Gate()
        let handler = ScriptedActivity(activityType: "test.work") { input, _ in
            await gate.wait()
            return input
        }
        let harness = try Harness(definition: WorkflowDefinition(name: "x", steps: [step("a")]), handlers: [handler])
        try await harness.start()
        try await harness.engine.signal("exec-1", name: "approve", input: ["by": "ops"], identity: "ops")
        let types = try harness.eventTypes()
        let signaled = try #require(types.firstIndex(of: "WorkflowExecutionSignaled"))
        #expect(Array(types[signaled...]) == ["WorkflowExecutionSignaled", "DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted"])
        gate.open()
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)
    }
}

/// Workers outside the engine: they long-poll a task list by name and report with the token.
@Suite struct ActivityPollTests {
    @Test(.timeLimit(.minutes(1)))
    func aWorkerThatPollsRunsTheActivitiesOfItsTaskList() async throws {
        let definition = WorkflowDefinition(name: "seq", steps: [step("a"), step("b")])
        let harness = try Harness(definition: definition, handlers: [], workers: 0)
        try await harness.start()
        #expect(await harness.engine.pendingActivityTaskCount(taskList: "default") == 1)
        #expect(await harness.engine.pendingActivityTaskCount(taskList: "other") == 0)
        var seen: [String] = []
        while let task = await harness.engine.pollForActivityTask(taskList: "default", identity: "remote worker", until: nil) {
            seen.append(task.activityId)
            #expect(!(await harness.engine.recordHeartbeat(taskToken: task.taskToken, details: ["at": 1])))
            try await harness.engine.finishAttempt(taskToken: task.taskToken, outcome: .completed(["by": "remote"]))
            if seen.count == 2 { break }
        }
        #expect(seen == ["a", "b"])
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)
        let identities = try harness.history().events.compactMap { event -> String? in
            if case .activityTaskStarted(let started) = event.attributes { return started.identity }
            return nil
        }
        #expect(identities == ["remote worker", "remote worker"])
    }

    /// A long poll of an empty list ends at its deadline; one on another list does not take the task.
    @Test(.timeLimit(.minutes(1)))
    func aLongPollWaitsForItsOwnListUntilItsDeadline() async throws {
        let clock = ManualClock()
        let harness = try Harness(definition: WorkflowDefinition(name: "x", steps: [step("a")]), handlers: [], workers: 0, clock: clock)
        let deadline = clock.now().adding(.seconds(60))
        let other = Task { await harness.engine.pollForActivityTask(taskList: "other", identity: "w", until: deadline) }
        let mine = Task { await harness.engine.pollForActivityTask(taskList: "default", identity: "w", until: deadline) }
        await eventually("both polls wait on the clock") { clock.sleeperCount >= 1 }
        try await harness.start()
        let task = try #require(await mine.value)
        #expect(task.activityId == "a")
        clock.advance(by: .seconds(60))
        #expect(await other.value == nil)
        try await harness.engine.finishAttempt(taskToken: task.taskToken, outcome: .completed(.null))
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)
    }
}
