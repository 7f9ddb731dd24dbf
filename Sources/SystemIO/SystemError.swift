/// An operating-system error from a file operation, with a stable code and the path involved.
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code (`system.notFound`, ...): it appears unchanged in messages and docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case notFound = "system.notFound"
            case alreadyExists = "system.alreadyExists"
            case permissionDenied = "system.permissionDenied"
            case noSpace = "system.noSpace"
            case ioError = "system.ioError"
            case wouldBlock = "system.wouldBlock"
            case notADirectory = "system.notADirectory"
            case isADirectory = "system.isADirectory"
            case tooLong = "system.tooLong"
            case other = "system.other"
        }
        fileprivate let value: Value

        /// No file or directory at the path (`ENOENT`).
        public static let notFound = Code(value: .notFound)
        /// Something already exists at the path (`EEXIST`).
        public static let alreadyExists = Code(value: .alreadyExists)
        /// Not permitted (`EACCES`, `EPERM`, `EROFS`).
        public static let permissionDenied = Code(value: .permissionDenied)
        /// The disk or quota is full (`ENOSPC`, `EDQUOT`).
        public static let noSpace = Code(value: .noSpace)
        /// The device failed (`EIO`), or a write made no progress.
        public static let ioError = Code(value: .ioError)
        /// A lock is held by someone else (`EWOULDBLOCK`).
        public static let wouldBlock = Code(value: .wouldBlock)
        /// A path component is not a directory (`ENOTDIR`).
        public static let notADirectory = Code(value: .notADirectory)
        /// The path is a directory where a file was expected (`EISDIR`).
        public static let isADirectory = Code(value: .isADirectory)
        /// The path or a name in it is too long (`ENAMETOOLONG`).
        public static let tooLong = Code(value: .tooLong)
        /// Any other failure; `errno` and the message say which.
        public static let other = Code(value: .other)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
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
        var text = "\(code): \(operation) \(path) failed"
        if let errno { text += " (errno \(errno))" }
        if !message.isEmpty { text += ": \(message)" }
        return text
    }
}
