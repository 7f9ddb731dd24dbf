import Foundation
import Synchronization
import SystemIO

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program in a process group of its own, with the default signal mask and dispositions, and
/// ends the whole group when the task is cancelled: SIGTERM, then SIGKILL after a grace period.
///
/// Not Foundation's `Process`: it cannot reset the signal mask, so a program started from a thread
/// that blocks SIGTERM would ignore the SIGTERM of a timeout; and on Linux it learns of the exit
/// through a socket the child inherits, which a grandchild can keep open.
enum ProcessGroupRunner {
    /// How the program ended and what it wrote.
    struct Outcome: Sendable {
        /// The exit status, or the signal number when `exited` is false.
        var status: Int32
        /// Whether the program exited (rather than being killed by a signal).
        var exited: Bool
        /// The first `stdoutLimit` bytes of stdout.
        var stdout: [UInt8]
        /// Whether stdout was longer than `stdoutLimit`.
        var stdoutTruncated: Bool
        /// The last `stderrLimit` bytes of stderr.
        var stderrTail: [UInt8]
    }

    /// The program could not be started; `code` is the `errno` of `posix_spawn` or `pipe2`.
    struct LaunchFailure: Error, Sendable {
        var code: Int32
    }

    /// One program to run.
    struct Command: Sendable {
        /// A path to the executable.
        var executable: String
        var arguments: [String]
        /// Exactly the child's environment.
        var environment: [String: String]
        var workingDirectory: String?
        /// Written to the program's stdin before it starts, so it must fit in the pipe buffer.
        var stdin: [UInt8]
    }

    /// Input up to this size is written before the program starts (``SystemIO/ProgramLaunch``).
    static let stdinBytesMax = ProgramLaunch.stdinBytesMax

    /// Runs `command` and returns once the program has exited and every holder of its stdout and stderr
    /// has closed them. Cancelling the task ends the program's process group (see ``ProcessGroup``)
    /// and throws `CancellationError` once the program is reaped.
    static func run(
        _ command: Command, stdoutLimit: Int, stderrLimit: Int, gracePeriod: Duration
    ) async throws -> Outcome {
        precondition(command.stdin.count <= stdinBytesMax, "stdin must fit in the pipe buffer")
        let (group, stdoutRead, stderrRead) = try launch(command)
        // Opens when both outputs reach end of file, or when the grace period of a cancellation ends.
        let settled = Latch(count: 2)
        let stdout = PipeReader(stdoutRead, keep: .head(stdoutLimit)) { settled.countDown() }
        let stderr = PipeReader(stderrRead, keep: .tail(stderrLimit)) { settled.countDown() }
        await withTaskCancellationHandler {
            await group.leaderExited()
            await settled.wait()
        } onCancel: {
            group.terminate(gracePeriod: gracePeriod) { settled.open() }
        }
        // Members that outlived the leader and closed our pipes early are ended too, while the unreaped
        // leader still reserves the group id.
        if group.isTerminating { group.signal(SIGKILL) }
        let status = group.reapLeader()
        // The readers finish by themselves once the pipes close; a cancelled run does not wait for them.
        try Task.checkCancellation()
        let (out, outTotal) = stdout.result ?? ([], 0)
        let (err, _) = stderr.result ?? ([], 0)
        let signal = status & 0x7f
        return Outcome(
            status: signal == 0 ? (status >> 8) & 0xff : signal, exited: signal == 0, stdout: out,
            stdoutTruncated: outTotal > out.count, stderrTail: err)
    }

    /// Starts the program in a process group of its own (``SystemIO/ProgramLaunch``); returns the group
    /// and the read ends of stdout and stderr.
    private static func launch(_ command: Command) throws -> (ProcessGroup, Int32, Int32) {
        let program = ProgramLaunch.Program(
            executable: command.executable, arguments: command.arguments, environment: command.environment,
            workingDirectory: command.workingDirectory, stdin: command.stdin)
        do {
            let started = try ProgramLaunch.start(program, newProcessGroup: true)
            return (ProcessGroup(leader: started.pid), started.stdout, started.stderr)
        } catch let error as SystemError {
            throw LaunchFailure(code: error.errno ?? EIO)
        }
    }
}

/// A spawned program's process group, whose id is the leader's pid.
///
/// Its blocking waits run on threads of their own, not on Dispatch's shared pool: a pool whose few
/// threads are all blocked elsewhere would delay the exit, the output and the SIGKILL.
///
/// The leader is left a zombie when it exits (`WNOWAIT`) and reaped only by ``reapLeader()``: until
/// then its pid, and so the group id, cannot be reused, and a signal to the group reaches our
/// processes and no others. Signals are sent under the same lock that marks the leader reaped.
final class ProcessGroup: Sendable {
    let leader: pid_t
    private struct State {
        var reaped = false
        var terminating = false
    }
    private let state = Mutex(State())

    init(leader: pid_t) {
        self.leader = leader
    }

    /// Whether ``terminate(gracePeriod:then:)`` has been called.
    var isTerminating: Bool { state.withLock { $0.terminating } }

    /// Returns once the leader has exited, without reaping it (a thread of its own blocks in `waitid`).
    func leaderExited() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                var info = siginfo_t()
                while waitid(P_PID, id_t(self.leader), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
                continuation.resume()
            }
        }
    }

    /// Sends `signal` to every process of the group, unless the leader has been reaped.
    func signal(_ signal: Int32) {
        state.withLock { state in
            if !state.reaped { kill(-leader, signal) }
        }
    }

    /// SIGTERM to the group now; SIGKILL to whatever is left of it after `gracePeriod`, then `then`.
    func terminate(gracePeriod: Duration, then: @escaping @Sendable () -> Void) {
        state.withLock { state in
            state.terminating = true
            if !state.reaped { kill(-leader, SIGTERM) }
        }
        let (seconds, attoseconds) = gracePeriod.components
        Thread.detachNewThread {
            // The grace period is the wait the termination sequence consists of.
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
            self.signal(SIGKILL)
            then()
        }
    }

    /// Reaps the exited leader and returns its wait status; the group id is no longer ours afterwards.
    func reapLeader() -> Int32 {
        state.withLock { state in
            var status: Int32 = 0
            while waitpid(leader, &status, 0) < 0 && errno == EINTR {}
            state.reaped = true
            return status
        }
    }
}

/// Reads a pipe to end of file on a thread of its own (the reads block), keeping its first or last
/// bytes and counting all of them, then closes it and calls `done`.
final class PipeReader: Sendable {
    enum Keep: Sendable {
        /// The first n bytes (n + 1 are read to tell that there were more).
        case head(Int)
        /// The last n bytes.
        case tail(Int)
    }

    private let collected = Mutex<(bytes: [UInt8], total: Int)?>(nil)

    init(_ descriptor: Int32, keep: Keep, done: @escaping @Sendable () -> Void) {
        Thread.detachNewThread {
            var kept: [UInt8] = []
            var total = 0
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                total += count
                switch keep {
                case .head(let limit):
                    if kept.count < limit { kept.append(contentsOf: buffer[0..<min(count, limit - kept.count)]) }
                case .tail(let limit):
                    kept.append(contentsOf: buffer[0..<count])
                    if kept.count > limit { kept.removeFirst(kept.count - limit) }
                }
            }
            close(descriptor)
            self.collected.withLock { $0 = (kept, total) }
            done()
        }
    }

    /// What was read and how many bytes there were in all; nil until end of file.
    var result: (bytes: [UInt8], total: Int)? { collected.withLock { $0 } }
}

/// Opens after `count` calls of ``countDown()`` or one of ``open()``; ``wait()`` returns once it is open.
final class Latch: Sendable {
    private struct State {
        var remaining: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(remaining: count))
    }

    func countDown() { release { $0.remaining -= 1 } }

    func open() { release { $0.remaining = 0 } }

    private func release(_ change: (inout State) -> Void) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            change(&state)
            guard state.remaining <= 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state -> Bool in
                if state.remaining <= 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if isOpen { continuation.resume() }
        }
    }
}
