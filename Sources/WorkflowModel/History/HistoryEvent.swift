public import Time

/// One event of an execution's history, in SWF's JSON shape:
/// `{"eventId":5,"eventTimestamp":"…","eventType":"ActivityTaskScheduled","activityTaskScheduledEventAttributes":{…}}`.
public struct HistoryEvent: Sendable, Hashable {
    /// 1 for `WorkflowExecutionStarted`, then contiguous.
    public var eventId: Int64
    /// When the engine recorded the event.
    public var eventTimestamp: Timestamp
    /// The event's type and attributes.
    public var attributes: EventAttributes

    /// Makes an event.
    public init(eventId: Int64, eventTimestamp: Timestamp, attributes: EventAttributes) {
        self.eventId = eventId
        self.eventTimestamp = eventTimestamp
        self.attributes = attributes
    }

    /// The event's type.
    public var eventType: EventType { attributes.eventType }
}

/// The attributes of each event type.
public enum EventAttributes: Sendable, Hashable {
    case workflowExecutionStarted(WorkflowExecutionStartedEventAttributes)
    case workflowExecutionCompleted(WorkflowExecutionCompletedEventAttributes)
    case workflowExecutionFailed(WorkflowExecutionFailedEventAttributes)
    case workflowExecutionTimedOut(WorkflowExecutionTimedOutEventAttributes)
    case workflowExecutionCanceled(WorkflowExecutionCanceledEventAttributes)
    case workflowExecutionCancelRequested(WorkflowExecutionCancelRequestedEventAttributes)
    case workflowExecutionSignaled(WorkflowExecutionSignaledEventAttributes)
    case workflowExecutionTerminated(WorkflowExecutionTerminatedEventAttributes)
    case decisionTaskScheduled(DecisionTaskScheduledEventAttributes)
    case decisionTaskStarted(DecisionTaskStartedEventAttributes)
    case decisionTaskCompleted(DecisionTaskCompletedEventAttributes)
    case decisionTaskTimedOut(DecisionTaskTimedOutEventAttributes)
    case activityTaskScheduled(ActivityTaskScheduledEventAttributes)
    case activityTaskStarted(ActivityTaskStartedEventAttributes)
    case activityTaskCompleted(ActivityTaskCompletedEventAttributes)
    case activityTaskFailed(ActivityTaskFailedEventAttributes)
    case activityTaskTimedOut(ActivityTaskTimedOutEventAttributes)
    case activityTaskCancelRequested(ActivityTaskCancelRequestedEventAttributes)
    case activityTaskCanceled(ActivityTaskCanceledEventAttributes)
    case timerStarted(TimerStartedEventAttributes)
    case timerFired(TimerFiredEventAttributes)
    case timerCanceled(TimerCanceledEventAttributes)
    case markerRecorded(MarkerRecordedEventAttributes)

    /// The event type these attributes belong to.
    public var eventType: EventType {
        switch self {
        case .workflowExecutionStarted: .workflowExecutionStarted
        case .workflowExecutionCompleted: .workflowExecutionCompleted
        case .workflowExecutionFailed: .workflowExecutionFailed
        case .workflowExecutionTimedOut: .workflowExecutionTimedOut
        case .workflowExecutionCanceled: .workflowExecutionCanceled
        case .workflowExecutionCancelRequested: .workflowExecutionCancelRequested
        case .workflowExecutionSignaled: .workflowExecutionSignaled
        case .workflowExecutionTerminated: .workflowExecutionTerminated
        case .decisionTaskScheduled: .decisionTaskScheduled
        case .decisionTaskStarted: .decisionTaskStarted
        case .decisionTaskCompleted: .decisionTaskCompleted
        case .decisionTaskTimedOut: .decisionTaskTimedOut
        case .activityTaskScheduled: .activityTaskScheduled
        case .activityTaskStarted: .activityTaskStarted
        case .activityTaskCompleted: .activityTaskCompleted
        case .activityTaskFailed: .activityTaskFailed
        case .activityTaskTimedOut: .activityTaskTimedOut
        case .activityTaskCancelRequested: .activityTaskCancelRequested
        case .activityTaskCanceled: .activityTaskCanceled
        case .timerStarted: .timerStarted
        case .timerFired: .timerFired
        case .timerCanceled: .timerCanceled
        case .markerRecorded: .markerRecorded
        }
    }
}

extension HistoryEvent: Codable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        eventId = try container.decode(Int64.self, forKey: Key("eventId"))
        eventTimestamp = try container.decode(Timestamp.self, forKey: Key("eventTimestamp"))
        let typeName = try container.decode(String.self, forKey: Key("eventType"))
        guard let type = EventType(rawValue: typeName) else {
            throw DecodingError.dataCorruptedError(
                forKey: Key("eventType"), in: container, debugDescription: "unknown event type \"\(typeName)\"")
        }
        let key = Key(type.attributesKey)
        func decode<T: Decodable>(_: T.Type) throws -> T { try container.decode(T.self, forKey: key) }
        switch type {
        case .workflowExecutionStarted: attributes = .workflowExecutionStarted(try decode(WorkflowExecutionStartedEventAttributes.self))
        case .workflowExecutionCompleted:
            attributes = .workflowExecutionCompleted(try decode(WorkflowExecutionCompletedEventAttributes.self))
        case .workflowExecutionFailed: attributes = .workflowExecutionFailed(try decode(WorkflowExecutionFailedEventAttributes.self))
        case .workflowExecutionTimedOut: attributes = .workflowExecutionTimedOut(try decode(WorkflowExecutionTimedOutEventAttributes.self))
        case .workflowExecutionCanceled: attributes = .workflowExecutionCanceled(try decode(WorkflowExecutionCanceledEventAttributes.self))
        case .workflowExecutionCancelRequested:
            attributes = .workflowExecutionCancelRequested(try decode(WorkflowExecutionCancelRequestedEventAttributes.self))
        case .workflowExecutionSignaled: attributes = .workflowExecutionSignaled(try decode(WorkflowExecutionSignaledEventAttributes.self))
        case .workflowExecutionTerminated:
            attributes = .workflowExecutionTerminated(try decode(WorkflowExecutionTerminatedEventAttributes.self))
        case .decisionTaskScheduled: attributes = .decisionTaskScheduled(try decode(DecisionTaskScheduledEventAttributes.self))
        case .decisionTaskStarted: attributes = .decisionTaskStarted(try decode(DecisionTaskStartedEventAttributes.self))
        case .decisionTaskCompleted: attributes = .decisionTaskCompleted(try decode(DecisionTaskCompletedEventAttributes.self))
        case .decisionTaskTimedOut: attributes = .decisionTaskTimedOut(try decode(DecisionTaskTimedOutEventAttributes.self))
        case .activityTaskScheduled: attributes = .activityTaskScheduled(try decode(ActivityTaskScheduledEventAttributes.self))
        case .activityTaskStarted: attributes = .activityTaskStarted(try decode(ActivityTaskStartedEventAttributes.self))
        case .activityTaskCompleted: attributes = .activityTaskCompleted(try decode(ActivityTaskCompletedEventAttributes.self))
        case .activityTaskFailed: attributes = .activityTaskFailed(try decode(ActivityTaskFailedEventAttributes.self))
        case .activityTaskTimedOut: attributes = .activityTaskTimedOut(try decode(ActivityTaskTimedOutEventAttributes.self))
        case .activityTaskCancelRequested:
            attributes = .activityTaskCancelRequested(try decode(ActivityTaskCancelRequestedEventAttributes.self))
        case .activityTaskCanceled: attributes = .activityTaskCanceled(try decode(ActivityTaskCanceledEventAttributes.self))
        case .timerStarted: attributes = .timerStarted(try decode(TimerStartedEventAttributes.self))
        case .timerFired: attributes = .timerFired(try decode(TimerFiredEventAttributes.self))
        case .timerCanceled: attributes = .timerCanceled(try decode(TimerCanceledEventAttributes.self))
        case .markerRecorded: attributes = .markerRecorded(try decode(MarkerRecordedEventAttributes.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(eventId, forKey: Key("eventId"))
        try container.encode(eventTimestamp, forKey: Key("eventTimestamp"))
        try container.encode(eventType.rawValue, forKey: Key("eventType"))
        let key = Key(eventType.attributesKey)
        switch attributes {
        case .workflowExecutionStarted(let a): try container.encode(a, forKey: key)
        case .workflowExecutionCompleted(let a): try container.encode(a, forKey: key)
        case .workflowExecutionFailed(let a): try container.encode(a, forKey: key)
        case .workflowExecutionTimedOut(let a): try container.encode(a, forKey: key)
        case .workflowExecutionCanceled(let a): try container.encode(a, forKey: key)
        case .workflowExecutionCancelRequested(let a): try container.encode(a, forKey: key)
        case .workflowExecutionSignaled(let a): try container.encode(a, forKey: key)
        case .workflowExecutionTerminated(let a): try container.encode(a, forKey: key)
        case .decisionTaskScheduled(let a): try container.encode(a, forKey: key)
        case .decisionTaskStarted(let a): try container.encode(a, forKey: key)
        case .decisionTaskCompleted(let a): try container.encode(a, forKey: key)
        case .decisionTaskTimedOut(let a): try container.encode(a, forKey: key)
        case .activityTaskScheduled(let a): try container.encode(a, forKey: key)
        case .activityTaskStarted(let a): try container.encode(a, forKey: key)
        case .activityTaskCompleted(let a): try container.encode(a, forKey: key)
        case .activityTaskFailed(let a): try container.encode(a, forKey: key)
        case .activityTaskTimedOut(let a): try container.encode(a, forKey: key)
        case .activityTaskCancelRequested(let a): try container.encode(a, forKey: key)
        case .activityTaskCanceled(let a): try container.encode(a, forKey: key)
        case .timerStarted(let a): try container.encode(a, forKey: key)
        case .timerFired(let a): try container.encode(a, forKey: key)
        case .timerCanceled(let a): try container.encode(a, forKey: key)
        case .markerRecorded(let a): try container.encode(a, forKey: key)
        }
    }
}
