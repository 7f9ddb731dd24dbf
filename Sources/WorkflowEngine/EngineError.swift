/// An engine error with a stable code and a message that says what to do.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes: `engine.executionExists`, `engine.executionNotFound`, `engine.executionClosed`,
    /// `engine.quarantined`, `engine.definitionChanged`, `engine.stopped`, `engine.unknownToken`,
    /// `engine.invalidHistory`.
    public var code: String
    /// What happened and what to do.
    public var message: String

    /// Makes an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
