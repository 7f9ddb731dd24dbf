/// An error from the state directory, with a stable code and a message that says what to do.
public struct StateDirectoryError: Error, Sendable, CustomStringConvertible {
    /// A stable code (`state.locked`, ...): it appears unchanged in docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case notADirectory = "state.notADirectory"
            case notFound = "state.notFound"
            case noExecutions = "state.noExecutions"
            case locked = "state.locked"
            case io = "state.io"
        }
        fileprivate let value: Value
        /// The state directory's path names a file.
        public static let notADirectory = Code(value: .notADirectory)
        /// Nothing exists at the state directory's path, and the caller only reads.
        public static let notFound = Code(value: .notFound)
        /// The state directory exists, but no execution was ever started in it.
        public static let noExecutions = Code(value: .noExecutions)
        /// Another engine holds the state directory's lock.
        public static let locked = Code(value: .locked)
        /// Reading or writing the state directory's own files (cancel requests) failed.
        public static let io = Code(value: .io)
        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What kind of problem.
    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The underlying error, kept as a value (not flattened into a string).
    public var cause: (any Error & Sendable)?

    /// Makes an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(code): \(message)" + (cause.map { " (cause: \($0))" } ?? "") }
}
