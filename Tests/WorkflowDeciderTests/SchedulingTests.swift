import HistoryTesting
import StrictJSON
import Testing
import Time
import WorkflowDecider
import WorkflowModel

/// What the decider schedules, and when: order, `after`, `forEach`, `when`, timers, completion.
@Suite("Decider: scheduling") struct SchedulingTests {
    // MARK: First decision and resolved settings

    @Test func firstDecisionSchedulesOnlyTheFirstStepWithItsEvaluatedInput() throws {
        var scenario = try Scenario(
            #""inputs": {"name": {"type": "string"}}, "steps": [{"id": "a", "activity": "noop", "input": {"who": "${input.name}", "n": 1, "id": "${execution.id}/${execution.runId}"}}, {"id": "b", "activity": "noop"}]"#,
            input: ["name": "orders"])
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["schedule a"])
        let task = try #require(decisions.first?.scheduled)
        #expect(task.activityType == TypeName(name: "noop", version: "1"))
        #expect(task.input == ["who": "orders", "n": 1, "id": "exec-1/run-1"])
        #expect(task.control == ActivityControl(step: "a", index: nil, role: .step))
    }

    struct SettingsCase: Sendable, CustomTestStringConvertible {
        var name: String
        var defaults: String
        var step: String
        var activity = #""activity": "noop""#
        var taskList: String
        var timeouts: ActivityTimeouts
        var retry: RetryPolicy
        var testDescription: String { name }
    }

    static let waitPermanent = ActivityCatalog.builtIn.spec("rds.waitAvailable")?.nonRetryableErrors ?? []

    static let settingsCases: [SettingsCase] = [
        SettingsCase(
            name: "the activity type's defaults", defaults: "{}", step: "", taskList: "default",
            timeouts: ActivityTimeouts(startToClose: .minutes(1)), retry: .standard),
        SettingsCase(
            name: "defaults.taskList", defaults: #"{"taskList": "fleet"}"#, step: "", taskList: "fleet",
            timeouts: ActivityTimeouts(startToClose: .minutes(1)), retry: .standard),
        SettingsCase(
            name: "the step's taskList wins", defaults: #"{"taskList": "fleet"}"#, step: #", "taskList": "mine""#,
            taskList: "mine", timeouts: ActivityTimeouts(startToClose: .minutes(1)), retry: .standard),
        SettingsCase(
            name: "defaults.timeouts over the type's", defaults: #"{"timeouts": {"heartbeat": "30s"}}"#, step: "",
            taskList: "default", timeouts: ActivityTimeouts(startToClose: .minutes(1), heartbeat: .seconds(30)),
            retry: .standard),
        SettingsCase(
            name: "the step's timeouts over defaults", defaults: #"{"timeouts": {"startToClose": "2m"}}"#,
            step: #", "timeouts": {"startToClose": "5m", "scheduleToClose": "1h"}"#, taskList: "default",
            timeouts: ActivityTimeouts(startToClose: .minutes(5), scheduleToClose: .hours(1)), retry: .standard),
        SettingsCase(
            name: "defaults.retry", defaults: #"{"retry": {"maximumAttempts": 7}}"#, step: "", taskList: "default",
            timeouts: ActivityTimeouts(startToClose: .minutes(1)), retry: RetryPolicy(maximumAttempts: 7)),
        SettingsCase(
            name: "the step's retry replaces defaults.retry as a whole", defaults: #"{"retry": {"maximumAttempts": 7}}"#,
            step: #", "retry": {"initialInterval": "3s"}"#, taskList: "default",
            timeouts: ActivityTimeouts(startToClose: .minutes(1)), retry: RetryPolicy(initialInterval: .seconds(3))),
        SettingsCase(
            name: "the type's never-retried errors are added to the step's", defaults: "{}",
            step: #", "retry": {"nonRetryableErrors": ["Custom"]}"#,
            activity: #""activity": "rds.waitAvailable", "input": {"region": "us-east-1", "identifier": "db-1"}"#,
            taskList: "rds", timeouts: ActivityTimeouts(startToClose: .hours(2), heartbeat: .minutes(2)),
            retry: RetryPolicy(nonRetryableErrors: ["Custom"] + waitPermanent)),
    ]

    @Test(arguments: settingsCases)
    func scheduledTaskCarriesTheResolvedSettings(_ setting: SettingsCase) throws {
        var scenario = try Scenario(
            #""defaults": \#(setting.defaults), "steps": [{"id": "a", \#(setting.activity)\#(setting.step)}]"#)
        let task = try #require(scenario.decideFully().first?.scheduled)
        #expect(task.taskList == TaskList(name: setting.taskList))
        #expect(task.timeouts == setting.timeouts)
        #expect(task.retryPolicy == setting.retry)
    }

    // MARK: Order and after

    @Test func stepsRunInFileOrderAndReadEarlierOutputs() throws {
        var scenario = try Scenario(
            #""steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "input": {"source": "${steps.a.output.id}"}}], "output": {"last": "${steps.b.output.source}"}"#
        )
        #expect(scenario.decide() == ["schedule a"])
        #expect(scenario.next.isEmpty, "nothing new while a runs")
        scenario.completed("a", ["id": "x-1"])
        let second = scenario.decideFully()
        #expect(second.map(\.summary) == ["schedule b"])
        #expect(second.task("b")?.input == ["source": "x-1"])
        scenario.completed("b", ["source": "x-1"])
        let last = scenario.decideFully()
        #expect(last.map(\.summary) == ["complete"])
        #expect(last.closingPayload == ["last": "x-1"])
    }

    @Test func afterRunsIndependentStepsInParallelAndJoins() throws {
        var scenario = try Scenario(
            #""steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "after": []}, {"id": "c", "activity": "noop", "after": ["a", "b"]}, {"id": "d", "activity": "noop"}]"#
        )
        #expect(scenario.decide() == ["schedule a", "schedule b"])
        scenario.completed("b")
        #expect(scenario.decide() == [], "c waits for a as well")
        scenario.completed("a")
        #expect(scenario.decide() == ["schedule c"])
        scenario.completed("c")
        #expect(scenario.decide() == ["schedule d"], "d, without after, waits for the step listed before it")
        scenario.completed("d")
        #expect(scenario.decide() == ["complete"])
    }

    @Test func diamondFansOutAfterItsRoot() throws {
        var scenario = try Scenario(
            #""steps": [{"id": "root", "activity": "noop"}, {"id": "left", "activity": "noop", "after": ["root"]}, {"id": "right", "activity": "noop", "after": ["root"]}, {"id": "join", "activity": "noop", "after": ["left", "right"]}]"#
        )
        #expect(scenario.decide() == ["schedule root"])
        scenario.completed("root")
        #expect(scenario.decide() == ["schedule left", "schedule right"])
        scenario.completed("right")
        #expect(scenario.decide() == [])
        scenario.completed("left")
        #expect(scenario.decide() == ["schedule join"])
    }

    // MARK: forEach

    @Test func forEachWithoutConcurrencyStartsEveryElementAndKeepsElementOrder() throws {
        var scenario = try Scenario(
            #""inputs": {"items": {"type": "array"}}, "steps": [{"id": "fan", "activity": "noop", "forEach": "${input.items}", "input": {"item": "${item}", "at": "${index}"}}], "output": "${steps.fan.output}""#,
            input: ["items": ["x", "y", "z"]])
        let first = scenario.decideFully()
        #expect(first.map(\.summary) == ["schedule fan[0]", "schedule fan[1]", "schedule fan[2]"])
        #expect(first.task("fan[1]")?.input == ["item": "y", "at": 1])
        #expect(first.task("fan[2]")?.control == ActivityControl(step: "fan", index: 2, role: .step))
        // Completed out of order; the output is still in element order.
        scenario.completed("fan[2]", ["r": 2])
        #expect(scenario.decide() == [])
        scenario.completed("fan[0]", ["r": 0])
        #expect(scenario.decide() == [])
        scenario.completed("fan[1]", ["r": 1])
        let last = scenario.decideFully()
        #expect(last.map(\.summary) == ["complete"])
        #expect(last.closingPayload == [["r": 0], ["r": 1], ["r": 2]])
    }

    @Test func forEachWithConcurrencySchedulesTheNextElementOnlyAsOneCloses() throws {
        var scenario = try Scenario(
            #""inputs": {"items": {"type": "array"}}, "steps": [{"id": "fan", "activity": "noop", "forEach": "${input.items}", "concurrency": 2, "input": {"v": "${item}"}}], "output": "${steps.fan.output}""#,
            input: ["items": [10, 11, 12, 13, 14]])
        #expect(scenario.decide() == ["schedule fan[0]", "schedule fan[1]"])
        #expect(scenario.next.isEmpty)
        let script: [(close: String, expected: [String])] = [
            ("fan[1]", ["schedule fan[2]"]),
            ("fan[0]", ["schedule fan[3]"]),
            ("fan[3]", ["schedule fan[4]"]),
            ("fan[2]", []),
            ("fan[4]", ["complete"]),
        ]
        for (close, expected) in script {
            let value = try #require(scenario.state.activities[close]?.scheduled.input["v"])
            scenario.completed(close, value)
            #expect(scenario.decide() == expected, "after \(close) closed")
            #expect(scenario.state.openActivities.count <= 2, "never more than concurrency open")
        }
        #expect(
            scenario.state.closeEvent.map { event -> JSONValue? in
                if case .workflowExecutionCompleted(let completed) = event.attributes { return completed.result }
                return nil
            } == [10, 11, 12, 13, 14])
    }

    @Test func forEachOverAnEmptyListCompletesAtOnceWithAnEmptyArray() throws {
        var scenario = try Scenario(
            #""inputs": {"items": {"type": "array"}}, "steps": [{"id": "fan", "activity": "noop", "forEach": "${input.items}"}, {"id": "after", "activity": "noop", "input": {"all": "${steps.fan.output}"}}], "output": "${steps.fan.output}""#,
            input: ["items": []])
        let first = scenario.decideFully()
        #expect(first.map(\.summary) == ["schedule after"])
        #expect(first.task("after")?.input == ["all": []])
        scenario.completed("after")
        let last = scenario.decideFully()
        #expect(last.map(\.summary) == ["complete"])
        #expect(last.closingPayload == [])
    }

    @Test func forEachCanLoopOverAnEarlierForEachOutput() throws {
        var scenario = try Scenario(
            #""inputs": {"items": {"type": "array"}}, "steps": [{"id": "make", "activity": "noop", "forEach": "${input.items}", "input": {"name": "${item}"}}, {"id": "wait", "activity": "noop", "forEach": "${steps.make.output}", "input": {"name": "${item.name}"}}]"#,
            input: ["items": ["p", "q"]])
        scenario.decide()
        scenario.completed("make[1]", ["name": "q-made"])
        scenario.completed("make[0]", ["name": "p-made"])
        let next = scenario.decideFully()
        #expect(next.map(\.summary) == ["schedule wait[0]", "schedule wait[1]"])
        #expect(next.task("wait[0]")?.input == ["name": "p-made"])
        #expect(next.task("wait[1]")?.input == ["name": "q-made"])
    }

    // MARK: when

    struct WhenCase: Sendable, CustomTestStringConvertible {
        var condition: String
        var runs: Bool
        var testDescription: String { "\(condition) → \(runs ? "runs" : "skipped")" }
    }

    static let whenCases: [WhenCase] = [
        WhenCase(condition: #""${input.flag}""#, runs: true),
        WhenCase(condition: #""${input.off}""#, runs: false),
        WhenCase(condition: #"{"equals": ["${input.env}", "prod"]}"#, runs: true),
        WhenCase(condition: #"{"equals": ["${input.env}", "test"]}"#, runs: false),
        WhenCase(condition: #"{"notEquals": ["${input.env}", "test"]}"#, runs: true),
        WhenCase(condition: #"{"notEquals": ["${input.env}", "prod"]}"#, runs: false),
        WhenCase(condition: #"{"not": "${input.off}"}"#, runs: true),
        WhenCase(condition: #"{"not": "${input.flag}"}"#, runs: false),
        WhenCase(condition: #"{"all": ["${input.flag}", {"equals": ["${input.env}", "prod"]}]}"#, runs: true),
        WhenCase(condition: #"{"all": ["${input.flag}", "${input.off}"]}"#, runs: false),
        WhenCase(condition: #"{"any": ["${input.off}", "${input.flag}"]}"#, runs: true),
        WhenCase(condition: #"{"any": ["${input.off}", {"not": "${input.flag}"}]}"#, runs: false),
    ]

    @Test(arguments: whenCases)
    func whenDecidesWhetherTheStepRunsOrIsSkippedWithANullOutput(_ when: WhenCase) throws {
        var scenario = try Scenario(
            #""inputs": {"flag": {"type": "boolean"}, "off": {"type": "boolean"}, "env": {"type": "string"}}, "steps": [{"id": "a", "activity": "noop", "when": \#(when.condition)}, {"id": "b", "activity": "noop", "input": {"previous": "${steps.a.output}"}}]"#,
            input: ["flag": true, "off": false, "env": "prod"])
        let first = scenario.decideFully()
        if when.runs {
            #expect(first.map(\.summary) == ["schedule a"])
            return
        }
        #expect(first.map(\.summary) == ["marker StepSkipped a", "schedule b"])
        #expect(first.first?.payload == ["step": "a", "reason": "its when condition is false"])
        #expect(first.task("b")?.input == ["previous": nil], "a skipped step's output is null")
        scenario.completed("b")
        #expect(scenario.decide() == ["complete"], "the skip is not recorded twice, and counts as done")
    }

    @Test func skippedLastStepCompletesTheWorkflowInTheSameDecision() throws {
        var scenario = try Scenario(
            #""steps": [{"id": "only", "activity": "noop", "when": {"equals": [1, 2]}}], "output": {"was": "${steps.only.output}"}"#)
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["marker StepSkipped only", "complete"])
        #expect(decisions.closingPayload == ["was": nil])
    }

    @Test func whenIsDecidedBeforeForEachLooksAtItsElements() throws {
        // The forEach expression would fail (null is not an array), but the step is skipped first.
        var scenario = try Scenario(
            #""inputs": {"items": {"type": "array"}, "go": {"type": "boolean"}}, "steps": [{"id": "fan", "activity": "noop", "forEach": "${input.items}", "when": "${input.go}"}]"#,
            input: ["items": nil, "go": false])
        #expect(scenario.decide() == ["marker StepSkipped fan", "complete"])
    }

    @Test func whenOnATimerStepSkipsTheTimer() throws {
        var scenario = try Scenario(
            #""steps": [{"id": "soak", "timer": "10m", "when": {"equals": ["a", "b"]}}, {"id": "b", "activity": "noop"}]"#)
        #expect(scenario.decide() == ["marker StepSkipped soak", "schedule b"])
    }

    // MARK: Timers

    @Test func timerStepWaitsForItsTimerAndHasANullOutput() throws {
        var scenario = try Scenario(
            #""steps": [{"id": "soak", "timer": "10m"}, {"id": "b", "activity": "noop", "input": {"slept": "${steps.soak.output}"}}]"#)
        let first = scenario.decideFully()
        #expect(first.map(\.summary) == ["timer soak 10m"])
        guard case .startTimer(_, _, let control)? = first.first else { return }
        #expect(control == ActivityControl(step: "soak"))
        #expect(scenario.next.isEmpty, "nothing until the timer fires")
        scenario.history.timerFired("soak")
        let second = scenario.decideFully()
        #expect(second.map(\.summary) == ["schedule b"])
        #expect(second.task("b")?.input == ["slept": nil])
    }

    // MARK: Completion

    @Test func workflowWithoutOutputCompletesWithNull() throws {
        var scenario = try Scenario(#""steps": [{"id": "a", "activity": "noop"}]"#)
        scenario.decide()
        scenario.completed("a", ["x": 1])
        let decisions = scenario.decideFully()
        #expect(decisions.map(\.summary) == ["complete"])
        #expect(decisions.closingPayload == .null)
        #expect(scenario.next.isEmpty, "a closed execution gets no decisions")
    }

    @Test func historyWithoutAStartGetsNoDecisions() throws {
        let scenario = try Scenario(#""steps": [{"id": "a", "activity": "noop"}]"#)
        #expect(Decider.decide(definition: scenario.definition, history: []).isEmpty)
    }

    // MARK: Progress

    @Test func evaluateReportsEveryStepsStatusInFileOrder() throws {
        var scenario = try Scenario(
            #""inputs": {"items": {"type": "array"}}, "steps": [{"id": "a", "activity": "noop"}, {"id": "skip", "activity": "noop", "after": [], "when": {"equals": [1, 2]}}, {"id": "fan", "activity": "noop", "after": ["a"], "forEach": "${input.items}", "concurrency": 1}, {"id": "last", "activity": "noop"}]"#,
            input: ["items": ["x", "y"]])
        scenario.decide()
        scenario.completed("a")
        scenario.decide()
        let result = Decider.evaluate(definition: scenario.definition, state: scenario.state)
        #expect(result.steps.map(\.stepId) == ["a", "skip", "fan", "last"])
        #expect(result.steps.map(\.status) == [.completed, .skipped, .running, .pending])
        #expect(result.steps[2].activityIds == ["fan[0]"])
        #expect(result.steps[2].instanceCount == 2)
    }
}
