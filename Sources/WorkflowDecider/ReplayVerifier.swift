import StrictJSON
public import WorkflowModel

/// A history that the current decider would not have produced, with a stable code and the event where
/// replay diverged.
public struct ReplayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code (`replay.decisionMismatch`, ...): it appears unchanged in docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case decisionMismatch = "replay.decisionMismatch"
            case unexpectedDecision = "replay.unexpectedDecision"
            case invalidHistory = "replay.invalidHistory"
        }
        fileprivate let value: Value

        /// A recorded decision differs from the one the decider makes now.
        public static let decisionMismatch = Code(value: .decisionMismatch)
        /// The history records a decision the decider does not make.
        public static let unexpectedDecision = Code(value: .unexpectedDecision)
        /// The history is not a well-formed execution (event ids not contiguous from 1).
        public static let invalidHistory = Code(value: .invalidHistory)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What kind of divergence.
    public var code: Code
    /// The event where replay diverged.
    public var eventId: Int64
    /// What differs, and what to do.
    public var message: String

    /// Makes an error.
    public init(code: Code, eventId: Int64, message: String) {
        self.code = code
        self.eventId = eventId
        self.message = message
    }

    /// `code at event N: message`.
    public var description: String { "\(code) at event \(eventId): \(message)" }
}

/// Replays a history through the decider and checks each recorded decision task.
///
/// For every `DecisionTaskCompleted`, the decider runs on the history up to its
/// `DecisionTaskStarted`; the decisions recorded by that task must equal the decider's, in order.
/// A task may have recorded only a prefix of them: a crash can cut a decision batch, and the missing
/// decisions are then made by a later task.
public enum ReplayVerifier {
    /// Checks `history` against `definition`; returns the number of decision tasks checked.
    @discardableResult
    public static func verify(
        definition: WorkflowDefinition, history: [HistoryEvent], catalog: ActivityCatalog = .builtIn
    ) throws(ReplayError) -> Int {
        var state = HistoryState()
        var checked = 0
        var index = 0
        for (position, event) in history.enumerated() where event.eventId != Int64(position + 1) {
            throw ReplayError(
                code: .invalidHistory, eventId: event.eventId,
                message: "event ids must be contiguous from 1; found \(event.eventId) at position \(position + 1)")
        }
        while index < history.count {
            let event = history[index]
            // Decision events are consumed right after their DecisionTaskCompleted below; one met here
            // stands outside its decision task's batch.
            if DecisionRecorder.decisionTaskCompletedEventId(of: event.attributes) != nil {
                throw ReplayError(
                    code: .unexpectedDecision, eventId: event.eventId,
                    message: "\(summary(event.attributes)) is not part of the decision task that it names; "
                        + "the history was edited")
            }
            state.apply(event)
            index += 1
            guard case .decisionTaskStarted = event.attributes else { continue }
            let expected = Decider.decisions(definition: definition, state: state, catalog: catalog)
            // The task's completion follows at once, or the task never completed (crash).
            guard index < history.count, case .decisionTaskCompleted = history[index].attributes else { continue }
            let completed = history[index]
            state.apply(completed)
            index += 1
            var position = 0
            while index < history.count,
                DecisionRecorder.decisionTaskCompletedEventId(of: history[index].attributes) == completed.eventId
            {
                let recorded = history[index]
                guard position < expected.count else {
                    throw ReplayError(
                        code: .unexpectedDecision, eventId: recorded.eventId,
                        message: "the history records \(recorded.eventType.rawValue) but the decider makes no "
                            + "further decision here; the workflow definition or the decider changed")
                }
                let attributes = DecisionRecorder.attributes(
                    for: expected[position], decisionTaskCompletedEventId: completed.eventId, state: state)
                guard attributes == recorded.attributes else {
                    throw ReplayError(
                        code: .decisionMismatch, eventId: recorded.eventId,
                        message: "the history records \(summary(recorded.attributes)) but the decider now makes "
                            + "\(summary(attributes)); the workflow definition or the decider changed")
                }
                state.apply(recorded)
                position += 1
                index += 1
            }
            checked += 1
        }
        return checked
    }

    static func summary(_ attributes: EventAttributes) -> String {
        switch attributes {
        case .activityTaskScheduled(let a): "ActivityTaskScheduled(\(a.activityId), \(a.activityType.name))"
        case .activityTaskCancelRequested(let a): "ActivityTaskCancelRequested(\(a.activityId))"
        case .timerStarted(let a): "TimerStarted(\(a.timerId), \(a.startToFireTimeout))"
        case .timerCanceled(let a): "TimerCanceled(\(a.timerId))"
        case .markerRecorded(let a): "MarkerRecorded(\(a.markerName), \(a.details.canonicalString()))"
        case .workflowExecutionCompleted: "WorkflowExecutionCompleted"
        case .workflowExecutionFailed(let a): "WorkflowExecutionFailed(\(a.reason))"
        case .workflowExecutionCanceled: "WorkflowExecutionCanceled"
        default: attributes.eventType.rawValue
        }
    }
}
