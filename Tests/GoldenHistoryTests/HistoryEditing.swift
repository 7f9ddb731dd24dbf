import Hashing
import HistoryStore
import StrictJSON
import Time
import WorkflowModel

/// Editing histories to make negative fixtures: events are removed or inserted by position, then
/// renumbered so ids are contiguous again and every reference (`scheduledEventId`,
/// `startedEventId`, `decisionTaskCompletedEventId`, ...) follows its event.
enum HistoryEditing {
    /// One entry of an edited history: a kept event (whose references use the old ids), or a new
    /// one (whose references also use the old ids).
    struct Entry {
        var oldId: Int64?
        var event: HistoryEvent
    }

    /// The entries of `events`, all kept.
    static func entries(_ events: [HistoryEvent]) -> [Entry] {
        events.map { Entry(oldId: $0.eventId, event: $0) }
    }

    /// Ids 1, 2, 3, ... in order, references remapped. A reference to a removed event becomes 0.
    static func renumbered(_ entries: [Entry]) -> [HistoryEvent] {
        var map: [Int64: Int64] = [0: 0]
        for (position, entry) in entries.enumerated() {
            if let oldId = entry.oldId { map[oldId] = Int64(position + 1) }
        }
        return entries.enumerated().map { position, entry in
            HistoryEvent(
                eventId: Int64(position + 1), eventTimestamp: entry.event.eventTimestamp,
                attributes: remap(entry.event.attributes) { map[$0] ?? 0 })
        }
    }

    /// `records` with their events renumbered as in ``renumbered(_:)`` (attempt records keep their
    /// place after the event they followed and are remapped too).
    static func renumbered(records: [HistoryRecord], editing edit: ([Entry]) -> [Entry]) -> [HistoryRecord] {
        let events = records.compactMap(\.event)
        let edited = edit(entries(events))
        var map: [Int64: Int64] = [0: 0]
        for (position, entry) in edited.enumerated() {
            if let oldId = entry.oldId { map[oldId] = Int64(position + 1) }
        }
        let newEvents = renumbered(edited)
        // Attempt records follow the event they came after in the original.
        var after: [Int64: [ActivityAttemptFailed]] = [:]
        var lastEventId: Int64 = 0
        for record in records {
            switch record {
            case .event(let event): lastEventId = event.eventId
            case .attemptFailed(var attempt):
                attempt.scheduledEventId = map[attempt.scheduledEventId] ?? 0
                after[lastEventId, default: []].append(attempt)
            }
        }
        var result: [HistoryRecord] = []
        for (entry, event) in zip(edited, newEvents) {
            result.append(.event(event))
            if let oldId = entry.oldId {
                result += (after[oldId] ?? []).map { .attemptFailed($0) }
            }
        }
        return result
    }

    /// The bytes of a history file holding `records`, as the store writes it.
    static func file(executionId: String, records: [HistoryRecord]) throws -> [UInt8] {
        var bytes = try HistoryFormat.headerLine(executionId: executionId)
        for record in records { bytes += try HistoryFormat.line(for: record) }
        return bytes
    }

    /// One framed line, `<crc32c> <payload>\n`, for payloads no record type can express.
    static func framedLine(payload: String) -> [UInt8] {
        let bytes = Array(payload.utf8)
        let hex = String(CRC32C.checksum(bytes), radix: 16)
        return Array((String(repeating: "0", count: 8 - hex.count) + hex + " ").utf8) + bytes + [UInt8(ascii: "\n")]
    }

    /// `attributes` with every event-id reference passed through `map`.
    static func remap(_ attributes: EventAttributes, _ map: (Int64) -> Int64) -> EventAttributes {
        switch attributes {
        case .workflowExecutionStarted, .workflowExecutionTimedOut, .workflowExecutionCancelRequested, .decisionTaskScheduled,
            .workflowExecutionSignaled, .workflowExecutionTerminated:
            return attributes
        case .workflowExecutionCompleted(var a):
            a.decisionTaskCompletedEventId = map(a.decisionTaskCompletedEventId)
            return .workflowExecutionCompleted(a)
        case .workflowExecutionFailed(var a):
            a.decisionTaskCompletedEventId = map(a.decisionTaskCompletedEventId)
            return .workflowExecutionFailed(a)
        case .workflowExecutionCanceled(var a):
            a.decisionTaskCompletedEventId = map(a.decisionTaskCompletedEventId)
            return .workflowExecutionCanceled(a)
        case .decisionTaskStarted(var a):
            a.scheduledEventId = map(a.scheduledEventId)
            return .decisionTaskStarted(a)
        case .decisionTaskCompleted(var a):
            a.scheduledEventId = map(a.scheduledEventId)
            a.startedEventId = map(a.startedEventId)
            return .decisionTaskCompleted(a)
        case .decisionTaskTimedOut(var a):
            a.scheduledEventId = map(a.scheduledEventId)
            a.startedEventId = map(a.startedEventId)
            return .decisionTaskTimedOut(a)
        case .activityTaskScheduled(var a):
            a.decisionTaskCompletedEventId = map(a.decisionTaskCompletedEventId)
            return .activityTaskScheduled(a)
        case .activityTaskStarted(var a):
            a.scheduledEventId = map(a.scheduledEventId)
            return .activityTaskStarted(a)
        case .activityTaskCompleted(var a):
            a.scheduledEventId = map(a.scheduledEventId)
            a.startedEventId = map(a.startedEventId)
            return .activityTaskCompleted(a)
        case .activityTaskFailed(var a):
            a.scheduledEventId = map(a.scheduledEventId)
            a.startedEventId = map(a.startedEventId)
            return .activityTaskFailed(a)
        case .activityTaskTimedOut(var a):
            a.scheduledEventId = map(a.scheduledEventId)
            a.startedEventId = map(a.startedEventId)
            return .activityTaskTimedOut(a)
        case .activityTaskCancelRequested(var a):
            a.decisionTaskCompletedEventId = map(a.decisionTaskCompletedEventId)
            return .activityTaskCancelRequested(a)
        case .activityTaskCanceled(var a):
            a.scheduledEventId = map(a.scheduledEventId)
            a.startedEventId = map(a.startedEventId)
            a.latestCancelRequestedEventId = map(a.latestCancelRequestedEventId)
            return .activityTaskCanceled(a)
        case .timerStarted(var a):
            a.decisionTaskCompletedEventId = map(a.decisionTaskCompletedEventId)
            return .timerStarted(a)
        case .timerFired(var a):
            a.startedEventId = map(a.startedEventId)
            return .timerFired(a)
        case .timerCanceled(var a):
            a.startedEventId = map(a.startedEventId)
            a.decisionTaskCompletedEventId = map(a.decisionTaskCompletedEventId)
            return .timerCanceled(a)
        case .markerRecorded(var a):
            a.decisionTaskCompletedEventId = map(a.decisionTaskCompletedEventId)
            return .markerRecorded(a)
        }
    }
}
