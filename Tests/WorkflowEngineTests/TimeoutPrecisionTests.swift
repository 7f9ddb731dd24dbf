import ExecutionCore
import EngineTesting
import HistoryStore
import StrictJSON
import Testing
import Time
import WorkflowEngine
import WorkflowModel

/// Each activity timeout is armed for exactly its deadline on the injected clock, fires there, and
/// leads to the policy's retry at exactly the backoff's end; the timed-out attempt's late answer
/// is refused (reliability.md T17/T18, on the manual clock).
@Suite struct TimeoutPrecisionTests {
    /// Raw values are SWF's timeout type names, as in the failure reason.
    enum Kind: String, CaseIterable, Sendable {
        case startToClose = "START_TO_CLOSE"
        case heartbeat = "HEARTBEAT"
        case scheduleToStart = "SCHEDULE_TO_START"
    }

    @Test(arguments: Kind.allCases)
    func timeoutFiresAtItsDeadlineAndTheRetryStartsWhenTheBackoffEnds(kind: Kind) async throws {
        let limit = Interval.seconds(90)
        let backoff = Interval.seconds(7)
        let timeouts: TimeoutOverrides =
            switch kind {
            case .startToClose: TimeoutOverrides(startToClose: .after(limit))
            case .heartbeat: TimeoutOverrides(startToClose: .after(.hours(1)), heartbeat: .after(limit))
            case .scheduleToStart: TimeoutOverrides(scheduleToStart: .after(limit))
            }
        let definition = WorkflowDefinition(
            name: "precise",
            steps: [
                step("slow", retry: RetryPolicy(initialInterval: backoff, backoffCoefficient: 1, maximumAttempts: 2), timeouts: timeouts)
            ])
        let released = Gate()
        let calls = CallCounter()
        let handler = ScriptedActivity(activityType: "test.work") { _, context in
            calls.enter(context.activityId)
            defer { calls.leave() }
            if context.attempt == 1 {
                // A stuck call that ignores cancellation and answers after its attempt timed out.
                await released.wait()
                return "late"
            }
            return "second"
        }
        // Schedule-to-start needs a task no worker takes: no workers. Otherwise two: the stuck first
        // attempt keeps one busy.
        let harness = try Harness(definition: definition, handlers: [handler], workers: kind == .scheduleToStart ? 0 : 2)
        let start = harness.clock.now()
        try await harness.start()
        if kind != .scheduleToStart { await harness.recorder.waitForAttemptStarts(1) }
        let deadline = start.adding(limit)

        // Armed for exactly the deadline: one millisecond before it, it is still waiting.
        await eventually("the timeout is armed") { harness.clock.nextDeadline == deadline }
        harness.clock.advance(to: deadline.adding(Interval(milliseconds: -1)))
        #expect(harness.clock.nextDeadline == deadline)
        harness.clock.advance(to: deadline)

        if kind == .scheduleToStart {
            // Schedule-to-start is not retryable (as in Temporal): the activity times out for good.
            #expect(try await harness.engine.waitForClose("exec-1") == .failed)
            let timedOut = try harness.history().events.first { $0.eventType == .activityTaskTimedOut }
            #expect(timedOut?.eventTimestamp == deadline)
            return
        }
        await harness.recorder.wait { $0.contains { if case .attemptFailed = $0 { true } else { false } } }
        let failed = try harness.history().records.compactMap { record -> ActivityAttemptFailed? in
            if case .attemptFailed(let failed) = record { return failed }
            return nil
        }
        #expect(failed.map(\.attempt) == [1])
        #expect(failed.first?.reason == "Timeout.\(kind.rawValue)")
        #expect(failed.first?.timestamp == deadline)
        #expect(failed.first?.nextAttemptAt == deadline.adding(backoff))

        // The retry waits for the backoff, then attempt 2 starts at exactly its end.
        harness.clock.advance(to: deadline.adding(backoff))
        await harness.recorder.waitForAttemptStarts(2)
        let secondStart = harness.recorder.notifications.compactMap { notification -> Timestamp? in
            if case .attemptStarted(_, _, let attempt, let at) = notification, attempt == 2 { return at }
            return nil
        }
        #expect(secondStart == [deadline.adding(backoff)])
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)

        // The first attempt answers now: refused, and the history keeps attempt 2's result.
        released.open()
        await harness.recorder.wait { $0.contains { if case .staleResultRefused = $0 { true } else { false } } }
        let events = try harness.history().events
        let completed = events.compactMap { event -> JSONValue? in
            if case .activityTaskCompleted(let completed) = event.attributes { return completed.result }
            return nil
        }
        #expect(completed == ["second"])
        #expect(calls.total == 2)
    }
}
