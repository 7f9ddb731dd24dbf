/// An error from the history store, with a stable code, a message that says what happened and what
/// to do, and the underlying cause (usually a ``SystemIO/SystemError``) when there is one.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable codes; they appear unchanged in CLI output and the HTTP error envelope.
    public enum Code {
        /// Another engine holds the state directory's lock.
        public static let locked = "store.locked"
        /// Writing requires holding the state directory's lock.
        public static let notLocked = "store.notLocked"
        /// `createExecution` found a history with that id.
        public static let executionExists = "store.executionExists"
        /// No history with that id.
        public static let executionNotFound = "store.executionNotFound"
        /// The id breaks the ``WorkflowModel/ExecutionID`` rules.
        public static let invalidExecutionId = "store.invalidExecutionId"
        /// The history is damaged in the middle; it is left untouched and not written to.
        public static let quarantined = "store.quarantined"
        /// Appending needs the execution opened by `createExecution` or `load(repair: true)`.
        public static let notOpen = "store.notOpen"
        /// Writes stopped after an I/O error (fail-stop); restart to recover.
        public static let stopped = "store.stopped"
        /// A record exceeds ``WorkflowModel/Limits/recordBytesMax``.
        public static let recordTooLarge = "store.recordTooLarge"
        /// The history would exceed ``WorkflowModel/Limits/historyEventsMax`` events.
        public static let historyTooLong = "store.historyTooLong"
        /// A record breaks the ordering rules or cannot be encoded (a bug in the caller).
        public static let invalidRecord = "store.invalidRecord"
        /// Reading or listing failed.
        public static let io = "store.io"
    }

    /// One of ``Code``'s values.
    public var code: String
    /// What happened and what to do.
    public var message: String
    /// The underlying error, for people.
    public var cause: String?

    /// Makes an error.
    public init(code: String, message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `<code>: <message> (cause: <cause>)`.
    public var description: String {
        var text = "\(code): \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
