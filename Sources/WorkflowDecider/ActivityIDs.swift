/// Activity ids: `step`, `step[2]` for `forEach` elements, `compensate:<activity id>` for undo.
public enum ActivityIDs {
    /// The activity id of a step instance.
    public static func step(_ stepId: String, index: Int?) -> String {
        index.map { "\(stepId)[\($0)]" } ?? stepId
    }

    /// The activity id of the compensation of `activityId`.
    public static func compensation(of activityId: String) -> String { "compensate:\(activityId)" }
}
