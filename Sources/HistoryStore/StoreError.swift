import WorkflowModel

/// An error from the history store, with a stable code and a message that says what to do.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// A stable code (`store.locked`, ...): it appears unchanged in CLI output and docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case locked = "store.locked"
            case notLocked = "store.notLocked"
            case executionExists = "store.executionExists"
            case executionNotFound = "store.executionNotFound"
            case invalidExecutionId = "store.invalidExecutionId"
            case quarantined = "store.quarantined"
            case notOpen = "store.notOpen"
            case stopped = "store.stopped"
            case recordTooLarge = "store.recordTooLarge"
            case historyTooLong = "store.historyTooLong"
            case invalidRecord = "store.invalidRecord"
            case io = "store.io"
        }

        fileprivate let value: Value

        /// Another engine holds the state directory's lock.
        public static let locked = Code(value: .locked)
        /// Writing requires holding the state directory's lock.
        public static let notLocked = Code(value: .notLocked)
        /// A new history was to be created, and one with that id exists.
        public static let executionExists = Code(value: .executionExists)
        /// No history with that id.
        public static let executionNotFound = Code(value: .executionNotFound)
        /// The id breaks the ``WorkflowModel/ExecutionID`` rules.
        public static let invalidExecutionId = Code(value: .invalidExecutionId)
        /// The history is damaged in the middle; it is left untouched and not written to.
        public static let quarantined = Code(value: .quarantined)
        /// Appending needs the execution created or loaded with `repair: true` by this store.
        public static let notOpen = Code(value: .notOpen)
        /// Writes stopped after an I/O error (fail-stop); restart to recover.
        public static let stopped = Code(value: .stopped)
        /// A record exceeds ``WorkflowModel/Limits/recordBytesMax``.
        public static let recordTooLarge = Code(value: .recordTooLarge)
        /// The history would exceed ``WorkflowModel/Limits/historyEventsMax`` events.
        public static let historyTooLong = Code(value: .historyTooLong)
        /// A record breaks the ordering rules or cannot be encoded (a bug in the caller).
        public static let invalidRecord = Code(value: .invalidRecord)
        /// Creating, locking, reading or listing the state directory failed.
        public static let io = Code(value: .io)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }

        /// The code as documented, e.g. `store.locked`.
        public var description: String { value.rawValue }
    }

    /// What kind of problem this is.
    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The underlying error (usually a ``SystemIO/SystemError``), kept as a value.
    public var cause: (any Error & Sendable)?

    /// Makes an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `<code>: <message> (cause: <cause>)`.
    public var description: String {
        "\(code): \(message)" + (cause.map { " (cause: \($0))" } ?? "")
    }
}

// The errors the store makes in more than one place.
extension StoreError {
    /// An execution with `executionId` exists at `path` (or is being created).
    public static func executionExists(_ executionId: String, path: String) -> StoreError {
        StoreError(
            code: .executionExists,
            message: "an execution with id \"\(executionId)\" already exists (\(path)). Choose another id, or "
                + "resume that execution.")
    }

    static func executionNotFound(_ executionId: String, in directory: String) -> StoreError {
        StoreError(
            code: .executionNotFound, message: "no execution \"\(executionId)\" in \(directory). `cairn list` shows the executions.")
    }

    static func invalidExecutionId(_ executionId: String) -> StoreError? {
        ExecutionID.problem(with: executionId).map { StoreError(code: .invalidExecutionId, message: "invalid execution id: \($0).") }
    }

    static func notLocked(_ stateDirectory: String) -> StoreError {
        StoreError(
            code: .notLocked,
            message: "writing histories in \(stateDirectory) requires its lock; call lockStateDirectory(holder:) first.")
    }

    static func notOpen(_ executionId: String) -> StoreError {
        StoreError(
            code: .notOpen,
            message: "the execution \"\(executionId)\" is not open for writing in this engine; load it with "
                + "repair: true (after taking the state lock) before appending.")
    }

    static func closed(_ executionId: String) -> StoreError {
        StoreError(
            code: .notOpen,
            message: "the execution \"\(executionId)\" was closed for writing; load it with repair: true to reopen it.")
    }

    static func quarantined(_ quarantine: Quarantine) -> StoreError {
        StoreError(code: .quarantined, message: quarantine.description)
    }

    static func unencodable(_ error: any Error) -> StoreError {
        StoreError(code: .invalidRecord, message: "a history record could not be encoded as JSON; nothing was written.", cause: error)
    }

    static func io(_ message: String, _ error: any Error) -> StoreError {
        StoreError(code: .io, message: message, cause: error)
    }
}
