import Foundation
import Synchronization
import WorkflowEngine
import WorkflowModel

/// Live progress of one execution: on a terminal, a table redrawn in place (one line per step:
/// state, attempt, elapsed time, latest note); elsewhere, a plain line whenever a step changes.
final class ProgressDisplay: Sendable {
    let console: Console
    let engine: Engine
    let executionId: String
    let clock: SystemWallClock
    private let state = Mutex<(printed: [String: StepRow], drawnLines: Int)>(([:], 0))

    init(console: Console, engine: Engine, executionId: String, clock: SystemWallClock) {
        self.console = console
        self.engine = engine
        self.executionId = executionId
        self.clock = clock
    }

    /// Refreshes until the execution is no longer open in the engine.
    func run() async {
        while !Task.isCancelled {
            guard let snapshot = await engine.snapshot(executionId) else { return }
            let summary = ExecutionSummary.make(
                executionId: executionId, definition: snapshot.definition, state: snapshot.state, records: [],
                live: snapshot.attempts)
            render(summary.steps)
            // The display's own refresh rate; the engine never waits on it.
            try? await Task.sleep(for: .milliseconds(console.isTerminal ? 200 : 100))
        }
    }

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
