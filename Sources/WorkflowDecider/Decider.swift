import StrictJSON
public import WorkflowModel

/// The decider: a pure function of (workflow definition, history) to decisions.
///
/// It reads no clock, no randomness and no files; time comes only from event timestamps. Calling it
/// again on the same history gives the same decisions, which is what replay relies on. It never
/// repeats itself: anything already in the history (a scheduled activity, a recorded marker) is not
/// decided again, so a decision batch lost in a crash is simply decided anew.
public enum Decider {
    /// Decisions for the next decision task of the execution whose history is `history`.
    public static func decide(
        definition: WorkflowDefinition, history: [HistoryEvent], catalog: ActivityCatalog = .builtIn
    ) -> [Decision] {
        decisions(definition: definition, state: HistoryState(events: history), catalog: catalog)
    }

    /// Decisions for the next decision task of an execution in `state`: ``evaluate(definition:state:catalog:)``
    /// without the per-step progress, which costs a pass over every activity per step and which
    /// deciding does not need.
    public static func decisions(
        definition: WorkflowDefinition, state: HistoryState, catalog: ActivityCatalog = .builtIn
    ) -> [Decision] {
        decisions(definition: definition, state: state, catalog: catalog, usingTallies: true)
    }

    /// The decisions, with or without the `forEach` shortcut through ``HistoryState/instanceTallies``
    /// (without: every element is looked at, as the shortcut must agree with).
    static func decisions(
        definition: WorkflowDefinition, state: HistoryState, catalog: ActivityCatalog, usingTallies: Bool
    ) -> [Decision] {
        var evaluation = Evaluation(definition: definition, state: state, catalog: catalog)
        evaluation.usesInstanceTallies = usingTallies
        evaluation.run()
        return evaluation.decisions
    }

    /// Decisions and per-step progress for an execution in `state`.
    public static func evaluate(
        definition: WorkflowDefinition, state: HistoryState, catalog: ActivityCatalog = .builtIn
    ) -> DeciderResult {
        var evaluation = Evaluation(definition: definition, state: state, catalog: catalog)
        evaluation.run()
        return DeciderResult(decisions: evaluation.decisions, steps: evaluation.progress())
    }
}

/// What one evaluation produced.
public struct DeciderResult: Sendable, Hashable {
    /// Decisions to apply, in order.
    public var decisions: [Decision]
    /// Every step's status, in file order.
    public var steps: [StepProgress]
}

/// A step's status as the decider sees it.
public struct StepProgress: Sendable, Hashable {
    /// The step id.
    public var stepId: String
    /// Its status.
    public var status: StepStatus
    /// Activity ids of its instances scheduled so far (one for a plain step, one per element for
    /// `forEach`), in index order.
    public var activityIds: [String]
    /// The number of `forEach` elements, when known.
    public var instanceCount: Int?
    /// Activity ids of its compensations scheduled so far.
    public var compensationIds: [String]
}

/// A step's status.
public enum StepStatus: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its dependencies.
    case pending
    /// Some of its activities (or its timer) are scheduled or running.
    case running
    case completed
    /// Its `when` condition was false.
    case skipped
    case failed
    /// Stopped because the workflow failed or was canceled.
    case canceled
    /// Its compensation is running.
    case compensating
    /// Its compensation completed.
    case compensated
    /// Its compensation failed.
    case compensationFailed = "compensation-failed"
}
