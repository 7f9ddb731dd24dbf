import ExecutionCore
import StrictJSON
import Synchronization
import Time
import WorkflowModel

/// One in-process worker: polls the task lists, runs the handler, reports the outcome.
///
/// Attempts run inline in an inner task, not one child task each: a task per attempt cost about a
/// sixth of the sequential path's CPU. Cancelling one attempt cancels that inner task, so after a
/// cancelled attempt the inner task ends, its outcome is reported from here (not from a cancelled
/// task), and a fresh inner task takes over.
struct WorkerLoop {
    let engine: Engine
    let tasks: TaskBroker<ActivityTask>
    let handlers: [String: any ActivityHandler]
    let clock: any WallClock
    let identity: String

    /// How a run of attempts ended.
    enum Ending: Sendable {
        /// The broker closed or the worker was stopped.
        case stopped
        /// An attempt was cancelled (so its task is); its outcome is still to be reported.
        case cancelled(taskToken: String, outcome: AttemptOutcome)
    }

    func run() async {
        while !Task.isCancelled {
            let link = TaskLink()
            let attempts = Task { await runAttempts(cancelling: link) }
            link.set(attempts)
            let ending = await withTaskCancellationHandler {
                await attempts.value
            } onCancel: {
                attempts.cancel()
            }
            guard case .cancelled(let token, let outcome) = ending else { return }
            // A refused result (the attempt timed out meanwhile) is dropped, as SWF drops it.
            try? await engine.finishAttempt(taskToken: token, outcome: outcome)
        }
    }

    /// Runs attempts one after another in the current task until one is cancelled or the worker stops.
    /// A completion hands back the next task its decision dispatched, so a sequential execution stays
    /// on this worker without polling.
    func runAttempts(cancelling link: TaskLink) async -> Ending {
        var next: (task: ActivityTask, cancellation: AttemptCancellation)?
        while !Task.isCancelled {
            let task: ActivityTask
            let cancellation: AttemptCancellation
            if let handedBack = next {
                (task, cancellation) = handedBack
                next = nil
            } else {
                guard let polled = await tasks.poll(taskList: nil) else { return .stopped }
                task = polled
                cancellation = AttemptCancellation()
                guard await engine.beginAttempt(taskToken: task.taskToken, identity: identity, cancellation: cancellation)
                else { continue }
            }
            cancellation.attach { link.cancel() }
            let outcome = await perform(task)
            // Once detached, a later cancel of this attempt no longer reaches the task; if one came
            // first, this task is cancelled and must not run another attempt.
            if cancellation.detach() { return .cancelled(taskToken: task.taskToken, outcome: outcome) }
            let following = AttemptCancellation()
            // A refused result (the attempt timed out meanwhile) is dropped, as SWF drops it.
            if let handedBack = try? await engine.finishAttemptAndBeginNext(
                taskToken: task.taskToken, outcome: outcome, identity: identity, cancellation: following)
            {
                next = (handedBack, following)
            }
        }
        return .stopped
    }

    func perform(_ task: ActivityTask) async -> AttemptOutcome {
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
        do {
            return .completed(try await handler.run(input: task.input, context: context))
        } catch let failure as ActivityFailure {
            return .failed(failure)
        } catch is CancellationError {
            return .canceled(details: nil)
        } catch {
            return .failed(ActivityFailure(reason: "ActivityError", details: "\(error)"))
        }
    }
}

/// The inner task of a ``WorkerLoop``, for an attempt's cancellation to reach; a cancel that comes
/// before the task is set cancels it as soon as it is.
final class TaskLink: Sendable {
    private struct State {
        var task: Task<WorkerLoop.Ending, Never>?
        var cancelRequested = false
    }

    private let state = Mutex(State())

    /// Links the task.
    func set(_ task: Task<WorkerLoop.Ending, Never>) {
        let cancelNow = state.withLock { state -> Bool in
            state.task = task
            return state.cancelRequested
        }
        if cancelNow { task.cancel() }
    }

    /// Cancels the linked task (now, or when it is set).
    func cancel() {
        let task = state.withLock { state -> Task<WorkerLoop.Ending, Never>? in
            state.cancelRequested = true
            return state.task
        }
        task?.cancel()
    }
}
