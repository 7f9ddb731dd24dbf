import HistoryTesting
import StrictJSON
import Testing
import WorkflowDecider
import WorkflowModel

/// The golden histories (real engine output, `Fixtures/README.md`) replayed with the current
/// decider (reliability T11, T14). The `GoldenHistoryTests` target records them and checks them
/// against the engine and the store.
@Suite("Golden histories: replay") struct GoldenReplayTests {
    /// Each committed history reloads its own recorded definition, replays without a mismatch and
    /// ends as its name says.
    @Test(arguments: GoldenHistories.names)
    func committedHistoryReplays(_ name: String) throws {
        let fixture = try GoldenHistories.load(name)
        let events = fixture.events
        #expect(try ReplayVerifier.verify(definition: fixture.definition, history: events) == fixture.decisionTaskCount)
        let close = try #require(events.last)
        #expect(events.filter { $0.eventType.closesExecution }.count == 1, "exactly one closing event, the last")
        switch fixture.outcome {
        case "completed", "retried":
            #expect(close.eventType == .workflowExecutionCompleted)
        case "failed":
            guard case .workflowExecutionFailed(let failed) = close.attributes else {
                Issue.record("\(name) ends with \(close.eventType.rawValue)")
                return
            }
            #expect(failed.reason == "StepFailed")
            #expect(failed.details["rollback"] == "not-configured")
        case "rolled-back":
            guard case .workflowExecutionFailed(let failed) = close.attributes else {
                Issue.record("\(name) ends with \(close.eventType.rawValue)")
                return
            }
            #expect(failed.reason == "StepFailed")
            #expect(failed.details["rollback"] == "completed")
            #expect(failed.details["compensated"]?.arrayValue?.isEmpty == false)
        case "canceled":
            #expect(close.eventType == .workflowExecutionCanceled)
        case "timed-out":
            #expect(close.eventType == .workflowExecutionTimedOut)
        default:
            Issue.record("fixture \(name) names an unknown outcome \"\(fixture.outcome)\"")
        }
    }

    /// The canonical scenarios as exact event sequences (reliability T14).
    @Test(
        arguments: [
            (
                "create-instance.completed",
                [
                    [.workflowExecutionStarted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskCompleted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskCompleted], decisionTask, [.workflowExecutionCompleted],
                ]
            ),
            // Retries add no events: the same sequence as the happy path.
            (
                "create-instance.retried",
                [
                    [.workflowExecutionStarted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskCompleted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskCompleted], decisionTask, [.workflowExecutionCompleted],
                ]
            ),
            (
                "create-instance.failed",
                [
                    [.workflowExecutionStarted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskCompleted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskFailed], decisionTask, [.workflowExecutionFailed],
                ]
            ),
            (
                "create-instance.canceled",
                [
                    [.workflowExecutionStarted], decisionTask, [.activityTaskScheduled],
                    [.activityTaskStarted, .activityTaskCompleted], decisionTask, [.activityTaskScheduled],
                    [.workflowExecutionCancelRequested], decisionTask, [.activityTaskCancelRequested],
                    [.activityTaskStarted, .activityTaskCanceled], decisionTask, [.workflowExecutionCanceled],
                ]
            ),
            (
                "short-deadline.timed-out",
                [
                    [.workflowExecutionStarted], decisionTask, [.activityTaskScheduled], [.workflowExecutionTimedOut],
                ]
            ),
        ] as [(String, [[EventType]])])
    func canonicalScenarioHasTheExpectedEventSequence(_ name: String, _ expected: [[EventType]]) throws {
        let fixture = try GoldenHistories.load(name)
        #expect(fixture.events.map(\.eventType) == expected.flatMap { $0 })
    }

    static let decisionTask: [EventType] = [.decisionTaskScheduled, .decisionTaskStarted, .decisionTaskCompleted]
}
