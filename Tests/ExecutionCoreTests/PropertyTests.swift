import ExecutionCore
import HistoryTesting
import StrictJSON
import Testing
import WorkflowDecider
import WorkflowModel

/// Random input sequences against the machine, checking from outside what it promises: one
/// outstanding decision task; a closed execution accepts nothing; a token is dead once its attempt
/// ends; events are contiguous and never exceed the limit; deadlines are armed only for what is open.
/// (The machine also asserts its own invariants after every input; a violation stops the run.)
@Suite struct PropertyTests {
    static let workflow = #"""
        "steps": [
          {"id": "a", "activity": "noop", "retry": {"maximumAttempts": 3, "initialInterval": "5s"},
           "timeouts": {"startToClose": "10m", "heartbeat": "5m", "scheduleToStart": "20m"},
           "compensation": {"activity": "noop", "input": {}}},
          {"id": "wait", "timer": "30s", "after": []},
          {"id": "fan", "activity": "noop", "forEach": "${input.items}", "concurrency": 2, "after": ["a"],
           "retry": {"maximumAttempts": 3, "initialInterval": "1s"}, "timeouts": {"startToClose": "10m", "scheduleToClose": "1h"}}
        ],
        "inputs": {"items": {"type": "array", "default": [1, 2, 3, 4]}},
        "onFailure": "rollback", "onCancel": "rollback"
        """#

    /// What the driver knows that the machine must agree with.
    struct Observer {
        var endedTokens: Set<String> = []
        var offered: [String: ActivityTask] = [:]
        var running: Set<String> = []
        var problems: [String] = []
        var closedAt: Int?

        mutating func check(_ condition: Bool, _ problem: @autoclosure () -> String) {
            if !condition { problems.append(problem()) }
        }
    }

    static let seeds: UInt64 = 300

    @Test(.timeLimit(.minutes(2)))
    func randomInputsKeepTheInvariants() throws {
        var seen: [String: Int] = [:]
        for seed in 0..<Self.seeds {
            let (observer, _) = try Self.run(seed: seed, tally: &seen)
            #expect(observer.problems.isEmpty, "seed \(seed): \(observer.problems.prefix(5))")
        }
        // The sequences must reach what they are meant to test, or passing says nothing.
        for outcome in ["closed completed", "closed canceled", "closed terminated", "closed failed", "retry", "refused unknownTask",
            "refused closed", "timed out", "canceled at once"]
        {
            #expect(seen[outcome, default: 0] > 0, "no sequence reached \(outcome): \(seen.sorted { $0.key < $1.key })")
        }
    }

    /// Drives one random sequence; counts what it reached in `tally`.
    static func run(seed: UInt64, tally: inout [String: Int]) throws -> (Observer, [HistoryEvent]) {
        var random = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D)
        var harness = try MachineHarness(Self.workflow, input: JSONObject([("items", [1, 2, 3, 4])]))
        var observer = Observer()
        observer.notice(harness.lastActions)
        for step in 0..<400 {
            let input = Self.randomInput(&random, harness, observer)
            // A deadline usually fires when due; sometimes early, which the machine must ignore.
            if case .deadlineFired(let key) = input, let due = harness.machine.armed[key], harness.now < due, random.below(4) != 0 {
                harness.now = due
            }
            let wasClosed = harness.machine.state.isClosed
            let before = harness.events.count
            let deadTokenUsed = input.token.map { observer.endedTokens.contains($0) } ?? false
            let refusal = harness.refusal(of: input)
            if wasClosed { observer.check(refusal == .closed, "step \(step): a closed execution accepted \(input)") }
            if deadTokenUsed, !wasClosed { observer.check(refusal == .unknownTask, "step \(step): a dead token was accepted: \(input)") }
            if let refusal { tally["refused \(String(describing: refusal).split(separator: ".").last ?? "")", default: 0] += 1 }
            if refusal == nil { observer.notice(input, harness.lastActions, harness.machine) }
            observer.checkHistory(harness, from: before, step: step)
            for event in harness.events[before...] { tally[event.summary, default: 0] += 1 }
            for action in harness.lastActions where refusal == nil {
                switch action {
                case .closed(let status): tally["closed \(status.rawValue)", default: 0] += 1
                case .attemptWillRetry: tally["retry", default: 0] += 1
                default: break
                }
            }
            if harness.machine.state.isClosed, observer.closedAt == nil { observer.closedAt = step }
            if let closedAt = observer.closedAt, step > closedAt + 20 { break }
        }
        return (observer, harness.events)
    }

    /// One input, chosen among what is possible now, plus some that are not (stale tokens and
    /// deadlines), so refusals are exercised too.
    static func randomInput(_ random: inout SeededRandom, _ harness: MachineHarness, _ observer: Observer) -> ExecutionInput {
        let machine = harness.machine
        let queued = observer.offered.keys.filter { !observer.running.contains($0) }.sorted()
        let running = observer.running.sorted()
        switch random.below(20) {
        case 0...3 where !queued.isEmpty:
            return .attemptStarted(taskToken: queued[random.below(queued.count)], identity: "w")
        case 4...9 where !running.isEmpty:
            let token = running[random.below(running.count)]
            switch random.below(6) {
            case 0: return .attemptEnded(taskToken: token, outcome: .failed(ActivityFailure(reason: "Throttling", details: "")))
            case 1: return .attemptEnded(taskToken: token, outcome: .canceled(details: nil))
            case 2: return .heartbeat(taskToken: token, details: nil)
            default: return .attemptEnded(taskToken: token, outcome: .completed(["ok": true]))
            }
        case 10 where !machine.armed.isEmpty && random.below(3) == 0:
            // Mostly time moving on to the next deadline; sometimes any armed one, out of order.
            let keys = machine.armed.keys.sorted { String(describing: $0) < String(describing: $1) }
            let earliest = keys.min { (machine.armed[$0]!, String(describing: $0)) < (machine.armed[$1]!, String(describing: $1)) }
            return .deadlineFired(random.below(4) == 0 ? keys[random.below(keys.count)] : earliest!)
        case 11 where !observer.endedTokens.isEmpty:
            let tokens = observer.endedTokens.sorted()
            return .attemptEnded(taskToken: tokens[random.below(tokens.count)], outcome: .completed(.null))
        case 12 where random.below(3) == 0:
            // Operators, rarely: most sequences should run their course.
            return [.signal(name: "poke", input: nil, identity: "ops"), .deadlineFired(.timer("wait")), .cancelRequested(identity: "ops"),
                .terminate(reason: nil, details: nil, identity: "ops")][random.below(random.below(6) == 0 ? 4 : 3)]
        default:
            if let task = machine.decisionTaskToStart { return .decisionTaskStarted(taskToken: task.taskToken, identity: "decider") }
            if let open = machine.decisionTask {
                let decisions = Decider.decisions(definition: harness.definition, state: machine.state)
                return .decisionTaskCompleted(taskToken: open.token, decisions: decisions)
            }
            return .deadlineFired(.retry(5))
        }
    }
}

extension PropertyTests.Observer {
    mutating func notice(_ actions: [ExecutionAction]) {
        for action in actions {
            switch action {
            case .offerActivityTask(let task): offered[task.taskToken] = task
            case .withdrawActivityTask(let token, _): end(token)
            default: break
            }
        }
    }

    mutating func notice(_ input: ExecutionInput, _ actions: [ExecutionAction], _ machine: ExecutionMachine) {
        switch input {
        case .attemptStarted(let token, _): running.insert(token)
        case .attemptEnded(let token, _): end(token)
        default: break
        }
        notice(actions)
        // A token the machine no longer knows is dead: its attempt ended (a timeout, a retry, a close).
        let live = Set(machine.runs.values.compactMap(\.token))
        for token in offered.keys where !live.contains(token) { end(token) }
    }

    mutating func end(_ token: String) {
        offered[token] = nil
        running.remove(token)
        endedTokens.insert(token)
    }

    mutating func checkHistory(_ harness: MachineHarness, from first: Int, step: Int) {
        let machine = harness.machine
        for (offset, event) in harness.events.enumerated() where offset >= first {
            check(event.eventId == Int64(offset + 1), "step \(step): event ids are not contiguous at \(event.eventId)")
        }
        check(harness.events.count <= Limits.historyEventsMax, "step \(step): the history exceeds its limit")
        var open = 0
        for event in harness.events {
            switch event.eventType {
            case .decisionTaskScheduled: open += 1
            case .decisionTaskCompleted, .decisionTaskTimedOut: open -= 1
            default: break
            }
            check(open <= 1, "step \(step): two decision tasks open at event \(event.eventId)")
        }
        if machine.state.isClosed {
            check(machine.armed.isEmpty && machine.runs.isEmpty, "step \(step): a closed execution keeps work or deadlines")
        }
        for key in machine.armed.keys {
            if let id = key.scheduledEventId { check(machine.runs[id] != nil, "step \(step): \(key) armed for a closed activity") }
        }
    }
}

extension HistoryEvent {
    /// What a property run counts an event as.
    var summary: String {
        switch attributes {
        case .activityTaskTimedOut: "timed out"
        case .activityTaskCanceled(let canceled) where canceled.startedEventId == 0: "canceled at once"
        default: eventType.rawValue
        }
    }
}

extension ExecutionInput {
    /// The task token the input quotes, if any.
    var token: String? {
        switch self {
        case .attemptStarted(let token, _), .attemptEnded(let token, _), .heartbeat(let token, _): token
        default: nil
        }
    }
}
