#if canImport(Glibc)
    import Glibc
#endif

/// Starts a program with `posix_spawn`: its input written up front into a pipe, its stdout and stderr
/// on pipes of their own, every other descriptor closed, the default signal mask and dispositions,
/// and optionally a process group of its own. The caller reads the outputs and waits for the exit.
///
/// Not Foundation's `Process`: it cannot reset the signal mask (a program started from a thread
/// that blocks SIGTERM would ignore the SIGTERM that should end it), and on Linux it learns of the
/// exit through a socket the child inherits, which a daemon the child starts keeps open.
public enum ProgramLaunch {
    /// A started program: its pid and the read ends of its stdout and stderr (close-on-exec; the
    /// caller reads them to end of file and closes them).
    public struct Started: Sendable {
        /// The program's pid (and its process group id when started with a group of its own).
        public var pid: pid_t
        /// The read end of the program's stdout.
        public var stdout: Int32
        /// The read end of the program's stderr.
        public var stderr: Int32
    }

    /// What to start.
    public struct Program: Sendable {
        /// A path to the executable.
        public var executable: String
        /// The arguments after the executable's name.
        public var arguments: [String]
        /// Exactly the program's environment. The copies handed to `posix_spawn` are wiped.
        public var environment: [String: String]
        /// The directory it starts in; nil: ours.
        public var workingDirectory: String?
        /// Written to its stdin before it starts; at most ``stdinBytesMax``.
        public var stdin: [UInt8]

        /// Describes a program to start.
        public init(
            executable: String, arguments: [String], environment: [String: String], workingDirectory: String? = nil,
            stdin: [UInt8] = []
        ) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.workingDirectory = workingDirectory
            self.stdin = stdin
        }
    }

    /// Input up to the pipe buffer (64 KiB on Linux) is written before the program starts, so the
    /// write neither blocks nor raises SIGPIPE; larger input would need a writer running alongside.
    public static let stdinBytesMax = 65_536

    /// Starts `program`, in a process group of its own (whose id is its pid) when `newProcessGroup`.
    /// - Throws: ``SystemError`` with the `errno` of `pipe2` or `posix_spawn` (`ENOSYS` with a glibc
    ///   older than 2.34, which lacks the spawn extensions used).
    public static func start(_ program: Program, newProcessGroup: Bool) throws -> Started {
        precondition(program.stdin.count <= stdinBytesMax, "stdin must fit in the pipe buffer")
        var opened: [Int32] = []
        func pipe() throws -> (read: Int32, write: Int32) {
            var ends: [Int32] = [-1, -1]
            guard let pipe2 = GNU.pipe2 else { throw failure(ENOSYS, program) }
            // Close-on-exec: a program started concurrently for another caller must not inherit these,
            // or our reads would wait for its end of file too.
            guard pipe2(&ends, O_CLOEXEC) == 0 else { throw failure(errno, program) }
            opened += ends
            return (ends[0], ends[1])
        }
        let input: (read: Int32, write: Int32)
        let output: (read: Int32, write: Int32)
        let errors: (read: Int32, write: Int32)
        do {
            (input, output, errors) = (try pipe(), try pipe(), try pipe())
        } catch {
            for descriptor in opened { close(descriptor) }
            throw error
        }
        writeAll(input.write, program.stdin)
        close(input.write)
        let code = spawn(program, newProcessGroup: newProcessGroup, stdin: input.read, stdout: output.write, stderr: errors.write)
        for descriptor in [input.read, output.write, errors.write] { close(descriptor) }
        switch code {
        case .success(let pid):
            return Started(pid: pid, stdout: output.read, stderr: errors.read)
        case .failure(let spawnError):
            for descriptor in [output.read, errors.read] { close(descriptor) }
            throw failure(spawnError.code, program)
        }
    }

    private static func failure(_ code: Int32, _ program: Program) -> SystemError {
        Posix.error("posix_spawn", program.executable, code)
    }

    /// `posix_spawn` with the three pipes as stdin, stdout and stderr, every other descriptor closed,
    /// an empty signal mask and every signal at its default disposition (the Swift runtime ignores
    /// SIGPIPE and the engine's threads may block SIGTERM; a child inherits both unless told otherwise).
    private static func spawn(
        _ program: Program, newProcessGroup: Bool, stdin: Int32, stdout: Int32, stderr: Int32
    ) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        guard let addCloseFrom = GNU.addCloseFrom, let addChdir = GNU.addChdir else { return .failure(SpawnError(ENOSYS)) }
        var code = addCloseFrom(&actions, 3)
        if code == 0, let directory = program.workingDirectory { code = addChdir(&actions, directory) }
        guard code == 0 else { return .failure(SpawnError(code)) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([program.executable] + program.arguments).map { strdup($0) } + [nil]
        let envp = program.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            // The environment may hold a secret: wipe the copies before freeing them.
            for pointer in argv + envp {
                guard let pointer else { continue }
                memset(pointer, 0, strlen(pointer))
                free(pointer)
            }
        }
        var pid: pid_t = 0
        code = posix_spawn(&pid, program.executable, &actions, &attributes, argv, envp)
        return code == 0 ? .success(pid) : .failure(SpawnError(code))
    }

    private struct SpawnError: Error {
        let code: Int32
        init(_ code: Int32) { self.code = code }
    }

    /// Writes all of `bytes`, retrying after interruptions; on another error the program sees its
    /// input end early and fails in its own words.
    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if !(written < 0 && errno == EINTR) {
                    return
                }
            }
        }
    }

    /// GNU extensions (glibc 2.34 or later) that Glibc's Swift module hides (it is built without
    /// `_GNU_SOURCE`); looked up by name, nil with an older glibc, where launches fail with ENOSYS.
    private enum GNU {
        typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

        static let pipe2: Pipe2? = symbol("pipe2")
        static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
        static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")

        /// The C function `name` in the process's libraries (RTLD_DEFAULT is the null handle on glibc).
        private static func symbol<Function>(_ name: String) -> Function? {
            dlsym(nil, name).map { unsafeBitCast($0, to: Function.self) }
        }
    }
}
