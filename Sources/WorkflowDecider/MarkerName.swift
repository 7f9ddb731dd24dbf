/// Marker names the decider records; they are part of the history format.
public enum MarkerName {
    /// A step whose `when` was false: details `{"step": ID, "reason": TEXT}`.
    public static let stepSkipped = "StepSkipped"
    /// A step that failed without an activity failing (its templates did not evaluate): details
    /// `{"step": ID, "index": N?, "reason": "TemplateError", "details": TEXT}`.
    public static let stepFailed = "StepFailed"
    /// A compensation that could not be scheduled: details like `StepFailed` plus `activityId`.
    public static let compensationFailed = "CompensationFailed"
    /// Rollback began: details `{"cause": ...}`.
    public static let rollbackStarted = "RollbackStarted"
}
