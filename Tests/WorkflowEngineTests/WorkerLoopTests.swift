import ExecutionCore
import EngineTesting
import HistoryStore
import StrictJSON
import Synchronization
import Testing
import Time
import WorkflowModel

@testable import WorkflowEngine

/// In-process workers run attempts inline in one task; cancelling an attempt must reach that attempt
/// alone, and the worker must go on with the next.
@Suite struct WorkerLoopTests {
    @Test func aWorkerGoesOnAfterItsAttemptIsCancelled() async throws {
        let definition = WorkflowDefinition(
            name: "w",
            steps: [
                step(
                    "a", retry: RetryPolicy(initialInterval: .seconds(1), maximumAttempts: 2),
                    timeouts: TimeoutOverrides(startToClose: .after(.minutes(1)))),
                step("b", after: ["a"]),
            ])
        let firstStarted = Gate()
        let cancelledAtStart = Mutex<[String]>([])
        let handler = ScriptedActivity(activityType: "test.work") { _, context in
            if context.activityId == "a", context.attempt == 1 {
                firstStarted.open()
                // Stopped only by the timeout's cancellation.
                try await context.clock.sleep(until: Timestamp(millisecondsSinceEpoch: .max / 2))
                return .null
            }
            if Task.isCancelled { cancelledAtStart.withLock { $0.append("\(context.activityId)#\(context.attempt)") } }
            return "done"
        }
        // One worker: the retry and the next step can only run if it survives the cancellation.
        let harness = try Harness(definition: definition, handlers: [handler], workers: 1)
        try await harness.start()
        await firstStarted.wait()
        harness.clock.advance(by: .minutes(1))
        await harness.recorder.wait { $0.contains { if case .attemptFailed = $0 { true } else { false } } }
        harness.clock.advance(by: .seconds(1))
        // Bounded, so a worker that stopped fails the test rather than hanging it.
        await eventually("the one worker completes the execution") {
            (try? harness.eventTypes().last) == "WorkflowExecutionCompleted"
        }
        #expect(cancelledAtStart.withLock { $0 }.isEmpty)
        let completed = try harness.history().events.filter { $0.eventType == .activityTaskCompleted }
        #expect(completed.count == 2)
    }

    @Test func aSequentialExecutionStaysOnTheWorkerThatCompletesEachStep() async throws {
        let definition = WorkflowDefinition(
            name: "three", steps: [step("one"), step("two", after: ["one"]), step("three", after: ["two"])])
        let handler = ScriptedActivity(activityType: "test.work") { _, _ in .null }
        // Another worker waits idle throughout: without the hand-back it would take every other step.
        let harness = try Harness(definition: definition, handlers: [handler], workers: 2)
        try await harness.start()
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)
        let identities = try harness.history().events.compactMap { event -> String? in
            if case .activityTaskStarted(let started) = event.attributes { return started.identity }
            return nil
        }
        #expect(identities.count == 3)
        #expect(Set(identities).count == 1)
    }

    @Test func aCompletionTakesItsNextTaskOnlyWhenNothingOlderWaits() async throws {
        let definition = WorkflowDefinition(name: "two", steps: [step("first"), step("second", after: ["first"])])
        let release = Gate()
        let handler = ScriptedActivity(activityType: "test.work") { _, context in
            if context.executionId == "exec-a", context.activityId == "first" { await release.wait() }
            return .null
        }
        let harness = try Harness(definition: definition, handlers: [handler], workers: 1)
        try await harness.start("exec-a")
        await harness.recorder.waitForAttemptStarts(1)
        // The one worker is busy, so exec-b's first task waits; it is older than exec-a's second.
        try await harness.start("exec-b")
        release.open()
        #expect(try await harness.engine.waitForClose("exec-a") == .completed)
        #expect(try await harness.engine.waitForClose("exec-b") == .completed)
        let starts = harness.recorder.notifications.compactMap { notification -> String? in
            guard case .attemptStarted(let executionId, let activityId, _, _) = notification else { return nil }
            return "\(executionId).\(activityId)"
        }
        #expect(starts == ["exec-a.first", "exec-b.first", "exec-a.second", "exec-b.second"])
    }

    @Test func aDetachedCancellationNoLongerRunsItsAction() {
        let ran = Mutex(0)
        let cancellation = AttemptCancellation()
        cancellation.attach { ran.withLock { $0 += 1 } }
        #expect(cancellation.detach() == false)
        cancellation.cancel()
        #expect(ran.withLock { $0 } == 0)
        #expect(cancellation.isCancelled)

        let cancelledFirst = AttemptCancellation()
        cancelledFirst.attach { ran.withLock { $0 += 1 } }
        cancelledFirst.cancel()
        #expect(cancelledFirst.detach() == true)
        #expect(ran.withLock { $0 } == 1)
    }

    @Test func aLinkCancelledBeforeItsTaskIsSetCancelsTheTaskWhenSet() async {
        let link = TaskLink()
        let gate = Gate()
        link.cancel()
        let task = Task<WorkerLoop.Ending, Never> {
            await gate.wait()
            return Task.isCancelled ? .stopped : .cancelled(taskToken: "not cancelled", outcome: .canceled(details: nil))
        }
        link.set(task)
        gate.open()
        guard case .stopped = await task.value else {
            Issue.record("the task was not cancelled")
            return
        }
    }
}
