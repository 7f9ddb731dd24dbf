import Foundation
import StrictJSON
import Synchronization
import Testing
import Time
@testable import WorkflowCLI
import WorkflowEngine
import WorkflowModel

/// The live display is driven by the engine's notifications: fed by hand here (events of a real
/// history, attempts made up), with a clock that moves only when the test says.
@Suite struct ProgressDisplayTests {
    /// A clock that stands still until the test moves it.
    final class TestClock: WallClock {
        private let time: Mutex<Timestamp>
        init(_ time: Timestamp) { self.time = Mutex(time) }
        func now() -> Timestamp { time.withLock { $0 } }
        func sleep(until deadline: Timestamp) async throws { Issue.record("the display never sleeps on the wall clock") }
        func advance(by interval: Interval) { time.withLock { $0 = $0.adding(interval) } }
    }

    /// The events of a real run of create-instance whose instance was throttled once (attempt 2
    /// created it), and the definition.
    static func recordedRun() async throws -> (definition: WorkflowDefinition, events: [HistoryEvent]) {
        try await Sandbox.with { sandbox in
            let fault = await sandbox.cairn("sim", "fault", "--operation", "CreateDBInstance", "--code", "Throttling")
            try #require(fault.status == 0, "\(fault)")
            let run = await sandbox.cairn("run", workflowPath("create-instance"), "--input", "identifier=db", "--id", "db", "--sim-speed", "600")
            try #require(run.status == 0, "\(run)")
            let history = await sandbox.cairn("history", "db", "--json")
            try #require(history.status == 0, "\(history)")
            let events = try history.out.split(separator: "\n").filter { $0.contains("\"eventType\"") }
                .map { try JSONDecoder().decode(HistoryEvent.self, from: Data($0.utf8)) }
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: workflowPath("create-instance"))))
            let definition = try #require(WorkflowValidator.validate(fileBytes: bytes).definition)
            return (definition, events)
        }
    }

    /// The events up to and including the `n`th ActivityTaskScheduled.
    static func events(_ events: [HistoryEvent], throughScheduled n: Int) throws -> [HistoryEvent] {
        let scheduled = events.indices.filter { events[$0].eventType == .activityTaskScheduled }
        try #require(scheduled.count >= n, "\(events.map(\.eventType))")
        return Array(events[...scheduled[n - 1]])
    }

    @Test func plainLinesFollowTheNotificationsAndOnlyEventsAreDecidedAgain() async throws {
        let (definition, events) = try await Self.recordedRun()
        let first = try Self.events(events, throughScheduled: 1)
        let second = try Self.events(events, throughScheduled: 2)
        let clock = TestClock(try #require(first.last).eventTimestamp)
        let recorder = RecordingConsole()
        let feed = NotificationFeed()
        let display = ProgressDisplay(console: recorder.console(), feed: feed, executionId: "db", clock: clock)
        let time = clockTime(clock.now())
        var printed = 0
        func newLines() -> [String] {
            let lines = recorder.out.split(separator: "\n").map(String.init)
            defer { printed = lines.count }
            return Array(lines.dropFirst(printed))
        }

        display.start(definition: definition, state: HistoryState(), live: [:])
        #expect(newLines() == [], "nothing has started")
        #expect(display.evaluations == 1)

        feed.observer(.eventsRecorded(executionId: "db", events: first))
        display.refresh()
        #expect(newLines() == ["\(time)  instance  running  attempt 1"])
        #expect(display.evaluations == 2)

        // Attempts change the table without deciding again; a running attempt that was shown already prints nothing.
        feed.observer(.attemptStarted(executionId: "db", activityId: "instance", attempt: 1, at: clock.now()))
        display.refresh()
        #expect(newLines() == [])
        let throttled = ActivityFailure(reason: "Throttling", details: "Rate exceeded")
        feed.observer(
            .attemptFailed(executionId: "db", activityId: "instance", attempt: 1, failure: throttled, nextAttemptAt: clock.now()))
        display.refresh()
        #expect(newLines() == ["\(time)  instance  retrying  attempt 2  (Throttling: Rate exceeded)"])
        feed.observer(.attemptStarted(executionId: "db", activityId: "instance", attempt: 2, at: clock.now()))
        feed.observer(.activityReport(executionId: "db", activityId: "instance", message: "status creating"))
        display.refresh()
        #expect(newLines() == ["\(time)  instance  running  attempt 2"])
        #expect(display.evaluations == 2, "no event arrived")

        // Another execution's notifications are not this display's.
        feed.observer(.eventsRecorded(executionId: "other", events: events))
        feed.observer(.attemptStarted(executionId: "other", activityId: "available", attempt: 1, at: clock.now()))
        display.refresh()
        #expect(newLines() == [])
        #expect(display.evaluations == 2)

        // Events already shown are skipped; the new ones close the instance and start the wait, in one evaluation.
        feed.observer(.eventsRecorded(executionId: "db", events: second))
        display.refresh()
        let lines = newLines()
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.hasPrefix("\(time)  instance  completed  attempt 2  after ") == true, "\(lines)")
        #expect(lines.last == "\(time)  available  running  attempt 1", "\(lines)")
        #expect(display.evaluations == 3)
    }

    @Test func theTerminalTableRedrawsTheElapsedTimeWithoutDecidingAgain() async throws {
        let (definition, events) = try await Self.recordedRun()
        let first = try Self.events(events, throughScheduled: 1)
        let clock = TestClock(try #require(first.last).eventTimestamp.adding(.seconds(3)))
        let recorder = RecordingConsole()
        let feed = NotificationFeed()
        let display = ProgressDisplay(console: recorder.console(isTerminal: true), feed: feed, executionId: "db", clock: clock)

        display.start(definition: definition, state: HistoryState(events: first), live: [:])
        let drawn = recorder.out
        #expect(drawn.contains("\r\u{1B}[2K  ▸ instance   running  attempt 1  3s"), "\(drawn.debugDescription)")
        #expect(drawn.contains("\r\u{1B}[2K  · available  pending"), "\(drawn.debugDescription)")
        #expect(!drawn.contains("\u{1B}[2A"), "the first drawing moves no cursor")

        clock.advance(by: .seconds(5))
        feed.poke()
        display.refresh()
        let redrawn = String(recorder.out.dropFirst(drawn.count))
        #expect(redrawn.hasPrefix("\u{1B}[2A"), "the table is drawn over itself: \(redrawn.debugDescription)")
        #expect(redrawn.contains("  ▸ instance   running  attempt 1  8s"), "\(redrawn.debugDescription)")
        #expect(display.evaluations == 1, "the elapsed time alone decides nothing")
    }

    /// The listening loop takes what was queued and ends when the feed finishes (no timer off a terminal).
    @Test(.timeLimit(.minutes(1))) func listeningEndsWhenTheFeedFinishes() async throws {
        let (definition, events) = try await Self.recordedRun()
        let clock = TestClock(try #require(events.last).eventTimestamp)
        let recorder = RecordingConsole()
        let feed = NotificationFeed()
        let display = ProgressDisplay(console: recorder.console(), feed: feed, executionId: "db", clock: clock)
        display.start(definition: definition, state: HistoryState(), live: [:])
        feed.observer(.eventsRecorded(executionId: "db", events: events))
        feed.finish()
        feed.observer(.eventsRecorded(executionId: "db", events: []))
        await display.listen()
        let lines = recorder.out.split(separator: "\n")
        #expect(lines.count == 2, "\(recorder.out)")
        #expect(lines.allSatisfy { $0.contains("  completed  attempt ") }, "\(recorder.out)")
        #expect(display.evaluations == 2)
        #expect(feed.take().isEmpty, "a finished feed takes nothing more")
    }
}
