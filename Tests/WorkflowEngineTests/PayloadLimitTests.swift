import ExecutionCore
import EngineTesting
import HistoryStore
import StrictJSON
import Testing
import WorkflowEngine
import WorkflowModel

/// An activity result over ``Limits/payloadBytesMax`` fails its activity at once, without a retry
/// and without writing the result; one at the limit is recorded (reliability.md T23).
@Suite struct PayloadLimitTests {
    @Test(arguments: [0, 1])
    func resultOverTheLimitFailsTheActivityWithoutWritingIt(overLimit: Int) async throws {
        // A JSON string's canonical form is its characters and two quotes.
        let result = JSONValue.string(String(repeating: "x", count: Limits.payloadBytesMax - 2 + overLimit))
        #expect(result.canonicalBytes().count == Limits.payloadBytesMax + overLimit)
        let calls = CallCounter()
        let handler = ScriptedActivity(activityType: "test.work") { _, context in
            calls.enter(context.activityId)
            calls.leave()
            return result
        }
        let definition = WorkflowDefinition(name: "big", steps: [step("big", retry: RetryPolicy(maximumAttempts: 3))])
        let harness = try Harness(definition: definition, handlers: [handler])
        try await harness.start()
        let status = try await harness.engine.waitForClose("exec-1")
        let history = try harness.history()
        #expect(history.outcome == .intact)
        if overLimit > 0 {
            #expect(status == .failed)
            #expect(calls.total == 1, "a result that is too large is not retried")
            let failure = history.events.compactMap { event -> ActivityTaskFailedEventAttributes? in
                if case .activityTaskFailed(let failed) = event.attributes { return failed }
                return nil
            }
            #expect(failure.map(\.reason) == ["ResultTooLarge"])
            #expect(!history.events.contains { $0.eventType == .activityTaskCompleted })
        } else {
            #expect(status == .completed)
            let completed = history.events.compactMap { event -> JSONValue? in
                if case .activityTaskCompleted(let completed) = event.attributes { return completed.result }
                return nil
            }
            #expect(completed == [result])
        }
    }
}
