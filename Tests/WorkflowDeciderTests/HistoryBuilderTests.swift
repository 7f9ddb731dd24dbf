import HistoryTesting
import StrictJSON
import Testing
import Time
import WorkflowDecider
import WorkflowModel

/// The builder writes what the engine writes.
@Suite("HistoryBuilder") struct HistoryBuilderTests {
    /// Rebuilding each golden history with the builder (decision tasks by the decider, outcomes
    /// copied from the golden) gives the same events, apart from timestamps and identities.
    @Test(arguments: GoldenHistories.names)
    func rebuildingAGoldenHistoryGivesTheEnginesEvents(_ name: String) throws {
        let fixture = try GoldenHistories.load(name)
        let golden = fixture.events
        var builder = HistoryBuilder(continuing: [golden[0]])
        var index = 1
        while index < golden.count {
            let event = golden[index]
            let next = index + 1 < golden.count ? golden[index + 1] : nil
            switch event.attributes {
            case .decisionTaskScheduled:
                builder.decide(fixture.definition)
                // Skip the task and the decisions it recorded.
                let completedId = event.eventId + 2
                index += 3
                while index < golden.count,
                    DecisionRecorder.decisionTaskCompletedEventId(of: golden[index].attributes) == completedId
                {
                    index += 1
                }
                continue
            case .activityTaskStarted(let started):
                let activityId = try #require(builder.state.activityIdsByScheduledEventId[started.scheduledEventId])
                switch next?.attributes {
                case .activityTaskCompleted(let completed)?:
                    builder.activityCompleted(activityId, result: completed.result, attempt: started.attempt)
                case .activityTaskFailed(let failed)?:
                    builder.activityFailed(activityId, reason: failed.reason, details: failed.details, attempt: started.attempt)
                case .activityTaskTimedOut(let timedOut)?:
                    builder.activityTimedOut(activityId, type: timedOut.timeoutType, details: timedOut.details, attempt: started.attempt)
                case .activityTaskCanceled(let canceled)?:
                    builder.activityCanceled(activityId, details: canceled.details)
                default:
                    Issue.record("\(name): event \(event.eventId) ActivityTaskStarted is not followed by an outcome")
                }
                index += 2
                continue
            case .activityTaskCanceled(let canceled):
                let activityId = try #require(builder.state.activityIdsByScheduledEventId[canceled.scheduledEventId])
                builder.activityCanceled(activityId, started: false, details: canceled.details)
            case .activityTaskTimedOut(let timedOut):
                let activityId = try #require(builder.state.activityIdsByScheduledEventId[timedOut.scheduledEventId])
                builder.activityTimedOut(activityId, type: timedOut.timeoutType, details: timedOut.details)
            case .timerFired(let fired):
                builder.timerFired(fired.timerId)
            case .workflowExecutionCancelRequested(let requested):
                builder.cancelRequested(identity: requested.identity ?? "")
            case .workflowExecutionTimedOut:
                builder.executionTimedOut()
            default:
                Issue.record("\(name): unexpected trigger event \(event.eventId) \(event.eventType.rawValue)")
            }
            index += 1
        }
        let rebuilt = builder.events.map(Self.normalized)
        let expected = golden.map(Self.normalized)
        #expect(rebuilt.count == expected.count)
        for (built, recorded) in zip(rebuilt, expected) where built != recorded {
            Issue.record("\(name): event \(recorded.eventId) differs:\n  builder: \(built)\n  engine:  \(recorded)")
            break
        }
    }

    @Test func helpersAppendTheDocumentedEvents() throws {
        var scenario = try Scenario(
            #""steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "after": []}, {"id": "t", "timer": "1m", "after": []}]"#
        )
        #expect(scenario.history.events.map(\.eventType) == [.workflowExecutionStarted])
        scenario.decide()
        #expect(
            scenario.history.events.dropFirst().map(\.eventType) == [
                .decisionTaskScheduled, .decisionTaskStarted, .decisionTaskCompleted, .activityTaskScheduled,
                .activityTaskScheduled, .timerStarted,
            ])
        var count = scenario.history.events.count
        func appended(_ body: (inout HistoryBuilder) -> Void) -> [EventType] {
            body(&scenario.history)
            defer { count = scenario.history.events.count }
            return scenario.history.events.dropFirst(count).map(\.eventType)
        }
        #expect(appended { $0.activityCompleted("a") } == [.activityTaskStarted, .activityTaskCompleted])
        #expect(appended { $0.activityTimedOut("b", type: .scheduleToStart) } == [.activityTaskTimedOut])
        #expect(appended { $0.timerFired("t") } == [.timerFired])
        #expect(appended { $0.cancelRequested() } == [.workflowExecutionCancelRequested])
        #expect(appended { $0.decisionTaskStarted() } == [.decisionTaskScheduled, .decisionTaskStarted])
        #expect(
            appended { $0.decisionTask([]) } == [
                .decisionTaskTimedOut, .decisionTaskScheduled, .decisionTaskStarted, .decisionTaskCompleted,
            ],
            "a started task that never completed times out first")
        #expect(appended { $0.executionTimedOut() } == [.workflowExecutionTimedOut])
        // Ids are contiguous; each batch is one tick after the previous one.
        #expect(scenario.history.events.map(\.eventId) == Array(1...Int64(scenario.history.events.count)))
        let times = scenario.history.events.map(\.eventTimestamp.millisecondsSinceEpoch)
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 0 || $1 - $0 == 1_000 })
        // References point at the right events.
        guard case .activityTaskCompleted(let completed) = scenario.history.events[8].attributes else {
            Issue.record("event 9 is \(scenario.history.events[8].eventType.rawValue)")
            return
        }
        #expect(completed.scheduledEventId == 5)
        #expect(completed.startedEventId == 8)
    }

    /// Events with timestamps and identities blanked: what the builder cannot know.
    static func normalized(_ event: HistoryEvent) -> HistoryEvent {
        var attributes = event.attributes
        switch attributes {
        case .workflowExecutionStarted(var a):
            a.identity = nil
            a.definitionSource = nil
            attributes = .workflowExecutionStarted(a)
        case .decisionTaskStarted(var a):
            a.identity = ""
            attributes = .decisionTaskStarted(a)
        case .activityTaskStarted(var a):
            a.identity = ""
            attributes = .activityTaskStarted(a)
        default:
            break
        }
        return HistoryEvent(eventId: event.eventId, eventTimestamp: Timestamp(millisecondsSinceEpoch: 0), attributes: attributes)
    }
}
