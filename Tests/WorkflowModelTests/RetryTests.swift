import Testing
import WorkflowModel

@Suite struct RetryTests {
    func retry(_ body: String) -> ValidationOutcome {
        validate(workflow([waitStep("a", "\"retry\": { \(body) }")]))
    }

    @Test func missingFieldsTakeTheDefaults() throws {
        let definition = try #require(retry("\"maximumAttempts\": 0").definition)
        #expect(definition.steps[0].retry == RetryPolicy(maximumAttempts: 0))
    }

    @Test func contradictions() {
        #expect(summary(retry("\"backoffCoefficient\": 0.5")) == ["workflow.retryContradiction@/steps/0/retry/backoffCoefficient"])
        #expect(summary(retry("\"maximumAttempts\": -1")) == ["workflow.retryContradiction@/steps/0/retry/maximumAttempts"])
        #expect(
            summary(retry("\"maximumAttempts\": \(Limits.retryAttemptsMax + 1)")) == [
                "workflow.retryContradiction@/steps/0/retry/maximumAttempts"
            ])
        // Only initialInterval is written, and it is longer than the default 100s maximum.
        #expect(summary(retry("\"initialInterval\": \"5m\"")) == ["workflow.retryContradiction@/steps/0/retry/initialInterval"])
    }

    @Test func wrongTypes() {
        #expect(
            summary(retry("\"maximumAttempts\": 2.5, \"nonRetryableErrors\": [\"A\", 1], \"backoffCoefficient\": \"2\"")) == [
                "workflow.wrongType@/steps/0/retry/maximumAttempts",
                "workflow.wrongType@/steps/0/retry/nonRetryableErrors/1",
                "workflow.wrongType@/steps/0/retry/backoffCoefficient",
            ])
    }
}
