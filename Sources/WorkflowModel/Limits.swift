public import Time

/// Every limit Cairn enforces, in one place. Each is checked at the boundary where data enters.
public enum Limits {
    /// Largest workflow definition file; its canonical form must fit in one history record.
    public static let definitionBytesMax = 131_072
    /// Deepest JSON nesting accepted anywhere (files, inputs, results).
    public static let jsonDepthMax = 64
    /// Most steps in one workflow.
    public static let stepsMax = 500
    /// Longest step id, input name or activity id.
    public static let nameLengthMax = 80
    /// Longest execution (workflow) id.
    public static let executionIdLengthMax = 128
    /// Largest workflow input, activity input or result, encoded (SWF's 32,768 characters, rounded to 32 KiB).
    public static let payloadBytesMax = 32_768
    /// Largest history record (one event, one line).
    public static let recordBytesMax = 262_144
    /// Most events in one history; SWF's hard cap is 25,000.
    public static let historyEventsMax = 25_000
    /// Most elements a `forEach` may fan out over.
    public static let forEachItemsMax = 1_000
    /// Most activities open at once in one execution (SWF's limit).
    public static let openActivitiesMax = 1_000
    /// Most attempts a retry policy may allow (0 means unlimited, bounded by schedule-to-close).
    public static let retryAttemptsMax = 10_000
    /// Tags on one execution (SWF's `tagList` allows 5).
    public static let executionTagsMax = 5
    /// The longest execution tag (SWF's limit).
    public static let executionTagLengthMax = 256
    /// Decision task start-to-close, recorded in `DecisionTaskScheduled`.
    public static let decisionTaskTimeout = Interval.seconds(10)
    /// Characters of stderr kept in an `exec` failure.
    public static let execStderrTailMax = 2_048
}
