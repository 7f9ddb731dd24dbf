public import Foundation
import StrictJSON
public import WorkflowModel

/// The golden histories: history files the real engine wrote (the `GoldenRecording` module records
/// them, the `GoldenHistoryTests` target checks them against the engine and the store), committed
/// in `Tests/WorkflowDeciderTests/Fixtures/histories` so that the decider's tests replay them
/// without running the engine.
public enum GoldenHistories {
    /// The execution id every golden history runs as.
    public static let executionId = "golden-1"

    /// Every golden history, `<workflow>.<outcome>`; the outcome says how its last event closes it.
    public static let names = [
        "create-instance.completed", "multi-region-rollout.completed", "restore-and-configure.completed",
        "multi-region-rollout.rolled-back", "create-instance.failed", "create-instance.retried",
        "create-instance.canceled", "multi-region-rollout.canceled", "short-deadline.timed-out",
    ]

    /// The fixtures directory (golden and negative fixtures, `<name>.history`).
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/WorkflowDeciderTests/Fixtures/histories")

    /// The file of the fixture `name`.
    public static func url(_ name: String) -> URL { directory.appendingPathComponent(name + ".history") }

    /// Reads `<name>.history` (events as ``HistoryFile/events(in:)`` reads them) and the definition
    /// recorded in its first event.
    /// - Throws: when the file cannot be read or decoded, or does not start with a
    ///   `WorkflowExecutionStarted` whose definition is valid (`DecodingError.dataCorrupted`).
    public static func load(_ name: String) throws -> GoldenHistory {
        let bytes = Array(try Data(contentsOf: url(name)))
        let events = try HistoryFile.events(in: bytes)
        guard case .workflowExecutionStarted(let started)? = events.first?.attributes else {
            throw corrupted("\(name).history does not start with WorkflowExecutionStarted")
        }
        let outcome = WorkflowValidator.validate(json: started.definition)
        guard let definition = outcome.definition else {
            throw corrupted("the definition in \(name).history is invalid: \(outcome.diagnostics.map(\.message))")
        }
        return GoldenHistory(name: name, bytes: bytes, events: events, definition: definition)
    }

    private static func corrupted(_ problem: String) -> DecodingError {
        DecodingError.dataCorrupted(
            DecodingError.Context(
                codingPath: [],
                debugDescription: problem + "; regenerate it (Tests/WorkflowDeciderTests/Fixtures/README.md)"))
    }
}

/// A committed golden history, decoded.
public struct GoldenHistory: Sendable {
    /// `<workflow>.<outcome>`.
    public var name: String
    /// The file as committed.
    public var bytes: [UInt8]
    /// Its events, in order.
    public var events: [HistoryEvent]
    /// The definition recorded in its `WorkflowExecutionStarted`, validated.
    public var definition: WorkflowDefinition

    /// The number of decision tasks it completed.
    public var decisionTaskCount: Int { events.filter { $0.eventType == .decisionTaskCompleted }.count }
    /// The outcome encoded in the name: the part after the first dot.
    public var outcome: String { String(name.split(separator: ".", maxSplits: 1).last ?? "") }
}
