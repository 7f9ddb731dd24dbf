import StrictJSON
import WorkflowModel

// Completing the workflow once every step completed or was skipped.
extension Evaluation {
    /// Completes the workflow with its `output`, or fails it when the output does not evaluate.
    mutating func complete() {
        guard let output = definition.output else {
            record(.completeWorkflowExecution(result: .null))
            return
        }
        do {
            record(.completeWorkflowExecution(result: try output.evaluate(in: scope())))
        } catch {
            record(
                .failWorkflowExecution(
                    reason: "TemplateError",
                    details: [
                        "message": .string("the workflow output could not be evaluated: \(error)")
                    ]))
        }
    }
}
