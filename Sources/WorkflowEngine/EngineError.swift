import WorkflowModel

/// An engine error with a stable code, a message that says what to do, and the cause kept as a value.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    /// A stable code: it appears unchanged in CLI output and docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case stopped = "engine.stopped"
            case quarantined = "engine.quarantined"
            case invalidHistory = "engine.invalidHistory"
            case definitionChanged = "engine.definitionChanged"
            case definitionInvalid = "engine.definitionInvalid"
            case executionNotFound = "engine.executionNotFound"
            case executionClosed = "engine.executionClosed"
        }
        fileprivate let value: Value

        /// History writes failed; the engine stopped taking work (fail-stop).
        public static let stopped = Code(value: .stopped)
        /// The history is damaged in the middle; the execution cannot be resumed.
        public static let quarantined = Code(value: .quarantined)
        /// The history does not start with `WorkflowExecutionStarted`.
        public static let invalidHistory = Code(value: .invalidHistory)
        /// The recorded definition does not match its recorded digest.
        public static let definitionChanged = Code(value: .definitionChanged)
        /// The recorded definition no longer validates.
        public static let definitionInvalid = Code(value: .definitionInvalid)
        /// The execution is not open in this engine.
        public static let executionNotFound = Code(value: .executionNotFound)
        /// The execution closed in this engine.
        public static let executionClosed = Code(value: .executionClosed)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What kind of error.
    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Makes an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    static func executionNotFound(_ executionId: String) -> EngineError {
        EngineError(
            code: .executionNotFound,
            message: "execution \(executionId) is not open in this engine; resume it first (`cairn resume \(executionId)`)")
    }

    static func executionClosed(_ executionId: String, _ status: ExecutionStatus) -> EngineError {
        EngineError(code: .executionClosed, message: "execution \(executionId) is already closed (\(status.rawValue))")
    }

    static func stopped(_ executionId: String, cause: any Error & Sendable) -> EngineError {
        EngineError(
            code: .stopped,
            // The cause in parentheses: its own text may end with a period.
            message: "history writes failed for \(executionId) (\(cause)). The engine stopped taking work; nothing after "
                + "the last durable event was acknowledged. Fix the cause and run `cairn resume \(executionId)`.",
            cause: cause)
    }
}
