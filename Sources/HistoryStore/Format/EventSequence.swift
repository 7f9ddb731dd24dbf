import WorkflowModel

/// The ordering rules every history obeys, checked before a record is written and again after it
/// is read: event ids start at 1 with `WorkflowExecutionStarted` and are contiguous; a bookkeeping
/// record comes after the start and names an event that precedes it.
public struct EventSequence: Sendable, Hashable {
    /// The id of the last event accepted; 0 before the first.
    public private(set) var lastEventId: Int64 = 0

    /// An empty sequence, expecting `WorkflowExecutionStarted` with id 1.
    public init() {}

    /// The id the next event must carry.
    public var nextEventId: Int64 { lastEventId + 1 }

    /// What is wrong with `record` coming next, or nil when it is acceptable.
    public func problem(with record: HistoryRecord) -> String? {
        switch record {
        case .event(let event):
            if lastEventId == 0 {
                if event.eventId != 1 { return "the first event has id \(event.eventId), expected 1" }
                if event.eventType != .workflowExecutionStarted {
                    return "the first event is \(event.eventType.rawValue), expected WorkflowExecutionStarted"
                }
            } else if event.eventId != lastEventId + 1 {
                return "event id \(event.eventId) follows \(lastEventId)"
            }
        case .attemptFailed(let failure):
            if lastEventId == 0 { return "an ActivityAttemptFailed record precedes WorkflowExecutionStarted" }
            if failure.scheduledEventId < 1 || failure.scheduledEventId > lastEventId {
                return "an ActivityAttemptFailed record names scheduled event \(failure.scheduledEventId), "
                    + "which does not precede it (last event id \(lastEventId))"
            }
        }
        return nil
    }

    /// Accepts `record` if it may come next; returns what is wrong otherwise (and changes nothing).
    public mutating func accept(_ record: HistoryRecord) -> String? {
        if let problem = problem(with: record) { return problem }
        if case .event(let event) = record { lastEventId = event.eventId }
        return nil
    }
}
