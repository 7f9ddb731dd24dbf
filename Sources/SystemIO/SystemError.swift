/// An operating-system error from a file operation, with a stable code and the path involved.
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes, printed as `system.<name>`.
    public enum Code: String, Sendable, Hashable {
        case notFound
        case alreadyExists
        case permissionDenied
        case noSpace
        case ioError
        case wouldBlock
        case notADirectory
        case isADirectory
        case tooLong
        case other
    }

    /// What kind of failure.
    public var code: Code
    /// The operation, e.g. `fsync`, `open`.
    public var operation: String
    /// The path involved.
    public var path: String
    /// The errno value, when there is one.
    public var errno: Int32?
    /// Extra words for people.
    public var message: String

    /// Makes an error.
    public init(code: Code, operation: String, path: String, errno: Int32? = nil, message: String = "") {
        self.code = code
        self.operation = operation
        self.path = path
        self.errno = errno
        self.message = message
    }

    /// `system.<code>: <operation> <path> failed (errno N): <message>`.
    public var description: String {
        var text = "system.\(code.rawValue): \(operation) \(path) failed"
        if let errno { text += " (errno \(errno))" }
        if !message.isEmpty { text += ": \(message)" }
        return text
    }
}
