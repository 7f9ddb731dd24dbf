import Foundation
import Synchronization
import Time
import WorkflowDecider
import WorkflowEngine
import WorkflowModel

/// The live state of one open activity's current attempt, as the engine's notifications tell it.
struct LiveAttempt: Sendable, Equatable {
    /// Where the attempt is.
    enum Phase: String, Sendable {
        case queued, running, backoff
    }

    /// The attempt number (in backoff: the next attempt's).
    var attempt: Int
    var phase: Phase
    /// The last failed attempt's reason and details.
    var lastFailure: ActivityFailure?
    /// The latest progress text of the running attempt.
    var report: String?
}

extension LiveAttempt {
    /// The engine's view of an attempt, as a snapshot gives it.
    init(_ info: AttemptInfo) {
        self.init(
            attempt: info.attempt, phase: Phase(rawValue: info.phase) ?? .running, lastFailure: info.lastFailure, report: info.report)
    }
}

/// What the display knows of one execution: the events it was told about, folded; the decider's step
/// progress as of the last of them; and each open activity's live attempt.
struct ProgressModel {
    let executionId: String
    let definition: WorkflowDefinition
    private(set) var state: HistoryState
    private(set) var live: [String: LiveAttempt]
    private(set) var progress: [StepProgress] = []
    /// How often the decider evaluated the steps: once to start, then once per batch with new events.
    private(set) var evaluations = 0

    init(executionId: String, definition: WorkflowDefinition, state: HistoryState, live: [String: LiveAttempt]) {
        self.executionId = executionId
        self.definition = definition
        self.state = state
        self.live = live
        evaluate()
    }

    /// The step table as of now.
    var rows: [StepRow] { ExecutionSummary.rows(progress, state: state, live: live) }

    /// Applies `notifications` in the order the engine sent them; the steps are evaluated again (once)
    /// only when they hold new events. Events already folded (a starting snapshot holds them) are skipped.
    mutating func apply(_ notifications: [EngineNotification]) {
        var newEvents = false
        for notification in notifications {
            switch notification {
            case .eventsRecorded(executionId, let events):
                for event in events where event.eventId > state.lastEventId {
                    state.apply(event)
                    newEvents = true
                }
            case .attemptStarted(executionId, let activityId, let attempt, _):
                update(activityId) { $0 = LiveAttempt(attempt: attempt, phase: .running, lastFailure: $0?.lastFailure) }
            case .attemptFailed(executionId, let activityId, let attempt, let failure, _):
                update(activityId) { $0 = LiveAttempt(attempt: attempt + 1, phase: .backoff, lastFailure: failure) }
            case .activityReport(executionId, let activityId, let message):
                update(activityId) { $0?.report = message }
            default:
                break  // another execution's, or nothing the table shows
            }
        }
        guard newEvents else { return }
        live = live.filter { state.activities[$0.key]?.isOpen == true }
        evaluate()
    }

    /// Changes the live attempt of `activityId` while the activity is open; a notification about a
    /// closed activity (sent before a starting snapshot was taken) changes nothing.
    private mutating func update(_ activityId: String, _ change: (inout LiveAttempt?) -> Void) {
        guard state.activities[activityId]?.isOpen == true else { return }
        change(&live[activityId])
    }

    private mutating func evaluate() {
        progress = Decider.evaluate(definition: definition, state: state).steps
        evaluations += 1
    }
}

/// Live progress of one execution: on a terminal, a table redrawn in place (one line per step:
/// state, attempt, elapsed time, latest note); elsewhere, a plain line whenever a step changes.
///
/// It listens to the engine's notifications (``NotificationFeed``) and folds them into a
/// ``ProgressModel``: the steps are decided again only when events arrive. On a terminal the table is
/// also redrawn every ``elapsedRedrawInterval`` for its elapsed-time column, without deciding again.
final class ProgressDisplay: Sendable {
    /// How often a terminal's table is redrawn for the elapsed time alone.
    static let elapsedRedrawInterval: Duration = .milliseconds(200)

    let console: Console
    let feed: NotificationFeed
    let executionId: String
    let clock: any WallClock
    private struct State {
        var model: ProgressModel?
        var printed: [String: StepRow] = [:]
        var drawnLines = 0
    }
    private let state = Mutex(State())

    init(console: Console, feed: NotificationFeed, executionId: String, clock: any WallClock) {
        self.console = console
        self.feed = feed
        self.executionId = executionId
        self.clock = clock
    }

    /// Shows the execution `engine` runs until the feed finishes or the task is cancelled.
    func follow(_ engine: Engine) async {
        // One look to start from (a resumed execution's earlier events were never notified); from then
        // on, only what the engine tells. Nil: it closed (or the engine stopped) already.
        guard let snapshot = await engine.snapshot(executionId) else { return }
        start(definition: snapshot.definition, state: snapshot.state, live: snapshot.attempts.mapValues(LiveAttempt.init))
        await listen()
    }

    /// Starts from `state` and draws it.
    func start(definition: WorkflowDefinition, state historyState: HistoryState, live: [String: LiveAttempt]) {
        state.withLock {
            $0.model = ProgressModel(executionId: executionId, definition: definition, state: historyState, live: live)
        }
        refresh()
    }

    /// Refreshes at every notification (and, on a terminal, every ``elapsedRedrawInterval``) until the
    /// feed finishes or the task is cancelled.
    func listen() async {
        await withTaskGroup(of: Void.self) { group in
            if console.isTerminal {
                group.addTask { [feed] in
                    // The display's own redraw rate; the engine never waits on it.
                    while (try? await Task.sleep(for: Self.elapsedRedrawInterval)) != nil { feed.poke() }
                }
            }
            await feed.listen { refresh() }
            group.cancelAll()
        }
    }

    /// Folds what the feed holds into the model and draws what changed.
    func refresh() {
        let notifications = feed.take()
        let rows = state.withLock { state -> [StepRow]? in
            if !notifications.isEmpty { state.model?.apply(notifications) }
            return state.model?.rows
        }
        if let rows { render(rows) }
    }

    /// How often the steps were decided (for tests: only when events arrive).
    var evaluations: Int { state.withLock { $0.model?.evaluations ?? 0 } }

    /// Draws the final state from the durable history.
    func finish(_ summary: ExecutionSummary) {
        render(summary.steps)
    }

    private func render(_ rows: [StepRow]) {
        let now = clock.now()
        if console.isTerminal {
            let lines = table(
                rows.map { row in
                    [
                        "  " + symbol(row.status) + " " + row.id, status(row), row.attempt.map { "attempt \($0)" } ?? "",
                        row.elapsed(now: now).map(shortDuration) ?? "", truncate(row.note ?? "", to: max(10, console.width - 70)),
                    ]
                })
            let previous = state.withLock { state -> Int in
                defer { state.drawnLines = lines.count }
                return state.drawnLines
            }
            var text = previous > 0 ? "\u{1B}[\(previous)A" : ""
            for line in lines { text += "\r\u{1B}[2K" + line + "\n" }
            console.write(text)
            return
        }
        for row in rows {
            let changed = state.withLock { state -> Bool in
                if state.printed[row.id] == row { return false }
                state.printed[row.id] = row
                return true
            }
            guard changed, row.status != "pending" else { continue }
            var line = clockTime(now) + "  " + row.id + "  " + status(row)
            if let attempt = row.attempt, attempt > 0 { line += "  attempt \(attempt)" }
            if let elapsed = row.elapsed(now: now), row.closedAt != nil { line += "  after " + shortDuration(elapsed) }
            if let note = row.note, row.status == "retrying" || row.status == "failed" { line += "  (\(note))" }
            console.line(line)
        }
    }

    private func status(_ row: StepRow) -> String {
        guard let instances = row.instances else { return row.status }
        return row.status + " \(instances.done)/\(instances.total)"
    }

    private func symbol(_ status: String) -> String {
        switch status {
        case "completed", "compensated": "✔"
        case "failed", "compensation-failed": "✘"
        case "skipped", "canceled": "–"
        case "pending": "·"
        default: "▸"
        }
    }

    private func truncate(_ text: String, to width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}
