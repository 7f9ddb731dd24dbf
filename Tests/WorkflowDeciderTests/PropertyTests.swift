import Foundation
import HistoryTesting
import StrictJSON
import Testing
import WorkflowModel

@testable import WorkflowDecider

/// A history to check properties on, with its definition.
struct CorpusEntry {
    var name: String
    var definition: WorkflowDefinition
    var events: [HistoryEvent]

    /// Every point where the engine ran the decider: the prefix ending with each `DecisionTaskStarted`.
    var decisionPoints: [[HistoryEvent]] {
        events.indices.filter { events[$0].eventType == .decisionTaskStarted }.map { Array(events[...$0]) }
    }
}

/// The histories the properties run over: every golden fixture, and scenarios driven to their end
/// by the decider with scripted outcomes (noop results echo their input).
enum Corpus {
    enum Outcome {
        case complete
        case fail
    }

    /// Thrown after recording an issue for a name the corpus does not have.
    struct UnknownEntry: Error {}

    static let scenarioNames = [
        "dag-foreach-timer-skip", "rollback-with-foreach-and-failing-compensation", "cancel-with-rollback",
        "cancel-during-rollback", "halt-cancels-parallel-work", "template-error",
    ]

    static var names: [String] { GoldenHistories.names + scenarioNames }

    static func entry(_ name: String) throws -> CorpusEntry {
        if GoldenHistories.names.contains(name) {
            let fixture = try GoldenHistories.load(name)
            return CorpusEntry(name: name, definition: fixture.definition, events: fixture.events)
        }
        switch name {
        case "dag-foreach-timer-skip":
            return try run(
                name,
                #""inputs": {"items": {"type": "array"}}, "steps": [{"id": "a", "activity": "noop", "input": {"n": 1}}, {"id": "fan", "activity": "noop", "after": ["a"], "forEach": "${input.items}", "concurrency": 2, "input": {"v": "${item}"}}, {"id": "soak", "timer": "1m", "after": ["a"]}, {"id": "skipped", "activity": "noop", "after": [], "when": {"equals": [1, 2]}}, {"id": "join", "activity": "noop", "after": ["fan", "soak", "skipped"], "input": {"all": "${steps.fan.output}"}}], "output": "${steps.join.output}""#,
                input: ["items": ["p", "q", "r", "s", "t"]])
        case "rollback-with-foreach-and-failing-compensation":
            return try run(
                name,
                #""onFailure": "rollback", "inputs": {"items": {"type": "array"}}, "steps": [{"id": "one", "activity": "noop", "input": {"name": "one"}, "compensation": {"activity": "noop", "input": {"undo": "${output.name}"}}}, {"id": "fan", "activity": "noop", "forEach": "${input.items}", "input": {"name": "${item}"}, "compensation": {"activity": "noop", "input": {"item": "${item}", "index": "${index}", "out": "${output}"}}}, {"id": "boom", "activity": "noop"}]"#,
                input: ["items": ["x", "y"]],
                outcome: { ["boom", "compensate:fan[1]"].contains($0) ? .fail : .complete })
        case "cancel-with-rollback":
            return try run(
                name,
                #""onCancel": "rollback", "steps": [{"id": "one", "activity": "noop", "input": {"name": "one"}, "compensation": {"activity": "noop", "input": {"undo": "${output.name}"}}}, {"id": "two", "activity": "noop", "input": {"name": "two"}, "compensation": {"activity": "noop"}}, {"id": "three", "activity": "noop"}]"#,
                cancelAfterTasks: 2)
        case "cancel-during-rollback":
            return try run(
                name,
                #""onFailure": "rollback", "steps": [{"id": "one", "activity": "noop", "compensation": {"activity": "noop"}}, {"id": "two", "activity": "noop", "compensation": {"activity": "noop"}}, {"id": "three", "activity": "noop"}]"#,
                outcome: { $0 == "three" ? .fail : .complete }, cancelAfterTasks: 4)
        case "halt-cancels-parallel-work":
            return try run(
                name,
                #""steps": [{"id": "a", "activity": "noop"}, {"id": "b", "activity": "noop", "after": []}, {"id": "t", "timer": "1h", "after": []}, {"id": "c", "activity": "noop", "after": ["a", "b"]}]"#,
                outcome: { $0 == "a" ? .fail : .complete })
        case "template-error":
            return try run(
                name,
                #""steps": [{"id": "a", "activity": "noop", "input": {"present": 1}}, {"id": "b", "activity": "noop", "input": {"x": "${steps.a.output.absent}"}}]"#
            )
        default:
            Issue.record("unknown corpus entry \(name)")
            throw UnknownEntry()
        }
    }

    /// Runs the decider to the end: after each decision task, the oldest open activity closes
    /// (canceled if its cancellation was requested), else the oldest open timer fires.
    static func run(
        _ name: String, _ body: String, input: JSONValue = [:], outcome: (String) -> Outcome = { _ in .complete },
        cancelAfterTasks: Int? = nil
    ) throws -> CorpusEntry {
        var scenario = try Scenario(body, input: input)
        var tasks = 0
        while !scenario.state.isClosed, tasks < 500 {
            scenario.decide()
            tasks += 1
            if scenario.state.isClosed { break }
            if tasks == cancelAfterTasks {
                scenario.history.cancelRequested()
                continue
            }
            if let activity = scenario.state.openActivities.first {
                let id = activity.scheduled.activityId
                if activity.cancelRequestedEventId != nil {
                    scenario.history.activityCanceled(id)
                } else if outcome(id) == .fail {
                    scenario.failed(id)
                } else {
                    scenario.completed(id, activity.scheduled.input)
                }
            } else if let timer = scenario.state.openTimers.first {
                scenario.history.timerFired(timer.attributes.timerId)
            } else {
                Issue.record("\(name) is open with nothing to wait for")
                break
            }
        }
        #expect(scenario.state.isClosed, "\(name) did not close")
        return CorpusEntry(name: name, definition: scenario.definition, events: scenario.history.events)
    }
}

/// Properties of the decider over every decision point of every corpus history.
@Suite("Decider: properties") struct PropertyTests {
    /// Applying the decider's decisions and asking again with no new events yields nothing new,
    /// and the execution is left either closed or waiting for something that will happen.
    @Test(arguments: Corpus.names)
    func decisionsAreIdempotentAndLeaveSomethingToWaitFor(_ name: String) throws {
        let entry = try Corpus.entry(name)
        #expect(!entry.decisionPoints.isEmpty)
        for prefix in entry.decisionPoints {
            let decisions = Decider.decide(definition: entry.definition, history: prefix)
            var history = HistoryBuilder(continuing: prefix)
            history.completeDecisionTask(decisions)
            let stuck = isStuck(history.state)
            #expect(!stuck, "\(name) at event \(prefix.count): open with no open activity or timer after \(decisions.map(\.summary))")
            guard !history.state.isClosed else { continue }
            history.decisionTaskStarted()
            let again = Decider.evaluate(definition: entry.definition, state: history.state).decisions
            #expect(again.map(\.summary) == [], "\(name) at event \(prefix.count): decided again after \(decisions.map(\.summary))")
        }
    }

    /// The shortcuts kept for speed decide exactly what the full computation decides, at every
    /// decision point (the corpus has fan-outs that complete, fail and are canceled).
    @Test(arguments: Corpus.names)
    func shortcutsDecideWhatTheFullComputationDecides(_ name: String) throws {
        let entry = try Corpus.entry(name)
        for prefix in entry.decisionPoints {
            let state = HistoryState(events: prefix)
            #expect(state.openActivityCount == state.openActivities.count, "\(name) at event \(prefix.count)")
            let fast = Decider.decisions(definition: entry.definition, state: state, catalog: .builtIn, usingTallies: true)
            let full = Decider.decisions(definition: entry.definition, state: state, catalog: .builtIn, usingTallies: false)
            #expect(fast == full, "\(name) at event \(prefix.count)")
            #expect(fast == Decider.evaluate(definition: entry.definition, state: state).decisions, "\(name) at event \(prefix.count)")
        }
    }

    /// A batch cut after any of its decisions (a crash while writing it) is completed by the next
    /// decision task with exactly the missing decisions; a task that never completed is decided anew.
    @Test(arguments: Corpus.names)
    func batchCutByACrashIsCompletedByTheNextDecisionTask(_ name: String) throws {
        let entry = try Corpus.entry(name)
        for prefix in entry.decisionPoints {
            let decisions = Decider.decide(definition: entry.definition, history: prefix)
            for cut in 0..<decisions.count {
                var history = HistoryBuilder(continuing: prefix)
                history.completeDecisionTask(Array(decisions[..<cut]))
                history.decisionTaskStarted()
                let rest = Decider.evaluate(definition: entry.definition, state: history.state).decisions
                #expect(
                    rest == Array(decisions[cut...]),
                    "\(name) at event \(prefix.count), cut after \(cut): \(rest.map(\.summary)) instead of \(decisions[cut...].map(\.summary))"
                )
            }
            var timedOut = HistoryBuilder(continuing: prefix)
            timedOut.decisionTaskStarted()
            #expect(timedOut.events.dropFirst(prefix.count).first?.eventType == .decisionTaskTimedOut)
            #expect(Decider.evaluate(definition: entry.definition, state: timedOut.state).decisions == decisions)
        }
    }

    /// The same history decided 50 times in one process gives byte-identical recorded events.
    @Test(arguments: Corpus.names)
    func decidingFiftyTimesGivesIdenticalBytes(_ name: String) throws {
        let entry = try Corpus.entry(name)
        for prefix in entry.decisionPoints {
            var encodings = Set<[UInt8]>()
            for _ in 0..<50 {
                let decisions = Decider.decide(definition: entry.definition, history: prefix)
                var history = HistoryBuilder(continuing: prefix)
                history.completeDecisionTask(decisions)
                var bytes: [UInt8] = []
                for event in history.events.dropFirst(prefix.count) {
                    bytes += try HistoryFile.payload(of: event)
                }
                encodings.insert(bytes)
            }
            #expect(encodings.count == 1, "\(name) at event \(prefix.count): \(encodings.count) different encodings")
        }
    }

    /// Every JSON value a decision carries is written to history exactly as its canonical form:
    /// sorted keys, so nothing persisted depends on insertion or hash order.
    @Test(arguments: Corpus.names)
    func decisionPayloadsAreWrittenInCanonicalForm(_ name: String) throws {
        let entry = try Corpus.entry(name)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var checked = 0
        for prefix in entry.decisionPoints {
            let decisions = Decider.decide(definition: entry.definition, history: prefix)
            var history = HistoryBuilder(continuing: prefix)
            history.completeDecisionTask(decisions)
            let recorded = history.events.dropFirst(prefix.count + 1)
            for (decision, event) in zip(decisions, recorded) {
                let payloads = [decision.scheduled?.input, decision.payload].compactMap { $0 }
                let line = try HistoryFile.payload(of: event)
                for payload in payloads {
                    let canonical = payload.canonicalBytes()
                    #expect(Array(try encoder.encode(payload)) == canonical)
                    #expect(isSortedEverywhere(payload))
                    #expect(String(decoding: line, as: UTF8.self).contains(String(decoding: canonical, as: UTF8.self)))
                    checked += 1
                }
            }
        }
        #expect(checked > 0)
    }

    /// Whether `value`'s canonical bytes, read back in source order, list every object's keys in
    /// ascending order of their Unicode scalars.
    func isSortedEverywhere(_ value: JSONValue) -> Bool {
        guard let document = try? JSONParser.parse(value.canonicalBytes()) else { return false }
        func sorted(_ value: JSONValue) -> Bool {
            switch value {
            case .object(let object):
                let keys = object.keys
                let inOrder = zip(keys, keys.dropFirst()).allSatisfy { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
                return inOrder && object.allSatisfy { sorted($0.value) }
            case .array(let elements):
                return elements.allSatisfy(sorted)
            default:
                return true
            }
        }
        return sorted(document.root)
    }

    /// Keys whose order differs between byte order and a case-insensitive or numeric order are
    /// still written in canonical order.
    @Test func trickyKeysAreWrittenInCanonicalOrder() throws {
        var scenario = try Scenario(
            #""steps": [{"id": "a", "activity": "noop", "input": {"B": 1, "a": 2, "item10": 3, "item9": 4, "\u00e9": 5, "z": {"Y": 1, "x": 2}}}]"#
        )
        scenario.decide()
        let event = try #require(scenario.history.events.last)
        let line = String(decoding: try HistoryFile.payload(of: event), as: UTF8.self)
        guard case .activityTaskScheduled(let scheduled) = event.attributes else {
            Issue.record("last event is \(event.eventType.rawValue)")
            return
        }
        let canonical = scheduled.input.canonicalString()
        #expect(canonical == #"{"B":1,"a":2,"item10":3,"item9":4,"z":{"Y":1,"x":2},"\#u{e9}":5}"#)
        #expect(line.contains(canonical))
        #expect(isSortedEverywhere(scheduled.input))
    }
}
