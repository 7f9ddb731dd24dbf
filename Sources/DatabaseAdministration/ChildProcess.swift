import Dispatch
import Synchronization
import SystemIO

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program to completion with `posix_spawn`: small input written up front, stdout and stderr
/// read concurrently (so a chatty child cannot fill one pipe while we wait on the other), and the exit
/// awaited by a thread blocked in `waitid` rather than by polling.
///
/// Not Foundation's `Process`: on Linux it learns that a child exited through a socket the child
/// inherits, so a daemon started by the child (`pg_ctl start` leaves a server running) keeps that
/// socket open and the exit is never reported. Here every descriptor but stdin, stdout and stderr is
/// closed in the child, and the exit is observed on the pid itself.
package enum ChildProcess {
    /// How a finished child ended and what it wrote.
    package struct Outcome: Sendable {
        /// The exit status, or the signal number when `exited` is false.
        package var status: Int32
        /// Whether the child exited (rather than being killed by a signal).
        package var exited: Bool
        /// Everything written to stdout.
        package var stdout: [UInt8]
        /// The last ``ChildProcess/stderrTailBytes`` bytes written to stderr.
        package var stderr: [UInt8]

        /// Whether the child exited with status 0.
        package var succeeded: Bool { exited && status == 0 }
    }

    /// Why a child could not be started.
    package struct LaunchFailure: Error, CustomStringConvertible {
        /// The executable that was tried.
        package var executable: String
        /// The `errno` value `posix_spawn` or a pipe reported.
        package var code: Int32

        package var description: String { "\(executable) could not be started: \(String(cString: strerror(code)))" }
    }

    /// stdin is written before the child starts, into the pipe's buffer (64 KiB on Linux), so the write
    /// can neither block nor raise SIGPIPE; larger input would need a writer running alongside.
    static let stdinBytesMax = 60_000
    /// How much of stderr is kept: enough for any psql error, bounded against a runaway child.
    static let stderrTailBytes = 65_536

    /// Runs `executable` (a path) with `arguments` and exactly `environment`, feeding it `stdin`, and
    /// returns once it has exited and both output pipes are at end of file. Cancelling the task sends
    /// the child SIGTERM.
    package static func run(
        executable: String, arguments: [String], environment: [String: String], stdin: [UInt8] = [],
        workingDirectory: String? = nil
    ) async throws -> Outcome {
        precondition(stdin.count <= stdinBytesMax, "stdin must fit in the pipe buffer")
        let started: ProgramLaunch.Started
        do {
            let program = ProgramLaunch.Program(
                executable: executable, arguments: arguments, environment: environment, workingDirectory: workingDirectory,
                stdin: stdin)
            started = try ProgramLaunch.start(program, newProcessGroup: false)
        } catch let error as SystemError {
            throw LaunchFailure(executable: executable, code: error.errno ?? EIO)
        }

        let child = Child(pid: started.pid)
        async let stdout = drain(started.stdout, keepTail: nil)
        async let stderr = drain(started.stderr, keepTail: stderrTailBytes)
        let status = await withTaskCancellationHandler {
            await child.waitForExit()
        } onCancel: {
            child.terminate()
        }
        let (out, err) = await (stdout, stderr)
        try Task.checkCancellation()
        // The wait status: the low 7 bits hold the terminating signal, or 0 and the exit code above them.
        let signal = status & 0x7f
        return Outcome(status: signal == 0 ? (status >> 8) & 0xff : signal, exited: signal == 0, stdout: out, stderr: err)
    }

    /// Reads `descriptor` to end of file on a Dispatch thread (the reads block), keeping everything or
    /// only the last `keepTail` bytes, then closes it.
    private static func drain(_ descriptor: Int32, keepTail: Int?) async -> [UInt8] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var kept: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { break }
                    kept.append(contentsOf: buffer[0..<count])
                    if let keepTail, kept.count > keepTail { kept.removeFirst(kept.count - keepTail) }
                }
                close(descriptor)
                continuation.resume(returning: kept)
            }
        }
    }

    /// A spawned child: waited for on a Dispatch thread, and signalled only while it is certain the
    /// pid is still ours.
    private final class Child: Sendable {
        let pid: pid_t
        /// Set once the child has exited; until the child is reaped its pid cannot be reused, so a
        /// signal sent under this lock while it is false reaches our child and no other process.
        private let exited = Mutex(false)

        init(pid: pid_t) {
            self.pid = pid
        }

        /// Blocks a Dispatch thread until the child exits, then reaps it and returns its wait status.
        func waitForExit() async -> Int32 {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    // WNOWAIT leaves the child a zombie: its pid stays reserved until it is marked exited.
                    var info = siginfo_t()
                    while waitid(P_PID, id_t(self.pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
                    self.exited.withLock { $0 = true }
                    var status: Int32 = 0
                    while waitpid(self.pid, &status, 0) < 0 && errno == EINTR {}
                    continuation.resume(returning: status)
                }
            }
        }

        /// Asks the child to stop (SIGTERM) unless it has already exited.
        func terminate() {
            exited.withLock { exited in
                if !exited { kill(pid, SIGTERM) }
            }
        }
    }
}
