import StrictJSON
import WorkflowModel

/// One in-process worker: polls the task lists, runs the handler, reports the outcome.
struct WorkerLoop {
    let engine: Engine
    let broker: TaskBroker
    let handlers: [String: any ActivityHandler]
    let clock: any WallClock
    let identity: String

    func run() async {
        while !Task.isCancelled {
            guard let task = await broker.poll(taskList: nil) else { return }
            let cancellation = AttemptCancellation()
            guard await engine.beginAttempt(taskToken: task.taskToken, identity: identity, cancellation: cancellation)
            else { continue }
            let outcome = await perform(task, cancellation: cancellation)
            // A refused result (the attempt timed out meanwhile) is dropped, as SWF drops it.
            try? await engine.finishAttempt(taskToken: task.taskToken, outcome: outcome)
        }
    }

    func perform(_ task: ActivityTask, cancellation: AttemptCancellation) async -> AttemptOutcome {
        guard let handler = handlers[task.activityType.name] else {
            return .failed(
                ActivityFailure(
                    reason: "UnknownActivityType",
                    details: "no worker here performs \(task.activityType.name)", isNonRetryable: true))
        }
        let engine = engine
        let token = task.taskToken
        let context = ActivityContext(
            executionId: task.workflowExecution.workflowId, runId: task.workflowExecution.runId,
            activityId: task.activityId, stepId: task.stepId, attempt: task.attempt, clock: clock,
            heartbeat: { details in await engine.recordHeartbeat(taskToken: token, details: details) },
            report: { message in Task { await engine.recordReport(taskToken: token, message: message) } })
        // A child task so the engine can cancel this attempt alone (timeout, cancel request).
        let work = Task { try await handler.run(input: task.input, context: context) }
        cancellation.attach { work.cancel() }
        do {
            return .completed(try await work.value)
        } catch let failure as ActivityFailure {
            return .failed(failure)
        } catch is CancellationError {
            return .canceled(details: nil)
        } catch {
            return .failed(ActivityFailure(reason: "ActivityError", details: "\(error)"))
        }
    }
}
