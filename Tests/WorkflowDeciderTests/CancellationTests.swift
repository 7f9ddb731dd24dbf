import HistoryTesting
import StrictJSON
import Testing
import WorkflowDecider
import WorkflowModel

/// Cancellation requests (halt and rollback), cancellation during a rollback, and the history limit.
@Suite("Decider: cancellation and limits") struct CancellationTests {
    static let twoSteps = #"""
        "steps": [
          {"id": "one", "activity": "noop", "compensation": {"activity": "noop", "input": {"undo": "${output.name}"}}},
          {"id": "two", "activity": "noop", "compensation": {"activity": "noop", "input": {"undo": "${output.name}"}}},
          {"id": "three", "activity": "noop"}
        ]
        """#

    /// `one` completed, `two` running.
    static func running(onCancel: String, onFailure: String = "halt") throws -> Scenario {
        var scenario = try Scenario(#""onCancel": "\#(onCancel)", "onFailure": "\#(onFailure)", "# + twoSteps)
        scenario.decide()
        scenario.completed("one", ["name": "one"])
        scenario.decide()
        return scenario
    }

    @Test func cancelWithHaltStopsOpenWorkThenClosesCanceled() throws {
        var scenario = try Self.running(onCancel: "halt")
        scenario.history.cancelRequested()
        #expect(scenario.decide() == ["cancel two"])
        #expect(scenario.next.isEmpty)
        scenario.history.activityCanceled("two")
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["canceled"], "halt: one stays, nothing is compensated")
        #expect(closingDetails(decisions) == ["cause": "CancelRequested", "rollback": "not-configured"])
    }

    @Test func cancelOfATaskNoWorkerStartedClosesTheSameWay() throws {
        var scenario = try Self.running(onCancel: "halt")
        scenario.history.cancelRequested()
        scenario.decide()
        scenario.history.activityCanceled("two", started: false, details: "canceled before a worker started it")
        #expect(scenario.decide() == ["canceled"])
    }

    @Test func cancelWithAnOpenTimerCancelsItAndClosesAtOnce() throws {
        var scenario = try Scenario(#""steps": [{"id": "soak", "timer": "1h"}, {"id": "a", "activity": "noop"}]"#)
        scenario.decide()
        scenario.history.cancelRequested()
        #expect(scenario.decide() == ["cancelTimer soak", "canceled"])
    }

    @Test func cancelWithRollbackLetsCompensableWorkFinishThenUndoesEverything() throws {
        var scenario = try Self.running(onCancel: "rollback")
        scenario.history.cancelRequested()
        // `two` has a compensation: it is left to finish rather than cancelled half-way.
        #expect(scenario.decide() == [])
        scenario.completed("two", ["name": "two"])
        let first = scenario.decideFully()
        #expect(first.map(\.summary) == ["marker RollbackStarted", "schedule compensate:two"])
        #expect(first.first?.payload == ["cause": "CancelRequested", "compensations": 2])
        #expect(first.task("compensate:two")?.input == ["undo": "two"])
        scenario.completed("compensate:two")
        #expect(scenario.decideFully().map(\.summary) == ["schedule compensate:one"])
        scenario.completed("compensate:one")
        let last = scenario.decideFully()
        #expect(last.map(\.summary) == ["canceled"])
        #expect(closingDetails(last) == ["cause": "CancelRequested", "rollback": "completed", "compensated": ["two", "one"]])
    }

    @Test func completionThatArrivesAfterItsCancelWasRequested() throws {
        // halt: the late result is simply kept.
        var halt = try Self.running(onCancel: "halt")
        halt.history.cancelRequested()
        #expect(halt.decide() == ["cancel two"])
        halt.completed("two", ["name": "two"])
        #expect(halt.decide() == ["canceled"])
        // rollback: nothing is cancelled; the result is undone, newest first.
        var rollback = try Self.running(onCancel: "rollback")
        rollback.history.cancelRequested()
        #expect(rollback.decide() == [])
        rollback.completed("two", ["name": "two"])
        let decisions = rollback.decideFully()
        #expect(decisions.map(\.summary) == ["marker RollbackStarted", "schedule compensate:two"])
        #expect(decisions.task("compensate:two")?.input == ["undo": "two"])
    }

    /// `one` and `two` completed, `three` failed, `compensate:two` running.
    static func rollingBack(onCancel: String) throws -> Scenario {
        var scenario = try Self.running(onCancel: onCancel, onFailure: "rollback")
        scenario.completed("two", ["name": "two"])
        scenario.decide()
        scenario.failed("three", reason: "Boom", details: "it broke")
        #expect(scenario.decide() == ["marker RollbackStarted", "schedule compensate:two"])
        scenario.history.cancelRequested()
        return scenario
    }

    @Test func cancelDuringARollbackWithHaltStopsTheRollback() throws {
        var scenario = try Self.rollingBack(onCancel: "halt")
        #expect(scenario.decide() == ["cancel compensate:two"])
        scenario.history.activityCanceled("compensate:two")
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["canceled"])
        let details = closingDetails(decisions)
        #expect(details["rollback"] == "interrupted")
        #expect(details["cause"] == "Boom", "the failure that started the rollback is reported")
        #expect(details["step"] == "three")
    }

    @Test func cancelDuringARollbackWithRollbackLetsItFinish() throws {
        var scenario = try Self.rollingBack(onCancel: "rollback")
        #expect(scenario.decide() == [], "the running compensation is not canceled")
        scenario.completed("compensate:two")
        #expect(scenario.decide() == ["schedule compensate:one"])
        scenario.completed("compensate:one")
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["canceled"])
        let details = closingDetails(decisions)
        #expect(details["rollback"] == "completed")
        #expect(details["compensated"] == ["two", "one"])
        #expect(details["cause"] == "Boom")
    }

    // MARK: History limit

    struct LimitCase: Sendable, CustomTestStringConvertible {
        var eventCount: Int
        var expected: [String]
        var testDescription: String { "\(eventCount) events → \(expected)" }
    }

    /// The most events a history may hold when the decider schedules one more activity without a
    /// compensation: room is kept for the decision task's completion, that activity's life, closing,
    /// and the operations that are always accepted.
    static let lastRoomForOneActivity =
        HistoryBudget.decidedEventsMax - HistoryBudget.eventsToClose - HistoryBudget.eventsPerNewActivity - 1

    @Test(arguments: [
        LimitCase(eventCount: lastRoomForOneActivity - 1, expected: ["schedule b"]),
        LimitCase(eventCount: lastRoomForOneActivity, expected: ["schedule b"]),
        LimitCase(eventCount: lastRoomForOneActivity + 1, expected: ["marker StepFailed b", "fail StepFailed"]),
    ])
    func historyNearTheEventLimitFailsTheWorkflow(_ limit: LimitCase) throws {
        var scenario = try Scenario(#""steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop"}]"#)
        scenario.decide()
        // Notes left by someone else (unknown marker names mean nothing to the decider) fill the
        // history up to the point where a completes and a decision task starts.
        while scenario.history.events.count < limit.eventCount - 4 {
            scenario.history.append(
                .markerRecorded(MarkerRecordedEventAttributes(markerName: "Note", details: .null, decisionTaskCompletedEventId: 4)))
        }
        scenario.completed("a")
        scenario.history.decisionTaskStarted()
        #expect(scenario.state.eventCount == limit.eventCount)
        let decisions = Decider.evaluate(definition: scenario.definition, state: scenario.state).decisions
        #expect(decisions.map(\.summary) == limit.expected)
        if case .failWorkflowExecution(_, let details)? = decisions.last {
            #expect(details["cause"] == "HistoryLimitExceeded")
            #expect(details["message"]?.stringValue?.contains("\(Limits.historyEventsMax)") == true)
        }
    }
}
