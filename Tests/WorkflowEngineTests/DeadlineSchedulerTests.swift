import ExecutionCore
import EngineTesting
import Synchronization
import Testing
import Time

@testable import WorkflowEngine

/// The one-sleeper deadline heap behind every timeout, timer and retry.
@Suite struct DeadlineSchedulerTests {
    final class Fired: Sendable {
        private let state = Mutex<[String]>([])
        func add(_ name: String) { state.withLock { $0.append(name) } }
        var names: [String] { state.withLock { $0 } }

        /// Waits until `count` deadlines have fired; the sleeper fires them on its own task.
        func wait(for count: Int) async {
            while names.count < count { await Task.yield() }
        }
    }

    static let start = Timestamp(millisecondsSinceEpoch: 1_000_000)

    /// Waits until the scheduler's one task sleeps on the clock until `deadline`.
    func sleeping(_ clock: ManualClock, until deadline: Timestamp) async {
        while clock.sleeperCount != 1 || clock.nextDeadline != deadline { await Task.yield() }
    }

    @Test func firesInDeadlineOrderAndNotBeforeItsTime() async {
        let clock = ManualClock(start: Self.start)
        let scheduler = DeadlineScheduler(clock: clock)
        let fired = Fired()
        for (name, seconds) in [("c", 30), ("a", 10), ("b", 20), ("a2", 10)] {
            scheduler.schedule(at: Self.start.adding(.seconds(Int64(seconds)))) { _ in fired.add(name) }
        }
        // Armed later but earlier than all: the sleeper is replaced by one that wakes sooner.
        scheduler.schedule(at: Self.start.adding(.seconds(5))) { _ in fired.add("first") }
        #expect(scheduler.summary.armed == 5)
        await sleeping(clock, until: Self.start.adding(.seconds(5)))
        clock.advance(to: Self.start.adding(.milliseconds(4_999)))
        #expect(fired.names.isEmpty)
        clock.advance(by: .milliseconds(1))
        await fired.wait(for: 1)
        await sleeping(clock, until: Self.start.adding(.seconds(10)))
        #expect(fired.names == ["first"])
        clock.advance(by: .seconds(100))
        await fired.wait(for: 5)
        #expect(fired.names == ["first", "a", "a2", "b", "c"])
        #expect(scheduler.summary.armed == 0)
    }

    @Test func aCancelledDeadlineNeverFiresAndTheRestStillDo() async {
        let clock = ManualClock(start: Self.start)
        let scheduler = DeadlineScheduler(clock: clock)
        let fired = Fired()
        let early = scheduler.schedule(at: Self.start.adding(.seconds(1))) { _ in fired.add("early") }
        scheduler.schedule(at: Self.start.adding(.seconds(2))) { _ in fired.add("late") }
        scheduler.cancel(early)
        scheduler.cancel(early)
        #expect(scheduler.summary.earliest == Self.start.adding(.seconds(2)))
        clock.advance(by: .seconds(1))
        clock.advance(by: .seconds(1))
        await fired.wait(for: 1)
        #expect(fired.names == ["late"])
    }

    /// The sequential path arms a start-to-close timeout and cancels it per activity: the heap must
    /// not keep every cancelled entry, and the one live deadline must still fire.
    @Test func manyArmedThenCancelledDeadlinesDoNotAccumulate() async {
        let clock = ManualClock(start: Self.start)
        let scheduler = DeadlineScheduler(clock: clock)
        let fired = Fired()
        for index in 0..<10_000 {
            let id = scheduler.schedule(at: Self.start.adding(.minutes(1)).adding(.milliseconds(Int64(index)))) { _ in
                fired.add("cancelled \(index)")
            }
            scheduler.cancel(id)
        }
        scheduler.schedule(at: Self.start.adding(.minutes(2))) { _ in fired.add("live") }
        #expect(scheduler.summary.armed == 1)
        #expect(scheduler.heapCount < 200)
        clock.advance(by: .minutes(1))
        clock.advance(by: .minutes(1))
        await fired.wait(for: 1)
        #expect(fired.names == ["live"])
    }

    @Test func closeDisarmsEverythingAndRefusesMore() async {
        let clock = ManualClock(start: Self.start)
        let scheduler = DeadlineScheduler(clock: clock)
        let fired = Fired()
        scheduler.schedule(at: Self.start.adding(.seconds(1))) { _ in fired.add("armed") }
        await sleeping(clock, until: Self.start.adding(.seconds(1)))
        scheduler.close()
        scheduler.schedule(at: Self.start.adding(.seconds(1))) { _ in fired.add("after close") }
        while clock.sleeperCount > 0 { await Task.yield() }
        clock.advance(by: .seconds(5))
        #expect(scheduler.summary.armed == 0)
        #expect(fired.names.isEmpty)
    }
}
