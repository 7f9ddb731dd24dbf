import ExecutionCore
import StrictJSON
import Testing
import Time
import WorkflowModel

/// The execution machine driven by hand: no engine, no clock, no disk.
@Suite struct ExecutionMachineTests {
    static let oneStep = #""steps": [{"id": "a", "activity": "noop"}]"#

    @Test func startSchedulesOneDecisionTask() throws {
        let harness = try MachineHarness(Self.oneStep)
        #expect(harness.types == [.workflowExecutionStarted, .decisionTaskScheduled])
        #expect(harness.lastActions.map(\.summary) == ["offer decision"])
        #expect(harness.machine.decisionTaskToStart?.scheduledEventId == 2)
    }

    @Test func anActivityRunsAndItsStartedEventCarriesWhenItStarted() throws {
        var harness = try MachineHarness(Self.oneStep)
        harness.decide()
        #expect(harness.lastActions.map(\.summary).contains("offer a#1"))
        harness.now = epoch.adding(.seconds(5))
        let token = harness.startAttempt("a")
        harness.now = epoch.adding(.seconds(65))
        let done = harness.apply(.attemptEnded(taskToken: token, outcome: .completed(["ok": true])))
        #expect(done.events.map(\.eventType) == [.activityTaskStarted, .activityTaskCompleted, .decisionTaskScheduled])
        // The start is recorded with the outcome (one fsync per activity) but at the time it started.
        #expect(done.events[0].eventTimestamp == epoch.adding(.seconds(5)))
        #expect(done.events[1].eventTimestamp == epoch.adding(.seconds(65)))
        guard case .activityTaskCompleted(let completed) = done.events[1].attributes else { return }
        #expect(completed.startedEventId == done.events[0].eventId)
        // The token died with its attempt.
        #expect(harness.refusal(of: .heartbeat(taskToken: token, details: nil)) == .unknownTask)
        #expect(harness.refusal(of: .attemptEnded(taskToken: token, outcome: .completed(.null))) == .unknownTask)
        harness.decide()
        #expect(harness.machine.state.status == .completed)
        #expect(harness.lastActions.last?.summary == "closed completed")
    }

    @Test func aQueuedTaskCannotBeEndedAndARunningOneCannotBeStartedTwice() throws {
        var harness = try MachineHarness(Self.oneStep)
        harness.decide()
        let token = harness.token("a")
        #expect(harness.refusal(of: .attemptEnded(taskToken: token, outcome: .completed(.null))) == .unknownTask)
        harness.startAttempt("a")
        #expect(harness.refusal(of: .attemptStarted(taskToken: token, identity: "other")) == .unknownTask)
        #expect(harness.refusal(of: .attemptStarted(taskToken: "exec-1/5/1/i0.1", identity: "other")) == .unknownTask)
        #expect(harness.refusal(of: .attemptStarted(taskToken: "garbage", identity: "other")) == .unknownTask)
    }

    // MARK: One decision task at a time

    @Test func eventsWhileADeciderHoldsTheTaskScheduleTheNextOneAfterIt() throws {
        var harness = try MachineHarness(#""steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "after": []}]"#)
        harness.decide()
        let tokenA = harness.startAttempt("a")
        let tokenB = harness.startAttempt("b")
        harness.apply(.attemptEnded(taskToken: tokenA, outcome: .completed(.null)))
        let task = try #require(harness.machine.decisionTaskToStart)
        harness.apply(.decisionTaskStarted(taskToken: task.taskToken, identity: "slow decider"))
        // b completes while the decider works: no second decision task yet.
        let meanwhile = harness.apply(.attemptEnded(taskToken: tokenB, outcome: .completed(.null)))
        #expect(!meanwhile.events.contains { $0.eventType == .decisionTaskScheduled })
        #expect(harness.machine.decisionTaskToStart == nil)
        let done = harness.apply(.decisionTaskCompleted(taskToken: task.taskToken, decisions: []))
        #expect(done.events.map(\.eventType) == [.decisionTaskCompleted, .decisionTaskScheduled])
        #expect(harness.refusal(of: .decisionTaskCompleted(taskToken: task.taskToken, decisions: [])) == .unknownTask)
    }

    @Test func aDecisionTaskThatTimesOutIsScheduledAgainAndItsTokenDies() throws {
        var harness = try MachineHarness(Self.oneStep)
        let task = try #require(harness.machine.decisionTaskToStart)
        harness.apply(.decisionTaskStarted(taskToken: task.taskToken, identity: "decider"))
        #expect(harness.machine.armed[.decisionTaskStartToClose] == epoch.adding(Limits.decisionTaskTimeout))
        let timedOut = harness.fire(.decisionTaskStartToClose)
        #expect(timedOut.events.map(\.eventType) == [.decisionTaskTimedOut, .decisionTaskScheduled])
        #expect(harness.refusal(of: .decisionTaskCompleted(taskToken: task.taskToken, decisions: [])) == .unknownTask)
        #expect(harness.machine.decisionTaskToStart != nil)
    }

    // MARK: Retries: one decision for failures and timeouts

    static let retried = #""steps": [{"id": "a", "activity": "noop", "retry": {"maximumAttempts": 3, "initialInterval": "10s", "backoffCoefficient": 2, "maximumInterval": "1m"}, "timeouts": {"startToClose": "30s"}}]"#

    @Test func aFailedAttemptIsRetriedWithARecordNotAnEventUntilItsAttemptsRunOut() throws {
        var harness = try MachineHarness(Self.retried)
        harness.decide()
        for attempt in 1...2 {
            let token = harness.startAttempt("a")
            let failed = harness.apply(.attemptEnded(taskToken: token, outcome: .failed(ActivityFailure(reason: "Throttling", details: "slow down"))))
            #expect(failed.events.isEmpty, "a retry adds no event")
            #expect(failed.retry?.attempt == attempt)
            #expect(failed.retry?.nextAttemptAt == harness.now.adding(.seconds(10 << Int64(attempt - 1))))
            #expect(harness.refusal(of: .heartbeat(taskToken: token, details: nil)) == .unknownTask)
            harness.fire(.retry(5))
            #expect(harness.lastActions.map(\.summary).contains("offer a#\(attempt + 1)"))
        }
        let token = harness.startAttempt("a")
        let last = harness.apply(.attemptEnded(taskToken: token, outcome: .failed(ActivityFailure(reason: "Throttling", details: "slow down"))))
        #expect(last.retry == nil)
        #expect(last.events.map(\.eventType) == [.activityTaskStarted, .activityTaskFailed, .decisionTaskScheduled])
    }

    @Test func aTimedOutAttemptTakesTheSameRetryDecision() throws {
        var harness = try MachineHarness(Self.retried)
        harness.decide()
        for attempt in 1...2 {
            harness.startAttempt("a")
            let timedOut = harness.fire(.startToClose(5))
            #expect(timedOut.retry?.attempt == attempt)
            #expect(timedOut.retry?.reason == "Timeout.START_TO_CLOSE")
            #expect(timedOut.actions.map(\.summary).first == "cancel attempt")
            harness.fire(.retry(5))
        }
        harness.startAttempt("a")
        let last = harness.fire(.startToClose(5))
        #expect(last.events.map(\.eventType) == [.activityTaskStarted, .activityTaskTimedOut, .decisionTaskScheduled])
    }

    /// The boundary of schedule-to-close: a retry is made only when it would start before the deadline.
    @Test(arguments: [(9_999, true), (10_000, false), (10_001, false)])
    func aRetryMustStartBeforeTheScheduleToCloseDeadline(millisecondsAfter: Int64, retries: Bool) throws {
        // scheduleToClose 70s; the retry comes 10s after the failure: fail at 60s - 1ms, 60s, 60s + 1ms.
        var harness = try MachineHarness(
            #""steps": [{"id": "a", "activity": "noop", "retry": {"maximumAttempts": 0, "initialInterval": "10s", "backoffCoefficient": 1}, "timeouts": {"startToClose": "1m", "scheduleToClose": "70s"}}]"#)
        harness.decide()
        let token = harness.startAttempt("a")
        harness.now = epoch.adding(.milliseconds(50_000 + millisecondsAfter))
        let outcome = harness.apply(.attemptEnded(taskToken: token, outcome: .failed(ActivityFailure(reason: "Throttling", details: ""))))
        #expect((outcome.retry != nil) == retries)
    }

    @Test func aNonRetryableFailureClosesAtOnce() throws {
        var harness = try MachineHarness(Self.retried)
        harness.decide()
        let token = harness.startAttempt("a")
        let failed = harness.apply(
            .attemptEnded(taskToken: token, outcome: .failed(ActivityFailure(reason: "InvalidOutput", details: "", isNonRetryable: true))))
        #expect(failed.retry == nil)
        #expect(failed.events.map(\.eventType).contains(.activityTaskFailed))
    }

    // MARK: Heartbeats

    @Test func aHeartbeatMovesItsDeadlineAndTheOldOneIsStale() throws {
        var harness = try MachineHarness(#""steps": [{"id": "a", "activity": "noop", "timeouts": {"startToClose": "5m", "heartbeat": "30s"}}]"#)
        harness.decide()
        let token = harness.startAttempt("a")
        harness.now = epoch.adding(.seconds(20))
        harness.apply(.heartbeat(taskToken: token, details: ["progress": 1]))
        #expect(harness.machine.armed[.heartbeat(5)] == epoch.adding(.seconds(50)))
        // The deadline armed first (due at 30s) comes late from the driver: it is stale.
        harness.now = epoch.adding(.seconds(30))
        let stale = harness.apply(.deadlineFired(.heartbeat(5)))
        #expect(stale.events.isEmpty && stale.retry == nil)
        harness.fire(.heartbeat(5))
        #expect(harness.machine.runs[5]?.lastFailure?.reason == "Timeout.HEARTBEAT")
    }

    // MARK: Cancellation, termination, signals

    @Test func cancellingWorkNoWorkerHoldsRecordsItCanceledAtOnce() throws {
        var harness = try MachineHarness(Self.oneStep)
        harness.decide()
        harness.apply(.cancelRequested(identity: "ops"))
        harness.decide()
        let types = harness.types
        let requested = try #require(types.lastIndex(of: .activityTaskCancelRequested))
        #expect(types[requested + 1] == .activityTaskCanceled)
        #expect(types[requested + 2] == .decisionTaskScheduled)
        #expect(harness.lastActions.map(\.summary).contains("withdraw"))
        harness.decide()
        #expect(harness.machine.state.status == .canceled)
    }

    @Test func cancellingARunningAttemptAsksItsWorkerToStop() throws {
        var harness = try MachineHarness(Self.oneStep)
        harness.decide()
        let token = harness.startAttempt("a")
        harness.apply(.cancelRequested(identity: "ops"))
        #expect(harness.refusal(of: .cancelRequested(identity: "again")) == nil)
        harness.decide()
        #expect(harness.lastActions.map(\.summary).contains("cancel attempt"))
        let heartbeat = harness.apply(.heartbeat(taskToken: token, details: nil))
        #expect(heartbeat.cancelRequested)
        let canceled = harness.apply(.attemptEnded(taskToken: token, outcome: .canceled(details: "stopped")))
        #expect(canceled.events.map(\.eventType) == [.activityTaskStarted, .activityTaskCanceled, .decisionTaskScheduled])
    }

    @Test func terminatingClosesAtOnceAndTheExecutionAcceptsNothingMore() throws {
        var harness = try MachineHarness(#""steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "after": []}]"#)
        harness.decide()
        let running = harness.startAttempt("a")
        let queued = harness.token("b")
        let terminated = harness.apply(.terminate(reason: "stuck", details: nil, identity: "ops"))
        #expect(terminated.events.map(\.eventType) == [.workflowExecutionTerminated])
        let actions = terminated.actions.map(\.summary)
        #expect(actions.contains("cancel attempt") && actions.contains("withdraw") && actions.last == "closed terminated")
        #expect(harness.machine.armed.isEmpty && harness.machine.runs.isEmpty && harness.machine.decisionTask == nil)
        for input: ExecutionInput in [
            .attemptEnded(taskToken: running, outcome: .completed(.null)), .attemptStarted(taskToken: queued, identity: "w"),
            .cancelRequested(identity: "ops"), .terminate(reason: nil, details: nil, identity: "ops"),
            .signal(name: "go", input: nil, identity: "ops"), .deadlineFired(.executionTimeout),
        ] {
            #expect(harness.refusal(of: input) == .closed)
        }
    }

    @Test func aSignalIsRecordedForTheDecider() throws {
        var harness = try MachineHarness(Self.oneStep)
        harness.decide()
        let signaled = harness.apply(.signal(name: "approve", input: ["by": "ops"], identity: "ops"))
        #expect(signaled.events.map(\.eventType) == [.workflowExecutionSignaled, .decisionTaskScheduled])
        #expect(harness.machine.state.signals.first?.attributes.signalName == "approve")
    }

    @Test func theExecutionTimeoutClosesIt() throws {
        var harness = try MachineHarness(Self.oneStep, timeout: "1h")
        harness.decide()
        harness.startAttempt("a")
        let timedOut = harness.fire(.executionTimeout)
        #expect(timedOut.events.map(\.eventType) == [.workflowExecutionTimedOut])
        #expect(harness.machine.state.status == .timedOut)
    }

    // MARK: Invariants are asserted

    /// A decider bug (a decision after the one that closes the execution) stops the process with a
    /// message rather than letting the history drift from what the engine believes.
    @Test func aDecisionAfterTheCloseIsACrashNotSilentDrift() async {
        await #expect(processExitsWith: .failure) {
            var harness = try MachineHarness(ExecutionMachineTests.oneStep)
            let task = harness.machine.decisionTaskToStart!
            harness.apply(.decisionTaskStarted(taskToken: task.taskToken, identity: "decider"))
            harness.apply(
                .decisionTaskCompleted(
                    taskToken: task.taskToken,
                    decisions: [.completeWorkflowExecution(result: .null), .recordMarker(name: "late", details: .null)]))
        }
    }
}
