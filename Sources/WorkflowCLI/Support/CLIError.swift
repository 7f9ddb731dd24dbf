/// A failure the CLI reports: a message for people and the exit status.
struct CLIError: Error, CustomStringConvertible {
    /// 1: the workflow or an operation failed; 2: usage or invalid input.
    var status: Int32
    var message: String

    var description: String { message }

    static func usage(_ message: String) -> CLIError { CLIError(status: ExitStatus.usage, message: message) }
    static func failure(_ message: String) -> CLIError { CLIError(status: ExitStatus.failure, message: message) }
}

/// Exit statuses: the contract scripts rely on.
enum ExitStatus {
    static let success: Int32 = 0
    /// The workflow failed, was canceled or timed out; or an operation (lock, disk) failed.
    static let failure: Int32 = 1
    /// Usage errors and invalid input: nothing was written.
    static let usage: Int32 = 2
}
