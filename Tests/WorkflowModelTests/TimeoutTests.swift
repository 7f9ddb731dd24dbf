import Testing
import WorkflowModel

/// Effective timeouts are step (or compensation) over workflow defaults over the activity type's
/// defaults; a contradiction is reported at the most specific level that set one of its values.
@Suite struct TimeoutTests {
    let create =
        "{ \"id\": \"ID\", \"activity\": \"rds.createInstance\", \"input\": { \"region\": \"r\", \"identifier\": \"i\", \"engine\": \"postgres\", \"instanceClass\": \"c\" }EXTRA }"

    func createStep(_ id: String, _ extra: String = "") -> String {
        create.replacing("ID", with: id).replacing("EXTRA", with: extra.isEmpty ? "" : ", " + extra)
    }

    @Test func defaultsAgainstActivityTypeDefaultsAreReportedOnce() {
        // rds.createInstance runs for at most 10m by default; a 20m heartbeat can never fire.
        let outcome = validate(
            workflow(
                [createStep("a"), createStep("b"), createStep("c")],
                extra: ["\"defaults\": { \"timeouts\": { \"heartbeat\": \"20m\" } }"]))
        #expect(summary(outcome) == ["workflow.timeoutContradiction@/defaults/timeouts/heartbeat"])
        #expect(outcome.diagnostics[0].message.contains("(from the workflow defaults)"))
        #expect(outcome.diagnostics[0].message.contains("startToClose 10m (the default of rds.createInstance)"))
    }

    @Test func stepAgainstActivityTypeDefault() {
        // rds.waitAvailable heartbeats every 2m by default; a 1m attempt is shorter than that.
        let outcome = validate(workflow([waitStep("a", "\"timeouts\": { \"startToClose\": \"1m\" }")]))
        #expect(summary(outcome) == ["workflow.timeoutContradiction@/steps/0/timeouts/startToClose"])
    }

    @Test func stepAgainstDefaults() {
        let outcome = validate(
            workflow(
                [waitStep("a", "\"timeouts\": { \"scheduleToClose\": \"30m\" }")],
                extra: ["\"defaults\": { \"timeouts\": { \"startToClose\": \"1h\" } }"]))
        #expect(summary(outcome) == ["workflow.timeoutContradiction@/steps/0/timeouts/scheduleToClose"])
        #expect(
            outcome.diagnostics[0].message.contains(
                "startToClose 1h (from the workflow defaults) is longer than scheduleToClose 30m (set by the step)"))
    }

    @Test func sameLevelPointsAtTheFirstNamedValue() {
        let outcome = validate(
            workflow([
                waitStep("a", "\"timeouts\": { \"scheduleToStart\": \"3h\", \"scheduleToClose\": \"3h\", \"startToClose\": \"1h\" }")
            ]))
        #expect(summary(outcome) == ["workflow.timeoutContradiction@/steps/0/timeouts/scheduleToStart"])
    }

    @Test func stepOverridesCanResolveADefaultsContradiction() {
        let outcome = validate(
            workflow(
                [createStep("a", "\"timeouts\": { \"startToClose\": \"1h\" }")],
                extra: ["\"defaults\": { \"timeouts\": { \"heartbeat\": \"20m\" } }"]))
        #expect(outcome.diagnostics == [])
    }

    @Test func compensationTimeoutsAreCheckedAgainstItsOwnActivityType() {
        let compensation = """
            "compensation": { "activity": "rds.deleteInstance", "input": { "region": "${output.region}", "identifier": "${output.identifier}" }, "timeouts": { "heartbeat": "5h" } }
            """
        let outcome = validate(workflow([createStep("a", compensation)]))
        #expect(summary(outcome) == ["workflow.timeoutContradiction@/steps/0/compensation/timeouts/heartbeat"])
        #expect(outcome.diagnostics[0].message.contains("the compensation of step \"a\" (rds.deleteInstance)"))
    }

    @Test func unboundedFromDefaults() {
        // noop has only a 1m startToClose; NONE in the defaults removes the only bound.
        let outcome = validate(
            workflow(
                ["{ \"id\": \"n\", \"activity\": \"noop\" }"],
                extra: ["\"defaults\": { \"timeouts\": { \"startToClose\": \"NONE\" } }"]))
        #expect(summary(outcome) == ["workflow.unboundedActivity@/defaults/timeouts/startToClose"])
    }

    @Test func scheduleToCloseAloneIsABound() {
        let outcome = validate(
            workflow(
                ["{ \"id\": \"n\", \"activity\": \"noop\", \"timeouts\": { \"startToClose\": \"NONE\", \"scheduleToClose\": \"1h\" } }"]))
        #expect(outcome.diagnostics == [])
    }

    @Test func timeoutValuesMustBeDurationsOrNone() {
        let outcome = validate(workflow([waitStep("a", "\"timeouts\": { \"heartbeat\": \"none\", \"startToClose\": 60 }")]))
        #expect(
            summary(outcome) == [
                "workflow.invalidDuration@/steps/0/timeouts/heartbeat", "workflow.wrongType@/steps/0/timeouts/startToClose",
            ])
    }
}
