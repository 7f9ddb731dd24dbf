import Foundation
import StrictJSON
import WorkflowModel

#if canImport(Glibc)
    import Glibc
#endif

/// `exec`: runs a program with the step's `input` as JSON on stdin and parses its stdout as JSON.
///
/// The program runs in a process group of its own; a timeout, a cancellation or the engine's shutdown
/// (all reach the handler as task cancellation) ends the whole group: SIGTERM, then SIGKILL after
/// ``terminationGracePeriod``.
struct ExecActivity: ActivityHandler {
    let activityType = "exec"

    /// How long a cancelled program's process group has between SIGTERM and SIGKILL, by default.
    static let defaultTerminationGracePeriod = Duration.seconds(5)

    /// How long a cancelled program's process group has between SIGTERM and SIGKILL.
    var terminationGracePeriod = ExecActivity.defaultTerminationGracePeriod

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let (command, program) = try Self.command(from: try ActivityInput(input, type: activityType))
        context.report("running \(program)")
        let outcome: ProcessGroupRunner.Outcome
        do {
            outcome = try await ProcessGroupRunner.run(
                command, stdoutLimit: Limits.payloadBytesMax, stderrLimit: Limits.execStderrTailMax, gracePeriod: terminationGracePeriod)
        } catch let failure as ProcessGroupRunner.LaunchFailure {
            throw Self.launchFailure(command.executable, code: failure.code)
        }
        return try Self.output(of: outcome, program: program)
    }

    /// The command the input describes, checked, and its program as the input names it.
    private static func command(from input: ActivityInput) throws -> (ProcessGroupRunner.Command, program: String) {
        let command = input.stringArray("command") ?? []
        guard let program = command.first, !program.isEmpty else {
            throw ActivityInput.invalid("field command must name a program as its first element")
        }
        var environment = ProcessInfo.processInfo.environment
        if let extra = input.value("env")?.objectValue {
            for member in extra {
                guard let value = member.value.stringValue else {
                    throw ActivityInput.invalid("env.\(member.key) must be a string, found \(member.value.typeName)")
                }
                environment[member.key] = value
            }
        }
        let workingDirectory = input.optionalString("workingDirectory")
        if let workingDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: workingDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ActivityInput.invalid("workingDirectory \(workingDirectory) is not a directory")
            }
        }
        var stdin: [UInt8] = []
        if let value = input.value("input") { stdin = value.canonicalBytes() + [0x0a] }
        // The input is written before the program starts, so it must fit in the pipe buffer.
        guard stdin.count <= Limits.payloadBytesMax + 1 else {
            throw ActivityInput.invalid("field input is larger than \(Limits.payloadBytesMax) bytes")
        }
        guard let executable = resolve(program, path: environment["PATH"], workingDirectory: workingDirectory) else {
            throw ActivityFailure(
                reason: "CommandNotFound",
                details: program.contains("/")
                    ? "\(program) does not exist or is not an executable file"
                    : "\(program) was not found in PATH",
                isNonRetryable: true)
        }
        let arguments = Array(command.dropFirst())
        return (
            ProcessGroupRunner.Command(
                executable: executable, arguments: arguments, environment: environment, workingDirectory: workingDirectory,
                stdin: stdin),
            program
        )
    }

    /// `errno` values of a launch that may succeed when tried again: the system was short of
    /// processes, memory or descriptors, or the file was being written.
    static let transientLaunchErrors: Set<Int32> = [EAGAIN, ENOMEM, EMFILE, ENFILE, ETXTBSY, EINTR]

    /// A failed launch: retried only when the cause may pass; otherwise the same launch fails again.
    static func launchFailure(_ executable: String, code: Int32) -> ActivityFailure {
        let cause = String(cString: strerror(code))
        guard !transientLaunchErrors.contains(code) else {
            return ActivityFailure(reason: "ExecFailed", details: "\(executable) could not be started: \(cause)")
        }
        return ActivityFailure(
            reason: "CommandNotFound", details: "\(executable) could not be started: \(cause)", isNonRetryable: true)
    }

    /// The program's stdout as JSON, or the failure its outcome stands for. A nonzero exit may be
    /// retried (its cause may pass); output that is too large or not JSON may not, since the same
    /// program given the same input writes the same output.
    private static func output(of outcome: ProcessGroupRunner.Outcome, program: String) throws -> JSONValue {
        guard outcome.exited, outcome.status == 0 else {
            let tail = String(decoding: outcome.stderrTail, as: UTF8.self)
            let how = outcome.exited ? "exit status \(outcome.status)" : "killed by signal \(outcome.status)"
            throw ActivityFailure(reason: "ExecFailed", details: "\(how); stderr ends with: \(tail)")
        }
        guard !outcome.stdoutTruncated else {
            throw ActivityFailure(
                reason: "OutputTooLarge", details: "\(program) wrote more than \(Limits.payloadBytesMax) bytes to stdout",
                isNonRetryable: true)
        }
        let trimmed = outcome.stdout.drop { $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }
        if trimmed.isEmpty { return .null }
        do {
            return try JSONValue(parsing: outcome.stdout, maxDepth: Limits.jsonDepthMax)
        } catch {
            // Only the error's code and position: its message can quote the output (a word, a
            // duplicate key), which is the program's and could hold anything, secrets included.
            throw ActivityFailure(
                reason: "InvalidOutput",
                details: "\(program) exited 0 but its stdout (\(outcome.stdout.count) bytes) is not JSON: \(error.code) at line "
                    + "\(error.location.line), column \(error.location.column)",
                isNonRetryable: true)
        }
    }

    /// The executable `program` names: a path (relative to the working directory) when it contains a
    /// slash, otherwise the first executable file of that name in `PATH`.
    static func resolve(_ program: String, path: String?, workingDirectory: String?) -> String? {
        let fileManager = FileManager.default
        func isExecutableFile(_ candidate: String) -> Bool {
            var isDirectory: ObjCBool = false
            return fileManager.fileExists(atPath: candidate, isDirectory: &isDirectory) && !isDirectory.boolValue
                && fileManager.isExecutableFile(atPath: candidate)
        }
        if program.contains("/") {
            let candidate = program.hasPrefix("/") || workingDirectory == nil ? program : workingDirectory! + "/" + program
            return isExecutableFile(candidate) ? candidate : nil
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }
}
