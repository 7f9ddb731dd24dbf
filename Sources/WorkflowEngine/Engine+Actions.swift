import ExecutionCore
import Time
import WorkflowModel

// Performing what the machine asked for, once the events that led to it are durable.

extension Engine {
    /// Performs `actions` in order. With `handBack`, the first activity task this worker can run is
    /// started for it and returned, unless an older task waits (tasks go out in the order dispatched).
    func perform(_ actions: [ExecutionAction], _ slot: ExecutionSlot, handBack: HandBack?) -> ActivityTask? {
        reconcileDeadlines(slot, actions, disarmsOnly: false)
        var handedBack: ActivityTask?
        let executionId = slot.executionId
        for action in actions {
            switch action {
            case .offerActivityTask(let task):
                let runsHere = handlers[task.activityType.name] != nil
                if let handBack, handedBack == nil, runsHere, !activityTasks.hasWaitingTasks, begin(task.taskToken, slot, handBack) {
                    handedBack = task
                } else {
                    activityTasks.offer(task, runsInProcess: runsHere)
                }
            case .offerDecisionTask(let task):
                decisionTasks.offer(task, runsInProcess: false)
            case .cancelAttempt(let token):
                cancellations.removeValue(forKey: token)?.cancel()
            case .attemptStarted(let activityId, let attempt, let at):
                observer?(.attemptStarted(executionId: executionId, activityId: activityId, attempt: attempt, at: at))
            case .attemptWillRetry(let activityId, let attempt, let failure, let nextAttemptAt):
                slot.reports[activityId] = nil
                observer?(
                    .attemptFailed(
                        executionId: executionId, activityId: activityId, attempt: attempt, failure: failure,
                        nextAttemptAt: nextAttemptAt))
            case .closed(let status):
                close(slot, status)
            case .withdrawActivityTask, .withdrawDecisionTask, .arm, .disarm:
                break  // done: withdrawals at once, deadlines reconciled above
            }
        }
        return handedBack
    }

    /// Performs an action that only hides or disarms something, before the events are durable.
    func performAtOnce(_ action: ExecutionAction) {
        switch action {
        case .withdrawActivityTask(let token, _):
            activityTasks.withdraw(taskToken: token)
        case .withdrawDecisionTask(let token):
            decisionTasks.withdraw(taskToken: token)
        default:
            break
        }
    }

    /// Makes the scheduled deadlines of every key `actions` arm or disarm agree with the machine's
    /// armed deadlines. Reconciling with the machine (not replaying the actions) is right whatever
    /// happened meanwhile; with `disarmsOnly`, only what must no longer fire is cancelled (before the
    /// events are durable), and arming waits until they are.
    func reconcileDeadlines(_ slot: ExecutionSlot, _ actions: [ExecutionAction], disarmsOnly: Bool) {
        for action in actions {
            let key: DeadlineKey
            switch action {
            case .arm(let armed, _) where !disarmsOnly: key = armed
            case .disarm(let disarmed): key = disarmed
            default: continue
            }
            let wanted = slot.machine.armed[key]
            let scheduled = slot.deadlines[key]
            guard scheduled?.at != wanted else { continue }
            if let scheduled {
                deadlines.cancel(scheduled.id)
                slot.deadlines[key] = nil
            }
            guard !disarmsOnly, let wanted else { continue }
            let executionId = slot.executionId
            let id = deadlines.schedule(at: wanted) { id in
                Task { await self.fire(executionId, key, id: id) }
            }
            slot.deadlines[key] = (id, wanted)
        }
    }

    /// A deadline passed: the machine decides what it means (a stale one means nothing).
    func fire(_ executionId: String, _ key: DeadlineKey, id: DeadlineScheduler.ID) async {
        guard stoppedError == nil, let slot = executions[executionId], slot.deadlines[key]?.id == id else { return }
        slot.deadlines[key] = nil
        // A failure has already stopped the engine and told the observer; a closed execution ignores it.
        _ = try? await submit(executionId, .deadlineFired(key))
    }

    /// Forgets a closed execution and wakes whoever waits for it.
    func close(_ slot: ExecutionSlot, _ status: ExecutionStatus) {
        for scheduled in slot.deadlines.values { deadlines.cancel(scheduled.id) }
        slot.deadlines = [:]
        closedStatuses[slot.executionId] = status
        for waiter in slot.closeWaiters { waiter.continuation.resume(returning: status) }
        slot.closeWaiters = []
        executions[slot.executionId] = nil
    }

    /// The earliest armed deadline and how many are armed, for tests that drive a manual clock.
    func deadlineSummary() -> (earliest: Timestamp?, armed: Int) {
        deadlines.summary
    }
}
