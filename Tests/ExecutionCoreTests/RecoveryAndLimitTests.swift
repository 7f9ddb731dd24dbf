import ExecutionCore
import StrictJSON
import Testing
import WorkflowDecider
import Time
import WorkflowModel

/// Recovering a machine from a history, and the history's event limit.
@Suite struct RecoveryAndLimitTests {
    /// A history that ran `MachineHarness` to some point, recovered into a new machine.
    static func recovered(
        _ harness: MachineHarness, failures: [ActivityAttemptFailed] = [], undecided: Bool = false, at now: Timestamp
    ) -> (ExecutionMachine, Transition) {
        ExecutionMachine.recover(
            executionId: "exec-1", events: harness.events, attemptFailures: failures, undecided: undecided, incarnation: "i2", at: now)
    }

    @Test func anAttemptInFlightRunsAgainWithANewTokenAndTheOldOneIsDead() throws {
        var harness = try MachineHarness(ExecutionMachineTests.oneStep)
        harness.decide()
        let old = harness.startAttempt("a")
        var (machine, transition) = Self.recovered(harness, at: epoch.adding(.seconds(9)))
        #expect(transition.events.isEmpty, "nothing undecided: a resume writes nothing")
        #expect(transition.actions.map(\.summary) == ["offer a#1"])
        #expect(throws: ExecutionError.self) { try machine.apply(.heartbeat(taskToken: old, details: nil), at: epoch) }
    }

    @Test func theAttemptCountAndTheBackoffSurviveARestart() throws {
        var harness = try MachineHarness(ExecutionMachineTests.retried)
        harness.decide()
        let token = harness.startAttempt("a")
        let failed = harness.apply(.attemptEnded(taskToken: token, outcome: .failed(ActivityFailure(reason: "Throttling", details: ""))))
        let record = try #require(failed.retry)
        let (machine, transition) = Self.recovered(harness, failures: [record], at: epoch.adding(.seconds(1)))
        #expect(machine.runs[5]?.attempt == 2)
        #expect(transition.actions.map(\.summary) == ["arm retry(5)"])
        #expect(machine.armed[.retry(5)] == record.nextAttemptAt)
        // Recovered after the backoff: queued at once.
        let (late, lateTransition) = Self.recovered(harness, failures: [record], at: epoch.adding(.minutes(5)))
        #expect(lateTransition.actions.map(\.summary) == ["offer a#2"])
        #expect(late.armed[.retry(5)] == nil)
    }

    @Test func workBeingCanceledAtACrashIsRecordedCanceledAndDecidedOn() throws {
        var harness = try MachineHarness(ExecutionMachineTests.oneStep)
        harness.decide()
        harness.startAttempt("a")
        harness.apply(.cancelRequested(identity: "ops"))
        harness.decide()
        let (_, transition) = Self.recovered(harness, at: epoch)
        #expect(transition.events.map(\.eventType) == [.activityTaskCanceled, .decisionTaskScheduled])
    }

    @Test func aDecisionTaskTheDeadEngineStartedTimesOutAndIsScheduledAgain() throws {
        var harness = try MachineHarness(ExecutionMachineTests.oneStep)
        let task = try #require(harness.machine.decisionTaskToStart)
        harness.apply(.decisionTaskStarted(taskToken: task.taskToken, identity: "dead engine"))
        let (machine, transition) = Self.recovered(harness, at: epoch)
        #expect(transition.events.map(\.eventType) == [.decisionTaskTimedOut, .decisionTaskScheduled])
        #expect(machine.decisionTaskToStart?.taskToken != task.taskToken)
    }

    @Test func aScheduledDecisionTaskIsOfferedAgainAndACutBatchIsDecidedAgain() throws {
        let harness = try MachineHarness(ExecutionMachineTests.oneStep)
        let (_, scheduled) = Self.recovered(harness, at: epoch)
        #expect(scheduled.events.isEmpty)
        #expect(scheduled.actions.map(\.summary) == ["offer decision"])
        // A batch cut after DecisionTaskCompleted lost its decisions; the caller's decider says so.
        var cut = harness
        cut.decide()
        cut.events.removeLast()  // ActivityTaskScheduled of a, lost
        let (_, undecided) = Self.recovered(cut, undecided: true, at: epoch)
        #expect(undecided.events.map(\.eventType) == [.decisionTaskScheduled])
        let (_, decided) = Self.recovered(cut, undecided: false, at: epoch)
        #expect(decided.events.isEmpty)
    }

    // MARK: The history's limit

    /// A machine whose history holds `eventCount` events with a decision task started last.
    static func nearTheLimit(_ eventCount: Int) throws -> (ExecutionMachine, DecisionTask) {
        var harness = try MachineHarness(ExecutionMachineTests.oneStep)
        let first = try #require(harness.machine.decisionTaskToStart)
        harness.apply(.decisionTaskStarted(taskToken: first.taskToken, identity: "decider"))
        harness.apply(.decisionTaskCompleted(taskToken: first.taskToken, decisions: []))
        while harness.events.count < eventCount - 2 {
            let id = Int64(harness.events.count + 1)
            harness.events.append(
                HistoryEvent(
                    eventId: id, eventTimestamp: epoch,
                    attributes: .markerRecorded(MarkerRecordedEventAttributes(markerName: "Note", details: .null, decisionTaskCompletedEventId: 4))))
        }
        harness.events.append(
            HistoryEvent(
                eventId: Int64(eventCount - 1), eventTimestamp: epoch,
                attributes: .workflowExecutionSignaled(WorkflowExecutionSignaledEventAttributes(signalName: "go"))))
        var (machine, _) = Self.recovered(harness, at: epoch)
        let task = try #require(machine.decisionTaskToStart)
        _ = try machine.apply(.decisionTaskStarted(taskToken: task.taskToken, identity: "decider"), at: epoch)
        #expect(machine.state.eventCount == eventCount + 1)
        return (machine, task)
    }

    static let oneActivity = Decision.scheduleActivityTask(
        ScheduleActivityTask(
            activityId: "x", activityType: TypeName(name: "noop", version: "1"), input: .null, control: ActivityControl(step: "x"),
            taskList: TaskList(name: "default"), timeouts: ActivityTimeouts(startToClose: .minutes(1)), retryPolicy: .standard))

    /// The most events a history may hold when a decision task schedules one activity: room for it,
    /// for closing, and for the operations that are always accepted.
    static let lastFit =
        HistoryBudget.decidedEventsMax - HistoryBudget.eventsToClose - HistoryBudget.eventsPerOpenActivity - 2

    @Test(arguments: [(lastFit - 1, true), (lastFit, true), (lastFit + 1, false)])
    func decisionsThatWouldOverfillTheHistoryTerminateItInstead(eventCount: Int, fits: Bool) throws {
        var (machine, task) = try Self.nearTheLimit(eventCount - 1)
        #expect(machine.state.eventCount == eventCount)
        let transition = try machine.apply(.decisionTaskCompleted(taskToken: task.taskToken, decisions: [Self.oneActivity]), at: epoch)
        if fits {
            #expect(transition.events.map(\.eventType) == [.decisionTaskCompleted, .activityTaskScheduled])
        } else {
            #expect(transition.events.map(\.eventType) == [.decisionTaskCompleted, .workflowExecutionTerminated])
            guard case .workflowExecutionTerminated(let terminated) = transition.events.last?.attributes else { return }
            #expect(terminated.cause == "EVENT_LIMIT_EXCEEDED")
        }
        #expect(machine.state.eventCount <= Limits.historyEventsMax)
    }

    @Test func nearTheLimitSignalsAreRefusedButCancelAndTerminateAreAccepted() throws {
        // Room for this decision task to complete, none for a signal's round.
        var (machine, task) = try Self.nearTheLimit(HistoryBudget.decidedEventsMax - HistoryBudget.eventsToClose - 4)
        _ = try machine.apply(.decisionTaskCompleted(taskToken: task.taskToken, decisions: []), at: epoch)
        #expect(throws: ExecutionError.self) { try machine.apply(.signal(name: "go", input: nil, identity: "ops"), at: epoch) }
        let canceled = try machine.apply(.cancelRequested(identity: "ops"), at: epoch)
        #expect(canceled.events.map(\.eventType) == [.workflowExecutionCancelRequested, .decisionTaskScheduled])
        let terminated = try machine.apply(.terminate(reason: "enough", details: nil, identity: "ops"), at: epoch)
        #expect(terminated.events.map(\.eventType) == [.workflowExecutionTerminated])
        #expect(machine.state.eventCount <= Limits.historyEventsMax)
    }
}
