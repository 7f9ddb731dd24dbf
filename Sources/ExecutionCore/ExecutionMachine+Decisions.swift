import StrictJSON
import WorkflowDecider
import Time
import WorkflowModel

// Decision tasks: scheduled when the history holds something to decide, one at a time; started by
// whichever decider takes it; completed with its decisions, which become events and actions.

extension ExecutionMachine {
    /// Schedules a decision task, unless one is open: a scheduled one will see the new events when
    /// it starts; a started one is followed by another when it completes.
    mutating func requestDecision() {
        guard !state.isClosed else { return }
        if let open = decisionTask {
            if open.startedEventId != nil { decisionPending = true }
            return
        }
        record(
            .decisionTaskScheduled(
                DecisionTaskScheduledEventAttributes(
                    taskList: TaskList(name: Self.decisionTaskList),
                    startToCloseTimeout: Limits.decisionTaskTimeout.description)))
        offerDecisionTask(scheduledEventId: state.lastEventId)
    }

    /// The decision task list's name.
    public static let decisionTaskList = "decisions"

    mutating func offerDecisionTask(scheduledEventId: Int64) {
        let open = OpenDecisionTask(token: makeToken("decision/\(scheduledEventId)"), scheduledEventId: scheduledEventId)
        decisionTask = open
        output.actions.append(.offerDecisionTask(makeDecisionTask(open)))
    }

    func makeDecisionTask(_ open: OpenDecisionTask) -> DecisionTask {
        DecisionTask(
            taskToken: open.token, workflowExecution: state.execution ?? WorkflowExecution(workflowId: executionId, runId: ""),
            workflowType: state.started?.workflowType ?? TypeName(name: "", version: ""), taskList: Self.decisionTaskList,
            scheduledEventId: open.scheduledEventId)
    }

    mutating func startDecisionTask(_ token: String, identity: String) throws(ExecutionError) {
        guard var open = decisionTask, open.token == token, open.startedEventId == nil else { throw .unknownTask(token) }
        record(.decisionTaskStarted(DecisionTaskStartedEventAttributes(scheduledEventId: open.scheduledEventId, identity: identity)))
        open.startedEventId = state.lastEventId
        decisionTask = open
        arm(.decisionTaskStartToClose, at: now.adding(Limits.decisionTaskTimeout))
    }

    /// Records the decision task's completion and its decisions. Decisions that would take the
    /// history past what it can hold (with room for everything already open to finish) are not
    /// recorded: the execution is terminated instead, as SWF does (`EVENT_LIMIT_EXCEEDED`). The JSON
    /// decider never gets there: it fails the workflow first, keeping room for its rollback.
    mutating func completeDecisionTask(_ token: String, decisions: [Decision]) throws(ExecutionError) {
        guard let open = decisionTask, open.token == token, let startedEventId = open.startedEventId else {
            throw .unknownTask(token)
        }
        if let closing = decisions.firstIndex(where: \.closesExecution) {
            precondition(closing == decisions.count - 1, "a decision follows the one that closes the execution")
        }
        disarm(.decisionTaskStartToClose)
        decisionTask = nil
        // The room check counts this event itself, so it is made before the event is recorded.
        let fits = Self.fits(decisions, in: state)
        record(.decisionTaskCompleted(DecisionTaskCompletedEventAttributes(scheduledEventId: open.scheduledEventId, startedEventId: startedEventId)))
        guard fits else {
            terminate(
                reason: "HistoryLimitExceeded",
                details: .string("the decisions would take the history past its limit of \(Limits.historyEventsMax) events"),
                cause: "EVENT_LIMIT_EXCEEDED", identity: nil)
            return
        }
        let completedEventId = state.lastEventId
        var canceledAtOnce: [Int64] = []
        for decision in decisions {
            let attributes = DecisionRecorder.attributes(for: decision, decisionTaskCompletedEventId: completedEventId, state: state)
            record(attributes)
            if let id = carryOut(state.lastEventId, attributes) { canceledAtOnce.append(id) }
        }
        guard !state.isClosed else { return }
        for id in canceledAtOnce { cancelAtOnce(id) }
        if decisionPending || !canceledAtOnce.isEmpty {
            decisionPending = false
            requestDecision()
        }
    }

    /// Whether `decisions` leave room in the history for everything they and the open work may add.
    /// Canceling open work takes no new room: an open activity's or timer's count already holds its
    /// cancellation and outcome. A decision that closes the execution ends everything open.
    static func fits(_ decisions: [Decision], in state: HistoryState) -> Bool {
        var added = 1  // DecisionTaskCompleted
        var committed = HistoryBudget.committed(state)
        for decision in decisions {
            switch decision {
            case .scheduleActivityTask:
                added += 1
                committed += HistoryBudget.eventsPerOpenActivity
            case .startTimer:
                added += 1
                committed += HistoryBudget.eventsPerOpenTimer
            case .recordMarker:
                added += 1
            case .requestCancelActivityTask, .cancelTimer:
                break
            case .completeWorkflowExecution, .failWorkflowExecution, .cancelWorkflowExecution:
                added += 1
                committed = 0
            }
        }
        return state.eventCount + added + committed <= HistoryBudget.decidedEventsMax
    }

    /// Performs the effects of the decision recorded as event `eventId` (`event`); returns the scheduled event
    /// id of an activity to record as canceled at once (no worker holds it).
    mutating func carryOut(_ eventId: Int64, _ event: EventAttributes) -> Int64? {
        switch event {
        case .activityTaskScheduled(let attributes):
            let run = ActivityRun(
                scheduledEventId: eventId, attributes: attributes, scheduledAt: now, attempt: 1, phase: .backoff(until: now))
            runs[eventId] = run
            armScheduleToClose(run)
            queueAttempt(eventId)
        case .activityTaskCancelRequested(let attributes):
            guard let id = state.activities[attributes.activityId]?.scheduledEventId, var run = runs[id] else { return nil }
            run.cancelRequested = true
            runs[id] = run
            guard case .running(let attempt) = run.phase else { return id }
            output.actions.append(.cancelAttempt(taskToken: attempt.token))
        case .timerStarted(let attributes):
            if let timer = state.timers[attributes.timerId] { arm(.timer(attributes.timerId), at: timer.fireAt) }
        case .timerCanceled(let attributes):
            disarm(.timer(attributes.timerId))
        case .workflowExecutionCompleted, .workflowExecutionFailed, .workflowExecutionCanceled:
            close()
        default:
            break
        }
        return nil
    }

    /// Records an activity no worker holds as canceled (SWF does the same).
    mutating func cancelAtOnce(_ scheduledEventId: Int64) {
        guard let run = runs[scheduledEventId], let activity = state.activities[run.attributes.activityId] else { return }
        closeActivity(
            run,
            .activityTaskCanceled(
                ActivityTaskCanceledEventAttributes(
                    scheduledEventId: scheduledEventId, startedEventId: 0,
                    latestCancelRequestedEventId: activity.cancelRequestedEventId ?? 0,
                    details: "canceled before a worker started it")))
    }
}

extension Decision {
    /// Whether this decision closes the execution.
    var closesExecution: Bool {
        switch self {
        case .completeWorkflowExecution, .failWorkflowExecution, .cancelWorkflowExecution: true
        default: false
        }
    }
}
