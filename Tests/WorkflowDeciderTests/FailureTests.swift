import HistoryTesting
import StrictJSON
import Testing
import Time
import WorkflowDecider
import WorkflowModel

/// Template errors, failures, halt and rollback, compensations.
@Suite("Decider: failure and rollback") struct FailureTests {
    // MARK: Template errors

    @Test func missingOutputMemberFailsTheStepWithAMarker() throws {
        var scenario = try Scenario(
            #""steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "input": {"x": "${steps.a.output.missing}"}}]"#)
        scenario.decide()
        scenario.completed("a", ["present": 1])
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["marker StepFailed b", "fail StepFailed"])
        let marker = try #require(decisions.first?.payload?.objectValue)
        #expect(marker["step"] == "b")
        #expect(marker["reason"] == "TemplateError")
        #expect(marker["index"] == nil)
        let message = try #require(marker["details"]?.stringValue)
        #expect(message.contains("missing"))
        let details = closingDetails(decisions)
        #expect(details == ["step": "b", "cause": "TemplateError", "message": .string(message), "rollback": "not-configured"])
        #expect(scenario.next.isEmpty)
    }

    @Test func forEachOverANonArrayFailsTheStep() throws {
        var scenario = try Scenario(
            #""steps": [{"id": "a", "activity": "noop"}, {"id": "fan", "activity": "noop", "forEach": "${steps.a.output.list}"}]"#)
        scenario.decide()
        scenario.completed("a", ["list": "not a list"])
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["marker StepFailed fan", "fail StepFailed"])
        #expect(closingDetails(decisions)["message"]?.stringValue?.contains("must evaluate to an array") == true)
    }

    @Test func elementTemplateErrorNamesTheElementAndSchedulesNothing() throws {
        var scenario = try Scenario(
            #""inputs": {"items": {"type": "array"}}, "steps": [{"id": "fan", "activity": "noop", "forEach": "${input.items}", "input": {"n": "${item.n}"}}]"#,
            input: ["items": [["n": 1], [:]]])
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["marker StepFailed fan", "fail StepFailed"], "fan[0] is not started either")
        #expect(decisions.first?.payload?["index"] == 1)
        #expect(closingDetails(decisions)["activityId"] == "fan[1]")
    }

    @Test func laterElementTemplateErrorCancelsTheRunningElementsFirst() throws {
        var scenario = try Scenario(
            #""inputs": {"items": {"type": "array"}}, "steps": [{"id": "fan", "activity": "noop", "forEach": "${input.items}", "concurrency": 2, "input": {"n": "${item.n}"}}]"#,
            input: ["items": [["n": 1], ["n": 2], [:]]])
        #expect(scenario.decide() == ["schedule fan[0]", "schedule fan[1]"])
        scenario.completed("fan[0]")
        let failing = scenario.decideFully()
        #expect(failing.map(\.summary) == ["marker StepFailed fan", "cancel fan[1]"])
        #expect(failing.first?.payload?["index"] == 2)
        scenario.history.activityCanceled("fan[1]")
        let last = scenario.decideFully()
        #expect(last.map(\.summary) == ["fail StepFailed"])
        #expect(closingDetails(last)["activityId"] == "fan[2]")
        #expect(closingDetails(last)["cause"] == "TemplateError")
    }

    @Test func templateErrorInOneBranchStartsNoOtherBranchInThatDecision() throws {
        var scenario = try Scenario(
            #""inputs": {"settings": {"type": "object"}}, "steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "after": [], "input": {"x": "${input.settings.absent}"}}]"#,
            input: ["settings": [:]])
        #expect(scenario.decide() == ["marker StepFailed b", "fail StepFailed"])
    }

    struct BadCondition: Sendable, CustomTestStringConvertible {
        var result: JSONValue
        var testDescription: String { "a's output \(result.canonicalString())" }
    }

    @Test(arguments: [BadCondition(result: [:]), BadCondition(result: ["go": "yes"])])
    func whenThatCannotBeEvaluatedToABooleanFailsTheStep(_ bad: BadCondition) throws {
        var scenario = try Scenario(
            #""steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "when": "${steps.a.output.go}"}]"#)
        scenario.decide()
        scenario.completed("a", bad.result)
        #expect(scenario.decide() == ["marker StepFailed b", "fail StepFailed"])
    }

    @Test func outputTemplateErrorFailsTheWorkflow() throws {
        var scenario = try Scenario(#""steps": [{"id": "a", "activity": "noop"}], "output": {"x": "${steps.a.output.nope}"}"#)
        scenario.decide()
        scenario.completed("a", [:])
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["fail TemplateError"])
    }

    // MARK: Halt

    @Test func failedActivityFailsTheWorkflowWithItsReason() throws {
        var scenario = try Scenario(
            #""steps": [{"id": "a", "activity": "noop", "compensation": {"activity": "noop"}}, {"id": "b", "activity": "noop"}, {"id": "c", "activity": "noop"}]"#
        )
        scenario.decide()
        scenario.completed("a")
        scenario.decide()
        scenario.failed("b", reason: "Boom", details: "it broke")
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["fail StepFailed"], "halt: nothing is compensated, c never runs")
        #expect(
            closingDetails(decisions)
                == ["step": "b", "activityId": "b", "cause": "Boom", "message": "it broke", "rollback": "not-configured"])
    }

    @Test(arguments: TimeoutType.allCases)
    func timedOutActivityFailsTheWorkflow(_ type: TimeoutType) throws {
        var scenario = try Scenario(#""steps": [{"id": "a", "activity": "noop"}]"#)
        scenario.decide()
        scenario.history.activityTimedOut("a", type: type)
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["fail StepFailed"])
        let details = closingDetails(decisions)
        #expect(details["cause"] == "ActivityTimedOut")
        #expect(details["message"] == .string("the \(type.rawValue) timeout expired"))
    }

    @Test func failureCancelsOpenWorkAndWaitsForItBeforeClosing() throws {
        var scenario = try Scenario(
            #""steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "after": []}, {"id": "soak", "timer": "1h", "after": []}]"#
        )
        #expect(scenario.decide() == ["schedule a", "schedule b", "timer soak 1h"])
        scenario.failed("b")
        #expect(scenario.decide() == ["cancel a", "cancelTimer soak"])
        #expect(scenario.next.isEmpty, "a's cancellation is requested once")
        scenario.history.activityCanceled("a")
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["fail StepFailed"])
        #expect(closingDetails(decisions)["step"] == "b")
    }

    @Test func openTimerIsCanceledAndTheWorkflowClosesInTheSameDecision() throws {
        var scenario = try Scenario(#""steps": [{"id": "soak", "timer": "1h"}, {"id": "a", "activity": "noop", "after": []}]"#)
        #expect(scenario.decide() == ["timer soak 1h", "schedule a"])
        scenario.failed("a")
        #expect(scenario.decide() == ["cancelTimer soak", "fail StepFailed"])
    }

    @Test func theEarliestFailureIsReported() throws {
        var scenario = try Scenario(#""steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "after": []}]"#)
        scenario.decide()
        scenario.failed("a", reason: "First")
        #expect(scenario.decide() == ["cancel b"])
        scenario.failed("b", reason: "Second")
        let decisions = scenario.decideFully()
        #expect(closingDetails(decisions)["cause"] == "First")
    }

    @Test func completionAfterItsCancelWasRequestedStillLetsTheFailureClose() throws {
        var scenario = try Scenario(#""steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "after": []}]"#)
        scenario.decide()
        scenario.failed("b")
        #expect(scenario.decide() == ["cancel a"])
        scenario.completed("a")
        #expect(scenario.decide() == ["fail StepFailed"])
    }

    // MARK: Rollback

    static let saga = #"""
        "onFailure": "rollback",
        "steps": [
          {"id": "one", "activity": "noop", "compensation": {"activity": "noop", "input": {"undo": "${output.name}"}}},
          {"id": "two", "activity": "noop", "compensation": {"activity": "noop", "input": {"undo": "${output.name}"}}},
          {"id": "three", "activity": "noop"},
          {"id": "four", "activity": "noop"}
        ]
        """#

    /// The saga with one, two and three completed and four failed.
    static func failedSaga(_ body: String = saga) throws -> Scenario {
        var scenario = try Scenario(body)
        for step in ["one", "two", "three"] {
            scenario.decide()
            scenario.completed(step, ["name": .string(step)])
        }
        scenario.decide()
        scenario.failed("four", reason: "Boom", details: "it broke")
        return scenario
    }

    @Test func rollbackCompensatesCompletedStepsOneAtATimeNewestFirst() throws {
        var scenario = try Self.failedSaga()
        let first = scenario.decideFully()
        #expect(first.map(\.summary) == ["marker RollbackStarted", "schedule compensate:two"])
        let cause: JSONValue = ["step": "four", "activityId": "four", "cause": "Boom", "message": "it broke"]
        #expect(first.first?.payload == ["cause": cause, "compensations": 2])
        let undo = try #require(first.task("compensate:two"))
        #expect(undo.input == ["undo": "two"])
        #expect(undo.control == ActivityControl(step: "two", index: nil, role: .compensation))
        #expect(undo.activityType.name == "noop")
        #expect(scenario.next.isEmpty, "one compensation at a time")
        scenario.completed("compensate:two")
        #expect(scenario.decide() == ["schedule compensate:one"])
        scenario.completed("compensate:one")
        let last = scenario.decideFully()
        #expect(last.map(\.summary) == ["fail StepFailed"])
        #expect(
            closingDetails(last)
                == [
                    "step": "four", "activityId": "four", "cause": "Boom", "message": "it broke", "rollback": "completed",
                    "compensated": ["two", "one"],
                ])
    }

    @Test func rollbackOrderIsCompletionOrderNotFileOrder() throws {
        var scenario = try Scenario(
            #""onFailure": "rollback", "steps": [{"id": "a", "activity": "noop", "compensation": {"activity": "noop"}}, {"id": "b", "activity": "noop", "after": [], "compensation": {"activity": "noop"}}, {"id": "c", "activity": "noop", "after": ["a", "b"]}]"#
        )
        scenario.decide()
        scenario.completed("b")
        scenario.decide()
        scenario.completed("a")
        scenario.decide()
        scenario.failed("c")
        #expect(scenario.decide() == ["marker RollbackStarted", "schedule compensate:a"])
        scenario.completed("compensate:a")
        #expect(scenario.decide() == ["schedule compensate:b"])
    }

    @Test func forEachCompensationsSeeTheirItemIndexAndOutput() throws {
        var scenario = try Scenario(
            #""onFailure": "rollback", "inputs": {"items": {"type": "array"}}, "steps": [{"id": "fan", "activity": "noop", "forEach": "${input.items}", "compensation": {"activity": "noop", "input": {"item": "${item}", "index": "${index}", "out": "${output}"}}}, {"id": "last", "activity": "noop"}]"#,
            input: ["items": ["x", "y"]])
        scenario.decide()
        scenario.completed("fan[1]", ["r": "y"])
        scenario.completed("fan[0]", ["r": "x"])
        scenario.decide()
        scenario.failed("last")
        let first = scenario.decideFully()
        #expect(first.map(\.summary) == ["marker RollbackStarted", "schedule compensate:fan[0]"])
        #expect(first.task("compensate:fan[0]")?.input == ["item": "x", "index": 0, "out": ["r": "x"]])
        #expect(first.task("compensate:fan[0]")?.control == ActivityControl(step: "fan", index: 0, role: .compensation))
        scenario.completed("compensate:fan[0]")
        let second = scenario.decideFully()
        #expect(second.task("compensate:fan[1]")?.input == ["item": "y", "index": 1, "out": ["r": "y"]])
    }

    @Test func failedCompensationIsRecordedAndTheRollbackContinues() throws {
        var scenario = try Self.failedSaga()
        scenario.decide()
        scenario.failed("compensate:two", reason: "DeleteFailed", details: "still in use")
        #expect(scenario.decide() == ["schedule compensate:one"])
        scenario.completed("compensate:one")
        let last = scenario.decideFully()
        #expect(last.map(\.summary) == ["fail StepFailed"])
        let details = closingDetails(last)
        #expect(details["rollback"] == "incomplete")
        #expect(details["compensated"] == ["one"])
        #expect(
            details["compensationFailures"]
                == [["activityId": "compensate:two", "cause": "DeleteFailed", "message": "still in use"]])
    }

    @Test(arguments: TimeoutType.allCases)
    func timedOutCompensationIsRecordedAndTheRollbackContinues(_ type: TimeoutType) throws {
        var scenario = try Self.failedSaga()
        scenario.decide()
        scenario.history.activityTimedOut("compensate:two", type: type)
        #expect(scenario.decide() == ["schedule compensate:one"])
        scenario.completed("compensate:one")
        let details = closingDetails(scenario.decideFully())
        #expect(details["rollback"] == "incomplete")
        #expect(
            details["compensationFailures"]
                == [
                    [
                        "activityId": "compensate:two", "cause": "ActivityTimedOut",
                        "message": .string("the \(type.rawValue) timeout expired"),
                    ]
                ])
    }

    @Test func compensationUsesItsOwnRetryElseTheStepsPolicy() throws {
        var scenario = try Self.failedSaga(
            #""onFailure": "rollback", "steps": [{"id": "one", "activity": "noop", "retry": {"maximumAttempts": 9}, "compensation": {"activity": "noop"}}, {"id": "two", "activity": "noop", "compensation": {"activity": "noop", "retry": {"maximumAttempts": 2}, "timeouts": {"startToClose": "7m"}}}, {"id": "three", "activity": "noop"}, {"id": "four", "activity": "noop"}]"#
        )
        let first = scenario.decideFully()
        let two = try #require(first.task("compensate:two"))
        #expect(two.retryPolicy == RetryPolicy(maximumAttempts: 2))
        #expect(two.timeouts == ActivityTimeouts(startToClose: .minutes(7)))
        scenario.completed("compensate:two")
        let second = scenario.decideFully()
        #expect(second.task("compensate:one")?.retryPolicy == RetryPolicy(maximumAttempts: 9))
    }

    @Test func rollbackWithNothingToCompensateClosesAtOnce() throws {
        var scenario = try Scenario(
            #""onFailure": "rollback", "steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop"}]"#)
        scenario.decide()
        scenario.completed("a")
        scenario.decide()
        scenario.failed("b")
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["marker RollbackStarted", "fail StepFailed"])
        #expect(decisions.first?.payload?["compensations"] == 0)
        #expect(closingDetails(decisions)["rollback"] == "completed")
        #expect(closingDetails(decisions)["compensated"] == [])
    }

    /// With a rollback coming, in-flight work that has a compensation is not cancelled: it may
    /// already have made something (an instance created just before the cancel), and only a
    /// completed activity's compensation can undo it. It finishes, then it is compensated.
    @Test func inFlightCompensableWorkFinishesThenIsCompensated() throws {
        var scenario = try Scenario(
            #""onFailure": "rollback", "steps": [{"id": "a", "activity": "noop", "compensation": {"activity": "noop", "input": {"undo": "${output.name}"}}}, {"id": "b", "activity": "noop", "after": []}]"#
        )
        scenario.decide()
        scenario.failed("b")
        #expect(scenario.decide() == [])
        scenario.completed("a", ["name": "made anyway"])
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["marker RollbackStarted", "schedule compensate:a"])
        #expect(decisions.task("compensate:a")?.input == ["undo": "made anyway"])
    }

    /// Without a compensation there is nothing to undo later, so the open work is cancelled.
    @Test func inFlightWorkWithoutCompensationIsCancelled() throws {
        var scenario = try Scenario(
            #""onFailure": "rollback", "steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "after": []}]"#)
        scenario.decide()
        scenario.failed("b")
        #expect(scenario.decide() == ["cancel a"])
    }

    /// A compensation whose input template fails records `CompensationFailed` and must let the
    /// rollback go on in the same decision task: nothing else will ever trigger another one.
    @Test func compensationTemplateErrorDoesNotStallTheRollback() throws {
        var scenario = try Self.failedSaga(
            #""onFailure": "rollback", "steps": [{"id": "one", "activity": "noop", "compensation": {"activity": "noop", "input": {"undo": "${output.missing}"}}}, {"id": "two", "activity": "noop", "compensation": {"activity": "noop"}}, {"id": "three", "activity": "noop"}, {"id": "four", "activity": "noop"}]"#
        )
        #expect(scenario.decide() == ["marker RollbackStarted", "schedule compensate:two"])
        scenario.completed("compensate:two")
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["marker CompensationFailed one", "fail StepFailed"])
        #expect(!isStuck(scenario.state), "open, with nothing that could trigger another decision task")
        #expect(scenario.next.map(\.summary) == [], "a second decision task with no new events decides more")
        let details = closingDetails(decisions)
        #expect(details["rollback"] == "incomplete")
        #expect(details["compensated"] == ["two"])
        #expect(details["compensationFailures"]?[0]?["activityId"] == "compensate:one")
        #expect(details["compensationFailures"]?[0]?["cause"] == "TemplateError")
    }
}
