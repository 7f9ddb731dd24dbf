import Dispatch
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A named pipe a test program writes lines to (`echo ... > "$FIFO"`), read here without sleeping:
/// `poll` waits for the next line up to a time limit.
///
/// The test holds a write end open too, so the read end never reports end of file between the
/// program's writes (each `echo >` opens and closes the pipe).
final class LineFIFO {
    let path: String
    private let directory: String
    private let reader: Int32
    private let keepOpen: Int32
    private var pending: [UInt8] = []

    init() throws {
        directory = FileManager.default.temporaryDirectory.path + "/cairn-exec-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/lines"
        guard mkfifo(path, 0o600) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        reader = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        keepOpen = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard reader >= 0, keepOpen >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    deinit {
        close(reader)
        close(keepOpen)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The next line written, without its newline; nil (with an issue recorded) when none comes within `limit`.
    func nextLine(within limit: Duration = .seconds(60)) async -> String? {
        let deadline = ContinuousClock.now + limit
        while true {
            if let newline = pending.firstIndex(of: 0x0a) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeFirst(newline + 1)
                return line
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero, await Self.waitReadable(reader, milliseconds: remaining.milliseconds) else {
                Issue.record("no line arrived in \(path) within \(limit)")
                return nil
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress!, $0.count) }
            if count > 0 { pending += buffer[0..<count] }
        }
    }

    private static func waitReadable(_ descriptor: Int32, milliseconds: Int32) async -> Bool {
        await pollReadable(descriptor, milliseconds: milliseconds)
    }
}

/// `poll` for input on a thread of its own, so that neither a task thread nor Dispatch's shared pool
/// (which other tests may keep busy) is blocked or needed; true when `descriptor` became readable.
func pollReadable(_ descriptor: Int32, milliseconds: Int32) async -> Bool {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            var result: Int32
            repeat { result = poll(&entry, 1, milliseconds) } while result < 0 && errno == EINTR
            continuation.resume(returning: result > 0)
        }
    }
}

/// A process that is not our child, watched through a pidfd opened while it runs: the descriptor
/// names that process even if its pid is later reused, and becomes readable when it ends.
final class ProcessWatch {
    let pid: pid_t
    private let descriptor: Int32

    private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    /// glibc 2.36's wrapper; Glibc's Swift module does not declare it.
    private static let pidfdOpen = dlsym(nil, "pidfd_open").map { unsafeBitCast($0, to: PidfdOpen.self) }

    init(_ pid: pid_t) throws {
        self.pid = pid
        guard let pidfdOpen = Self.pidfdOpen else { throw POSIXError(.ENOSYS) }
        descriptor = pidfdOpen(pid, 0)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ESRCH) }
    }

    deinit { close(descriptor) }

    /// Whether the process ended within `limit`.
    func ended(within limit: Duration = .seconds(60)) async -> Bool {
        await pollReadable(descriptor, milliseconds: limit.milliseconds)
    }

    /// No such process, or only a zombie waiting for its new parent (init) to reap it: it runs nothing.
    var isGone: Bool {
        if kill(pid, 0) == -1 && errno == ESRCH { return true }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.range(of: ") ", options: .backwards)
        else { return true }
        return stat[afterName.upperBound...].hasPrefix("Z")
    }
}

extension Duration {
    /// Whole milliseconds, for `poll`.
    var milliseconds: Int32 {
        let (seconds, attoseconds) = components
        return Int32(clamping: seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
    }
}

/// Runs jobs on one thread of its own that blocks SIGTERM, as an engine thread that waits for
/// signals with `sigwait` would; code that spawns a program from here spawns it from a thread with
/// SIGTERM blocked. The thread ends when the executor is released.
final class SIGTERMBlockingExecutor: TaskExecutor, Sendable {
    /// The jobs not yet run; `closed` once the executor is released.
    private final class Queue: Sendable {
        let jobs = Mutex<(waiting: [UnownedJob], closed: Bool)>(([], false))
        let available = DispatchSemaphore(value: 0)
    }
    private let queue = Queue()

    init() {
        let queue = queue
        let executor = asUnownedTaskExecutor()
        Thread.detachNewThread {
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGTERM)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            while true {
                queue.available.wait()
                guard let job = queue.jobs.withLock({ $0.closed ? nil : $0.waiting.removeFirst() }) else { return }
                job.runSynchronously(on: executor)
            }
        }
    }

    deinit {
        queue.jobs.withLock { $0.closed = true }
        queue.available.signal()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.jobs.withLock { $0.waiting.append(job) }
        queue.available.signal()
    }

    /// Whether the calling thread blocks SIGTERM.
    static var currentThreadBlocksSIGTERM: Bool {
        var current = sigset_t()
        pthread_sigmask(SIG_BLOCK, nil, &current)
        return sigismember(&current, SIGTERM) == 1
    }
}
