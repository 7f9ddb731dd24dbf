import ExecutionCore
import EngineTesting
import HistoryStore
import StrictJSON
import Testing
import WorkflowDecider
import WorkflowEngine
import WorkflowModel

/// The engine with many executions committing at once (group commit): histories stay exact, and
/// nothing is reported recorded unless it is durable.
@Suite struct GroupCommitEngineTests {
    static let executions = 30

    @Test func manyExecutionsAtOnceCompleteWithExactHistories() async throws {
        let definition = WorkflowDefinition(
            name: "many", steps: [step("a", input: ["n": 1]), step("b", input: ["n": 2]), step("c", input: ["n": 3])])
        let handler = ScriptedActivity(activityType: "test.work") { input, _ in input }
        let harness = try Harness(definition: definition, handlers: [handler])
        await harness.engine.startWorkers()
        let ids = (0..<Self.executions).map { "exec-\($0)" }
        let statuses = try await withThrowingTaskGroup(of: ExecutionStatus.self) { group in
            for id in ids {
                group.addTask {
                    try await harness.start(id)
                    return try await harness.engine.waitForClose(id)
                }
            }
            var statuses: [ExecutionStatus] = []
            for try await status in group { statuses.append(status) }
            return statuses
        }
        #expect(statuses == Array(repeating: .completed, count: ids.count))
        for id in ids {
            let history = try harness.history(id)
            #expect(history.outcome == .intact)
            // As for one execution alone: three activities, each one batch after the first.
            #expect(history.events.count == 23)
            #expect(try ReplayVerifier.verify(definition: definition, history: history.events, catalog: testCatalog) == 4)
        }
    }

    /// Completions of one execution that wait for its turn to commit (a forEach with several running at
    /// once) each refer to their own ActivityTaskStarted.
    @Test func queuedCompletionsReferToTheirOwnStartedEvents() async throws {
        let definition = WorkflowDefinition(
            name: "fan", inputs: [InputSpec(name: "items", type: .array)],
            steps: [step("fan", input: ["value": "${item}"], forEach: "${input.items}", concurrency: 8)],
            output: try TemplateParser.parse("${steps.fan.output}"))
        let handler = ScriptedActivity(activityType: "test.work") { input, _ in input["value"] ?? .null }
        let harness = try Harness(definition: definition, handlers: [handler], workers: 8)
        try await harness.start(input: JSONObject([("items", .array((0..<40).map { .number(Double($0)) }))]))
        #expect(try await harness.engine.waitForClose("exec-1") == .completed)
        let events = try harness.history().events
        let byId = Dictionary(uniqueKeysWithValues: events.map { ($0.eventId, $0) })
        var completions = 0
        for event in events {
            guard case .activityTaskCompleted(let completed) = event.attributes else { continue }
            completions += 1
            guard case .activityTaskStarted(let started)? = byId[completed.startedEventId]?.attributes else {
                Issue.record("event \(event.eventId): startedEventId \(completed.startedEventId) is not an ActivityTaskStarted")
                continue
            }
            #expect(started.scheduledEventId == completed.scheduledEventId)
        }
        #expect(completions == 40)
        #expect(try ReplayVerifier.verify(definition: definition, history: events, catalog: testCatalog) > 0)
    }

    /// An fsync fails while many executions commit at once: the engine stops, and every event it
    /// reported as recorded is on disk after a power loss (so none of the failed group was reported).
    @Test func eventsReportedRecordedAreDurableWhenAGroupFsyncFails() async throws {
        let gate = Gate()
        let definition = WorkflowDefinition(name: "many", steps: [step("a"), step("b"), step("c")])
        let handler = ScriptedActivity(activityType: "test.work") { input, _ in
            await gate.wait()
            return input
        }
        let fileSystem = InMemoryFileSystem(seed: 11)
        let harness = try Harness(definition: definition, handlers: [handler], workers: Self.executions, fileSystem: fileSystem)
        let ids = (0..<Self.executions).map { "exec-\($0)" }
        for id in ids { try await harness.start(id) }
        await harness.recorder.waitForAttemptStarts(Self.executions)
        // The thirty completions commit together; one fsync of theirs fails.
        fileSystem.failNextSync()
        gate.open()
        // Until the engine stops, or (were the failure ignored) every execution completes.
        await harness.recorder.wait { notifications in
            notifications.contains { if case .stopped = $0 { true } else { false } }
                || notifications.count { notification in
                    guard case .eventsRecorded(_, let events) = notification else { return false }
                    return events.contains { $0.eventType == .workflowExecutionCompleted }
                } == Self.executions
        }
        #expect(harness.recorder.notifications.contains { if case .stopped = $0 { true } else { false } })
        let reported = harness.recorder.notifications.compactMap { notification -> (String, [HistoryEvent])? in
            if case .eventsRecorded(let id, let events) = notification { return (id, events) }
            return nil
        }
        fileSystem.crash(mode: .dropUnsynced)
        fileSystem.restart()
        let reader = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        var durable: [String: Set<Int64>] = [:]
        for id in ids { durable[id] = Set(try reader.load(id, repair: false).events.map(\.eventId)) }
        for (id, events) in reported {
            for event in events {
                #expect(durable[id]?.contains(event.eventId) == true, "\(id) event \(event.eventId) reported but not durable")
            }
        }
        // The failure was reported to no caller as success: not every execution went on.
        #expect(reported.count < Self.executions * 4)
    }
}
