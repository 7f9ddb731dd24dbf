public import StrictJSON
public import Time

/// A validated workflow definition (format v1).
///
/// Only ``WorkflowValidator`` makes these from files, so every value here has passed validation:
/// step ids are unique, references resolve to steps that run earlier, the graph has no cycles.
public struct WorkflowDefinition: Sendable, Hashable {
    /// The format marker every v1 file carries.
    public static let formatV1 = "cairn.workflow/v1"

    /// The workflow's name, e.g. `multi-region-rollout`.
    public var name: String
    /// Free text for people.
    public var description: String?
    /// Declared inputs, in file order.
    public var inputs: [InputSpec]
    /// Workflow-level defaults for every step.
    public var defaults: StepDefaults
    /// What happens when a step fails for good.
    public var onFailure: FailurePolicy
    /// What happens when cancellation is requested.
    public var onCancel: FailurePolicy
    /// The whole execution's start-to-close timeout (SWF `executionStartToCloseTimeout`); nil is none.
    public var executionTimeout: Interval?
    /// Steps in file order.
    public var steps: [Step] {
        didSet {
            stepOrder = Self.order(of: steps)
            readOutputs = Self.readOutputs(steps, output)
        }
    }
    /// The steps in dependency order (ties in file order), each with the ids it waits for: derived
    /// from ``steps`` once, not at every decision.
    public private(set) var stepOrder: [OrderedStep]
    /// The workflow's result: a template over inputs and step outputs; nil gives `null`.
    public var output: Template? {
        didSet { readOutputs = Self.readOutputs(steps, output) }
    }
    /// The steps whose output some template reads (`${steps.ID.output...}`): the decider gathers a
    /// `forEach` step's thousand results only when something reads them.
    public private(set) var readOutputs: Set<String>

    /// Makes a definition; callers outside validation are tests.
    public init(
        name: String, description: String? = nil, inputs: [InputSpec] = [], defaults: StepDefaults = StepDefaults(),
        onFailure: FailurePolicy = .halt, onCancel: FailurePolicy = .halt, executionTimeout: Interval? = nil,
        steps: [Step], output: Template? = nil
    ) {
        self.name = name
        self.description = description
        self.inputs = inputs
        self.defaults = defaults
        self.onFailure = onFailure
        self.onCancel = onCancel
        self.executionTimeout = executionTimeout
        self.steps = steps
        self.output = output
        stepOrder = Self.order(of: steps)
        readOutputs = Self.readOutputs(steps, output)
    }

    /// ``stepOrder`` for `steps`; steps on a dependency cycle (which validation refuses) are left out.
    private static func order(of steps: [Step]) -> [OrderedStep] {
        let graph = StepGraph(steps: steps)
        let indices = Dictionary(steps.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        return graph.topologicalOrder().compactMap { id in
            indices[id].map { OrderedStep(index: $0, dependencies: graph.dependencies[id, default: []]) }
        }
    }

    /// ``readOutputs`` for `steps` and the workflow's `output`.
    private static func readOutputs(_ steps: [Step], _ output: Template?) -> Set<String> {
        var templates: [Template] = output.map { [$0] } ?? []
        var expressions: [Expression] = []
        for step in steps {
            if case .activity(_, let input) = step.kind { templates.append(input) }
            if let forEach = step.forEach { templates.append(forEach) }
            if let compensation = step.compensation { templates.append(compensation.input) }
            if let when = step.when { expressions += when.expressions }
        }
        expressions += templates.flatMap(\.expressions)
        return Set(expressions.compactMap(\.referencedStep))
    }

    /// The step with `id`.
    public func step(_ id: String) -> Step? { steps.first { $0.id == id } }
}

/// One entry of ``WorkflowDefinition/stepOrder``.
public struct OrderedStep: Sendable, Hashable {
    /// The step's index in ``WorkflowDefinition/steps``.
    public let index: Int
    /// The ids of the steps it waits for.
    public let dependencies: [String]
}

/// `halt` stops and leaves completed work in place; `rollback` runs compensations of completed steps
/// in reverse order of completion.
public enum FailurePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case halt
    case rollback
}

/// A declared workflow input.
public struct InputSpec: Sendable, Hashable {
    /// The name used in templates as `${input.NAME}`.
    public var name: String
    /// The JSON type the value must have.
    public var type: ValueType
    /// For arrays, the type of each element.
    public var itemType: ValueType?
    /// True when the caller must give a value (an input with a default is never required).
    public var isRequired: Bool
    /// The value used when the caller gives none.
    public var defaultValue: JSONValue?
    /// Free text for people.
    public var description: String?

    /// Makes an input spec.
    public init(
        name: String, type: ValueType, itemType: ValueType? = nil, isRequired: Bool = false,
        defaultValue: JSONValue? = nil, description: String? = nil
    ) {
        self.name = name
        self.type = type
        self.itemType = itemType
        self.isRequired = isRequired
        self.defaultValue = defaultValue
        self.description = description
    }
}

/// The JSON types inputs and activity fields can declare.
public enum ValueType: String, Sendable, Hashable, Codable, CaseIterable {
    case string, integer, number, boolean, array, object
    /// Any JSON value.
    case any
    /// A reference to a secret (`{"secretRef": "env:NAME"}`), never a literal secret.
    case secretRef

    /// Whether `value` has this type (`secretRef` checks the reference's shape only).
    public func admits(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.any, _): true
        case (.string, .string), (.boolean, .bool), (.array, .array), (.object, .object): true
        case (.number, .number): true
        case (.integer, .number): value.integerValue != nil
        case (.secretRef, .object(let object)): SecretReference(json: .object(object)) != nil
        default: false
        }
    }
}

/// Retry policy, Temporal's shape: delay = min(initial × coefficient^(attempt-1), maximum).
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Delay before the second attempt.
    public var initialInterval: Interval
    /// Growth factor of the delay, at least 1.
    public var backoffCoefficient: Double
    /// Cap on the delay.
    public var maximumInterval: Interval
    /// Attempts in all, counting the first; 0 means unlimited (bounded by schedule-to-close).
    public var maximumAttempts: Int
    /// Failure reasons that are never retried.
    public var nonRetryableErrors: [String]

    /// Makes a policy.
    public init(
        initialInterval: Interval = .seconds(1), backoffCoefficient: Double = 2, maximumInterval: Interval = .seconds(100),
        maximumAttempts: Int = 3, nonRetryableErrors: [String] = []
    ) {
        self.initialInterval = initialInterval
        self.backoffCoefficient = backoffCoefficient
        self.maximumInterval = maximumInterval
        self.maximumAttempts = maximumAttempts
        self.nonRetryableErrors = nonRetryableErrors
    }

    /// Cairn's default when neither step, workflow nor activity type says otherwise.
    public static let standard = RetryPolicy()

    /// The wait after failed attempt `attempt` (1-based) before the next one.
    public func delay(afterAttempt attempt: Int) -> Interval {
        precondition(attempt >= 1, "attempts are numbered from 1")
        var delay = Double(initialInterval.milliseconds)
        let cap = Double(maximumInterval.milliseconds)
        var step = 1
        while step < attempt, delay < cap {
            delay *= backoffCoefficient
            step += 1
        }
        return Interval(milliseconds: Int64(Swift.min(delay, cap)))
    }

    /// Whether a failure with `reason` after attempt `attempt` may be retried under this policy.
    public func allowsRetry(afterAttempt attempt: Int, reason: String, isNonRetryable: Bool) -> Bool {
        if isNonRetryable || nonRetryableErrors.contains(reason) { return false }
        return maximumAttempts == 0 || attempt < maximumAttempts
    }
}

/// SWF's four activity timeouts. nil means none (`NONE` in files and events).
public struct ActivityTimeouts: Sendable, Hashable, Codable {
    /// Longest wait in the task list before a worker starts the task.
    public var scheduleToStart: Interval?
    /// Longest time one attempt may run.
    public var startToClose: Interval?
    /// Longest time from scheduling to the final result, across all attempts.
    public var scheduleToClose: Interval?
    /// Longest gap between heartbeats while an attempt runs.
    public var heartbeat: Interval?

    /// Makes timeouts.
    public init(
        scheduleToStart: Interval? = nil, startToClose: Interval? = nil, scheduleToClose: Interval? = nil,
        heartbeat: Interval? = nil
    ) {
        self.scheduleToStart = scheduleToStart
        self.startToClose = startToClose
        self.scheduleToClose = scheduleToClose
        self.heartbeat = heartbeat
    }
}

/// A timeout value in a file: an interval, or explicitly none.
public enum TimeoutSetting: Sendable, Hashable {
    case none
    case after(Interval)

    /// The interval, or nil for none.
    public var interval: Interval? {
        if case .after(let interval) = self { return interval }
        return nil
    }
}

/// Timeouts as written at one level (step, compensation, defaults); nil fields inherit.
public struct TimeoutOverrides: Sendable, Hashable {
    public var scheduleToStart: TimeoutSetting?
    public var startToClose: TimeoutSetting?
    public var scheduleToClose: TimeoutSetting?
    public var heartbeat: TimeoutSetting?

    /// Makes overrides.
    public init(
        scheduleToStart: TimeoutSetting? = nil, startToClose: TimeoutSetting? = nil,
        scheduleToClose: TimeoutSetting? = nil, heartbeat: TimeoutSetting? = nil
    ) {
        self.scheduleToStart = scheduleToStart
        self.startToClose = startToClose
        self.scheduleToClose = scheduleToClose
        self.heartbeat = heartbeat
    }

    /// These overrides applied on top of `base`.
    public func applied(to base: ActivityTimeouts) -> ActivityTimeouts {
        func pick(_ setting: TimeoutSetting?, _ inherited: Interval?) -> Interval? {
            guard let setting else { return inherited }
            return setting.interval
        }
        return ActivityTimeouts(
            scheduleToStart: pick(scheduleToStart, base.scheduleToStart),
            startToClose: pick(startToClose, base.startToClose),
            scheduleToClose: pick(scheduleToClose, base.scheduleToClose),
            heartbeat: pick(heartbeat, base.heartbeat))
    }
}

/// Workflow-level defaults (`defaults` in the file).
public struct StepDefaults: Sendable, Hashable {
    /// Retry policy for steps that give none.
    public var retry: RetryPolicy?
    /// Timeouts for steps that give none.
    public var timeouts: TimeoutOverrides
    /// Task list for steps that give none (otherwise the activity type's default).
    public var taskList: String?

    /// Makes defaults.
    public init(retry: RetryPolicy? = nil, timeouts: TimeoutOverrides = TimeoutOverrides(), taskList: String? = nil) {
        self.retry = retry
        self.timeouts = timeouts
        self.taskList = taskList
    }
}

/// One step of a workflow.
public struct Step: Sendable, Hashable {
    /// Unique within the workflow; letters, digits, `_` and `-`.
    public var id: String
    /// Free text for people.
    public var description: String?
    /// What the step does.
    public var kind: Kind
    /// Explicit dependencies; nil means "the step listed before this one".
    public var after: [String]?
    /// A template that must evaluate to an array: the step runs once per element (`${item}`).
    public var forEach: Template?
    /// At most this many instances of a `forEach` step run at once; nil is no limit.
    public var concurrency: Int?
    /// The step runs only when this evaluates to true; otherwise it is skipped.
    public var when: Condition?
    /// Retry policy for this step (an activity step).
    public var retry: RetryPolicy?
    /// Timeout overrides for this step.
    public var timeouts: TimeoutOverrides
    /// The task list the activity is scheduled on.
    public var taskList: String?
    /// The activity that undoes this step during a rollback.
    public var compensation: Compensation?

    /// What a step does.
    public enum Kind: Sendable, Hashable {
        /// Runs `activity` with `input` (a template).
        case activity(type: String, input: Template)
        /// Waits for `duration` on a durable timer.
        case timer(duration: Interval)
    }

    /// Makes a step.
    public init(
        id: String, description: String? = nil, kind: Kind, after: [String]? = nil, forEach: Template? = nil,
        concurrency: Int? = nil, when: Condition? = nil, retry: RetryPolicy? = nil,
        timeouts: TimeoutOverrides = TimeoutOverrides(), taskList: String? = nil, compensation: Compensation? = nil
    ) {
        self.id = id
        self.description = description
        self.kind = kind
        self.after = after
        self.forEach = forEach
        self.concurrency = concurrency
        self.when = when
        self.retry = retry
        self.timeouts = timeouts
        self.taskList = taskList
        self.compensation = compensation
    }

    /// The activity type, for activity steps.
    public var activityType: String? {
        if case .activity(let type, _) = kind { return type }
        return nil
    }
}

/// The activity that undoes a step. Its input may use `${output}` (this instance's result) and
/// `${item}` (this instance's element) besides inputs and earlier steps.
public struct Compensation: Sendable, Hashable {
    /// The activity type to run.
    public var activity: String
    /// The input template.
    public var input: Template
    /// Retry policy; nil inherits the step's.
    public var retry: RetryPolicy?
    /// Timeout overrides on top of the activity type's defaults.
    public var timeouts: TimeoutOverrides

    /// Makes a compensation.
    public init(activity: String, input: Template, retry: RetryPolicy? = nil, timeouts: TimeoutOverrides = TimeoutOverrides()) {
        self.activity = activity
        self.input = input
        self.retry = retry
        self.timeouts = timeouts
    }
}
