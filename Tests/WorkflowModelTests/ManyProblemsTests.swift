import StrictJSON
import Testing
import WorkflowModel

/// One file with many problems: all of them come back from one run, sorted by position.
@Suite struct ManyProblemsTests {
    static let text = """
        {
          "format": "cairn.workflow/v2",
          "name": "bad name",
          "colour": "blue",
          "inputs": { "region": { "type": "strng" } },
          "onFailure": "rollback",
          "steps": [
            { "id": "a", "activity": "rds.waitAvailable", "input": { "region": "${input.regin}" }, "after": ["b"] },
            { "id": "b", "activity": "rds.createInstanse", "timeouts": { "heartbeat": "soon" } },
            { "id": "a", "timer": "5m", "forEach": "${item}" }
          ],
          "output": "${steps.zz.output}"
        }
        """

    @Test func everyProblemIsReported() {
        let outcome = validate(Self.text)
        #expect(outcome.definition == nil)
        #expect(
            summary(outcome) == [
                "workflow.unsupportedFormat@/format",
                "workflow.invalidName@/name",
                "workflow.unknownField@/colour",
                "workflow.invalidInputSpec@/inputs/region/type",
                "activity.missingInputField@/steps/0/input",
                "workflow.unknownInput@/steps/0/input/region",
                "workflow.dependencyCycle@/steps/0/after",
                "workflow.unknownActivityType@/steps/1/activity",
                "workflow.invalidDuration@/steps/1/timeouts/heartbeat",
                "workflow.duplicateStepId@/steps/2/id",
                "workflow.forEachOnTimer@/steps/2/forEach",
                "workflow.unknownStep@/output",
            ])
        let positions = outcome.diagnostics.map { [$0.line ?? 0, $0.column ?? 0] }
        #expect(positions == positions.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) })
        #expect(outcome.diagnostics.first?.line == 2)
    }

    @Test func withoutPositionsTheSameProblemsAreFound() throws {
        let root = try JSONParser.parse(Self.text).root
        let outcome = WorkflowValidator.validate(json: root)
        #expect(Set(summary(outcome)) == Set(summary(validate(Self.text))))
        #expect(outcome.diagnostics.allSatisfy { $0.line == nil && $0.column == nil })
    }
}
