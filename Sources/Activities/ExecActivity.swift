import Dispatch
import Foundation
import StrictJSON
import Synchronization
import WorkflowModel

#if canImport(Glibc)
    import Glibc
#endif

/// `exec`: runs a program with the step's `input` as JSON on stdin and parses its stdout as JSON.
struct ExecActivity: ActivityHandler {
    let activityType = "exec"

    /// How long a cancelled program has between SIGTERM and SIGKILL.
    static let terminationGracePeriod = 5.0

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let input = try ActivityInput(input, type: activityType)
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
        // The input must fit in the pipe buffer: it is written before the program starts (see ProcessRunner).
        guard stdin.count <= Limits.payloadBytesMax + 1 else {
            throw ActivityInput.invalid("field input is larger than \(Limits.payloadBytesMax) bytes")
        }
        guard let executable = Self.resolve(program, path: environment["PATH"], workingDirectory: workingDirectory) else {
            throw ActivityFailure(
                reason: "CommandNotFound",
                details: program.contains("/")
                    ? "\(program) does not exist or is not an executable file"
                    : "\(program) was not found in PATH",
                isNonRetryable: true)
        }
        context.report("running \(program)")
        let outcome = try await ProcessRunner.run(
            executable: executable, arguments: Array(command.dropFirst()), environment: environment,
            workingDirectory: workingDirectory, stdin: stdin)
        guard outcome.terminationReason == .exit, outcome.status == 0 else {
            let tail = String(decoding: outcome.stderrTail, as: UTF8.self)
            let how = outcome.terminationReason == .exit ? "exit status \(outcome.status)" : "killed by signal \(outcome.status)"
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
                    + "\(error.location.line), column \(error.location.column)")
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

/// Runs a child process with Foundation's `Process`, reading stdout and stderr concurrently so a
/// chatty program cannot deadlock on a full pipe, and terminating it when the task is cancelled.
enum ProcessRunner {
    struct Outcome {
        var status: Int32
        var terminationReason: Process.TerminationReason
        var stdout: [UInt8]
        var stdoutTruncated: Bool
        var stderrTail: [UInt8]
    }

    /// Signalled once by the termination handler; `wait` resumes when it has been.
    final class Exit: Sendable {
        private struct State {
            var result: (Int32, Process.TerminationReason)?
            var waiter: CheckedContinuation<(Int32, Process.TerminationReason), Never>?
        }
        private let state = Mutex(State())

        var hasExited: Bool { state.withLock { $0.result != nil } }

        func fire(_ status: Int32, _ reason: Process.TerminationReason) {
            let waiter = state.withLock { state -> CheckedContinuation<(Int32, Process.TerminationReason), Never>? in
                state.result = (status, reason)
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: (status, reason))
        }

        func wait() async -> (Int32, Process.TerminationReason) {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> (Int32, Process.TerminationReason)? in
                    if let result = state.result { return result }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    static func run(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String?, stdin: [UInt8]
    ) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        // Written before launch, into the pipe's buffer (the input is at most 32 KiB, the buffer 64 KiB):
        // the write cannot block, and cannot raise SIGPIPE if the program exits without reading.
        if !stdin.isEmpty { input.fileHandleForWriting.write(Data(stdin)) }
        let exit = Exit()
        process.terminationHandler = { finished in exit.fire(finished.terminationStatus, finished.terminationReason) }
        do {
            try process.run()
        } catch {
            throw ActivityFailure(reason: "CommandNotFound", details: "\(executable) could not be started: \(error)", isNonRetryable: true)
        }
        try? input.fileHandleForWriting.close()
        // Foundation starts the child in its own process group, so signalling -pid reaches its children too.
        let pid = process.processIdentifier
        let stdoutHandle = output.fileHandleForReading
        let stderrHandle = errors.fileHandleForReading
        async let stdout = drain(stdoutHandle, keepHead: Limits.payloadBytesMax)
        async let stderr = drain(stderrHandle, keepTail: Limits.execStderrTailMax)
        let (status, reason) = await withTaskCancellationHandler {
            await exit.wait()
        } onCancel: {
            guard !exit.hasExited else { return }
            kill(-pid, SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + ExecActivity.terminationGracePeriod) {
                if !exit.hasExited { kill(-pid, SIGKILL) }
            }
        }
        let (out, err) = await (stdout, stderr)
        try Task.checkCancellation()
        return Outcome(
            status: status, terminationReason: reason, stdout: out.bytes, stdoutTruncated: out.total > out.bytes.count,
            stderrTail: err.bytes)
    }

    /// Reads `handle` to EOF on a Dispatch thread (blocking reads), keeping the first `keepHead` or
    /// the last `keepTail` bytes and counting the rest.
    static func drain(_ handle: FileHandle, keepHead: Int? = nil, keepTail: Int? = nil) async -> (bytes: [UInt8], total: Int) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var kept: [UInt8] = []
                var total = 0
                while let chunk = try? handle.read(upToCount: 65_536), !chunk.isEmpty {
                    total += chunk.count
                    if let keepHead {
                        if kept.count <= keepHead { kept.append(contentsOf: chunk.prefix(keepHead + 1 - kept.count)) }
                    } else {
                        kept.append(contentsOf: chunk)
                        if let keepTail, kept.count > keepTail { kept.removeFirst(kept.count - keepTail) }
                    }
                }
                try? handle.close()
                if let keepHead, kept.count > keepHead { kept.removeLast(kept.count - keepHead) }
                continuation.resume(returning: (kept, total))
            }
        }
    }
}
