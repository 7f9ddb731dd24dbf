/// The member names format v1 accepts at each object level. The validator rejects every other
/// name (Codable would ignore it silently), and a test keeps `docs/workflow.schema.json` in step.
public enum WorkflowFields {
    /// Members of the top-level object.
    public static let topLevel = [
        "$schema", "format", "name", "description", "inputs", "defaults", "onFailure", "onCancel",
        "executionTimeout", "steps", "output",
    ]
    /// Members of one input declaration under `inputs`.
    public static let inputSpec = ["type", "items", "required", "default", "description"]
    /// Members of `defaults`.
    public static let defaults = ["retry", "timeouts", "taskList"]
    /// Members of a step.
    public static let step = [
        "id", "description", "activity", "timer", "input", "after", "forEach", "concurrency", "when", "retry",
        "timeouts", "taskList", "compensation",
    ]
    /// Members of a retry policy.
    public static let retry = [
        "initialInterval", "backoffCoefficient", "maximumInterval", "maximumAttempts", "nonRetryableErrors",
    ]
    /// Members of a timeouts object.
    public static let timeouts = ["scheduleToStart", "startToClose", "scheduleToClose", "heartbeat"]
    /// Members of a compensation.
    public static let compensation = ["activity", "input", "retry", "timeouts"]
    /// Members of a condition object (exactly one of them per object).
    public static let condition = ["equals", "notEquals", "not", "all", "any"]
    /// Fields that only activity steps may have; a timer step rejects them.
    static let activityOnly = ["input", "retry", "timeouts", "taskList", "compensation"]
}
