import WorkflowModel

/// Why the machine refused an input. Refusing changes nothing.
public struct ExecutionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code: it appears unchanged in CLI output and docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case unknownTask = "execution.unknownTask"
            case closed = "execution.closed"
            case historyFull = "execution.historyFull"
        }
        fileprivate let value: Value

        /// A task token that is not (or no longer) valid: its attempt ended, it timed out or was
        /// canceled, or it was issued before a restart. SWF answers `UnknownResource`.
        public static let unknownTask = Code(value: .unknownTask)
        /// The execution already closed; it accepts nothing more.
        public static let closed = Code(value: .closed)
        /// The history has no room left for this input (only cancel and terminate always fit).
        public static let historyFull = Code(value: .historyFull)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What kind of refusal.
    public var code: Code
    /// What happened and what to do.
    public var message: String

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// A token that names no current attempt or decision task.
    public static func unknownTask(_ token: String) -> ExecutionError {
        ExecutionError(
            code: .unknownTask,
            message: "the task \(token) is no longer valid (its attempt ended, it timed out or was canceled, or the "
                + "engine restarted); drop it and poll for new work")
    }

    static func closed(_ executionId: String, _ status: ExecutionStatus) -> ExecutionError {
        ExecutionError(code: .closed, message: "execution \(executionId) is already closed (\(status.rawValue)); nothing more can happen to it")
    }

    static func historyFull(_ executionId: String, _ what: String) -> ExecutionError {
        ExecutionError(
            code: .historyFull,
            message: "execution \(executionId) has no room left in its history for \(what) (limit "
                + "\(Limits.historyEventsMax) events); it can still be canceled or terminated")
    }
}
