import Dispatch
import Synchronization

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
        // Close-on-exec everywhere: a child started concurrently for another caller must not inherit
        // these, or our reads would wait for its end of file too.
        let input = try makePipe(executable)
        let output: (read: Int32, write: Int32)
        let errors: (read: Int32, write: Int32)
        do {
            output = try makePipe(executable)
        } catch {
            closeAll(input.read, input.write)
            throw error
        }
        do {
            errors = try makePipe(executable)
        } catch {
            closeAll(input.read, input.write, output.read, output.write)
            throw error
        }
        if !stdin.isEmpty { writeAll(input.write, stdin) }
        close(input.write)

        let spawned = spawn(
            executable: executable, arguments: arguments, environment: environment, workingDirectory: workingDirectory,
            stdin: input.read, stdout: output.write, stderr: errors.write)
        closeAll(input.read, output.write, errors.write)
        let pid: pid_t
        switch spawned {
        case .success(let child): pid = child
        case .failure(let code):
            closeAll(output.read, errors.read)
            throw LaunchFailure(executable: executable, code: code)
        }

        let child = Child(pid: pid)
        async let stdout = drain(output.read, keepTail: nil)
        async let stderr = drain(errors.read, keepTail: stderrTailBytes)
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

    private enum SpawnResult {
        case success(pid_t)
        case failure(Int32)
    }

    /// `posix_spawn` with the three pipes as stdin, stdout and stderr, every other descriptor closed,
    /// and default signal handling (the Swift runtime ignores SIGPIPE, which the child would inherit).
    private static func spawn(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String?,
        stdin: Int32, stdout: Int32, stderr: Int32
    ) -> SpawnResult {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        guard let addCloseFrom = GNU.addCloseFrom, let addChdir = GNU.addChdir else { return .failure(ENOSYS) }
        var code = addCloseFrom(&actions, 3)
        guard code == 0 else { return .failure(code) }
        if let workingDirectory {
            code = addChdir(&actions, workingDirectory)
            guard code == 0 else { return .failure(code) }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            // The environment may hold a password: wipe the copies before freeing them.
            for pointer in argv + envp {
                guard let pointer else { continue }
                memset(pointer, 0, strlen(pointer))
                free(pointer)
            }
        }
        var pid: pid_t = 0
        code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        return code == 0 ? .success(pid) : .failure(code)
    }

    /// A pipe whose two ends are close-on-exec.
    private static func makePipe(_ executable: String) throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [-1, -1]
        guard let pipe2 = GNU.pipe2 else { throw LaunchFailure(executable: executable, code: ENOSYS) }
        guard pipe2(&descriptors, O_CLOEXEC) == 0 else { throw LaunchFailure(executable: executable, code: errno) }
        return (descriptors[0], descriptors[1])
    }

    private static func closeAll(_ descriptors: Int32...) {
        for descriptor in descriptors { close(descriptor) }
    }

    /// Writes all of `bytes` to `descriptor`, retrying after interruptions; gives up on other errors
    /// (the child then sees its input end early, and fails in its own words).
    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
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

    /// The GNU extensions this needs (glibc 2.34 or later). Glibc's Swift module is built without
    /// `_GNU_SOURCE`, which hides their declarations, so they are looked up by name; the functions
    /// themselves are plain C.
    private enum GNU {
        typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

        static let pipe2: Pipe2? = symbol("pipe2")
        static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
        static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")

        /// The C function `name` in the process's libraries (RTLD_DEFAULT is the null handle on glibc);
        /// nil with an older glibc, where launches then fail with ENOSYS.
        private static func symbol<Function>(_ name: String) -> Function? {
            dlsym(nil, name).map { unsafeBitCast($0, to: Function.self) }
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
