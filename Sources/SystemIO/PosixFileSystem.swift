import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// ``DurableFileSystem`` on the real disk, through thin POSIX wrappers.
///
/// Every call retries `EINTR`, loops on short writes, opens with `O_CLOEXEC`, creates files with
/// mode 0600 and directories with mode 0700 whatever the process umask (it sets the mode again with
/// `fchmod`/`chmod` after creating), and maps `errno` to ``SystemError/Code``. The
/// durability steps follow the Linux `fsync(2)` rule that a new name is durable only after its
/// directory is fsynced; on Darwin, `fcntl(F_FULLFSYNC)` replaces `fsync` on files.
public struct PosixFileSystem: DurableFileSystem {
    /// A file system on the real disk.
    public init() {}

    /// `open(O_RDONLY)` + `read` until end of file.
    public func readFile(at path: String) throws -> [UInt8] {
        let fd = try Posix.open(path, O_RDONLY)
        defer { Posix.close(fd) }
        return try Posix.readAll(fd, path: path)
    }

    /// `stat`: true when anything (file, directory, …) exists at `path`.
    public func fileExists(at path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// `stat`: true when a directory exists at `path` (following symbolic links).
    public func directoryExists(at path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// `opendir` + `readdir`: the names sorted by their UTF-8 bytes, without `.` and `..`.
    public func listDirectory(at path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw Posix.error("opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw Posix.error("readdir", path) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// `mkdir -p` with mode 0700 (`chmod` after `mkdir`, since the umask applies to `mkdir`); after
    /// each `mkdir` that creates a directory, fsyncs its parent so the new entry survives power loss.
    /// Directories that already exist keep their mode.
    public func createDirectory(at path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            let parent = prefix.isEmpty ? "." : prefix
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o700) == 0 {
                guard chmod(prefix, 0o700) == 0 else { throw Posix.error("chmod", prefix) }
                try Posix.syncDirectory(parent)
                continue
            }
            let code = errno
            guard code == EEXIST else { throw Posix.error("mkdir", prefix, code) }
            var info = stat()
            guard stat(prefix, &info) == 0 else { throw Posix.error("stat", prefix) }
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw SystemError(code: .notADirectory, operation: "mkdir", path: prefix, message: "exists and is not a directory")
            }
        }
    }

    /// Writes `<dir>/.<name>.tmp-<pid>-<n>`, fsyncs it, `link`s it to `path` (refused with
    /// `alreadyExists` when `path` exists), unlinks the temporary and fsyncs the directory.
    public func createFileExclusively(at path: String, contents: [UInt8]) throws {
        let (directory, name) = Posix.split(path)
        let temporary = try Posix.writeTemporary(directory: directory, name: name, contents: contents)
        if link(temporary, path) != 0 {
            let error = Posix.error("link", path)
            unlink(temporary)
            throw error
        }
        if unlink(temporary) != 0 { throw Posix.error("unlink", temporary) }
        try Posix.syncDirectory(directory)
    }

    /// Writes a temporary file, fsyncs it, `rename`s it over `path` and fsyncs the directory.
    public func replaceFile(at path: String, contents: [UInt8]) throws {
        let (directory, name) = Posix.split(path)
        let temporary = try Posix.writeTemporary(directory: directory, name: name, contents: contents)
        if rename(temporary, path) != 0 {
            let error = Posix.error("rename", path)
            unlink(temporary)
            throw error
        }
        try Posix.syncDirectory(directory)
    }

    /// `open(O_WRONLY | O_APPEND)` on an existing file.
    public func openForAppending(at path: String) throws -> any AppendableFile {
        let fd = try Posix.open(path, O_WRONLY | O_APPEND)
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = Posix.error("fstat", path)
            Posix.close(fd)
            throw error
        }
        return PosixAppendableFile(fd: fd, path: path, length: Int(info.st_size))
    }

    /// `ftruncate` then `fsync`.
    public func truncateFile(at path: String, toLength length: Int) throws {
        let fd = try Posix.open(path, O_WRONLY)
        defer { Posix.close(fd) }
        while ftruncate(fd, off_t(length)) != 0 {
            guard errno == EINTR else { throw Posix.error("ftruncate", path) }
        }
        try Posix.syncFile(fd, path: path)
    }

    /// `unlink` then fsync of the directory.
    public func removeFile(at path: String) throws {
        guard unlink(path) == 0 else { throw Posix.error("unlink", path) }
        try Posix.syncDirectory(Posix.split(path).directory)
    }

    /// `open(O_RDWR | O_CREAT)` (mode 0600, also when the file already existed) + `flock(LOCK_EX |
    /// LOCK_NB)` on a descriptor kept open until ``FileLock/release()``. On success the file is
    /// truncated and holds `holderDescription` and a newline (fsynced); on contention the current
    /// holder's text is the error's message.
    ///
    /// `flock` locks belong to the open file description, so a second call in the same process is
    /// refused too, and the kernel drops the lock when the process dies: a stale file never blocks.
    /// Reads Linux's `/proc/locks`, which lists every `flock` with the file's device and inode: asking
    /// the lock itself (even for a shared lock) could make an engine starting at that moment fail.
    public func lockIsHeld(at path: String) -> Bool? {
        var info = stat()
        guard stat(path, &info) == 0 else { return errno == ENOENT ? false : nil }
        guard let bytes = try? readFile(at: "/proc/locks") else { return nil }
        // The kernel names the file MAJOR:MINOR:INODE (hex, hex, decimal); glibc's encoding of st_dev.
        let device = UInt64(info.st_dev)
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
        let minor = (device & 0xff) | ((device >> 12) & ~0xff)
        let file = String(major, radix: 16).leftPadded(to: 2) + ":" + String(minor, radix: 16).leftPadded(to: 2) + ":"
            + String(UInt64(info.st_ino))
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.contains("FLOCK") && fields.contains(Substring(file))
        }
    }

    public func lockFile(at path: String, holderDescription: String) throws -> any FileLock {
        let fd = try Posix.open(path, O_RDWR | O_CREAT)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EWOULDBLOCK {
                let holder = (try? Posix.readAll(fd, path: path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
                Posix.close(fd)
                try Posix.throwLocked(path: path, holder: holder)
            }
            Posix.close(fd)
            throw Posix.error("flock", path, code)
        }
        do {
            while ftruncate(fd, 0) != 0 {
                guard errno == EINTR else { throw Posix.error("ftruncate", path) }
            }
            try Posix.writeAll(fd, Array((holderDescription + "\n").utf8), path: path)
            try Posix.syncFile(fd, path: path)
        } catch {
            Posix.close(fd)  // closing the descriptor releases the lock
            throw error
        }
        return PosixFileLock(fd: fd)
    }
}

extension PosixFileSystem {
    /// Writes and fsyncs the temporaries concurrently, links each into place, then fsyncs each
    /// directory once for all of them: a batch of new histories costs one directory fsync, not one each.
    public func createFilesExclusively(_ files: [(path: String, contents: [UInt8])]) -> [Result<Void, any Error>] {
        Self.placeTemporaries(of: files) { temporary, path in
            guard link(temporary, path) == 0 else {
                let error = Posix.error("link", path)
                unlink(temporary)
                return error
            }
            return unlink(temporary) == 0 ? nil : Posix.error("unlink", temporary)
        }
    }

    /// Writes and fsyncs the temporaries concurrently, `rename`s each over its file, then fsyncs each
    /// directory once for all of them.
    public func replaceFiles(_ files: [(path: String, contents: [UInt8])]) -> [Result<Void, any Error>] {
        Self.placeTemporaries(of: files) { temporary, path in
            guard rename(temporary, path) == 0 else {
                let error = Posix.error("rename", path)
                unlink(temporary)
                return error
            }
            return nil
        }
    }

    /// The batch protocol both of the above share: every file's contents go to an fsynced temporary
    /// beside it (concurrently), `place` puts each temporary at its path (returning its error, if
    /// any), and each directory is fsynced once for all the files placed in it. One result per file.
    private static func placeTemporaries(
        of files: [(path: String, contents: [UInt8])], place: (_ temporary: String, _ path: String) -> (any Error)?
    ) -> [Result<Void, any Error>] {
        let temporaries = Mutex([Result<String, any Error>?](repeating: nil, count: files.count))
        ParallelIO.run(files.count) { index in
            let (directory, name) = Posix.split(files[index].path)
            let result = Result { try Posix.writeTemporary(directory: directory, name: name, contents: files[index].contents) }
            temporaries.withLock { $0[index] = result }
        }
        var results: [Result<Void, any Error>] = []
        var placed: [String: [Int]] = [:]
        for (index, temporary) in temporaries.withLock({ $0 }).enumerated() {
            let path = files[index].path
            switch temporary {
            case .success(let temporary)?:
                if let error = place(temporary, path) {
                    results.append(.failure(error))
                } else {
                    results.append(.success(()))
                    placed[Posix.split(path).directory, default: []].append(index)
                }
            case .failure(let error)?:
                results.append(.failure(error))
            case nil:
                results.append(.failure(Posix.closedError("write", path)))
            }
        }
        for (directory, indices) in placed {
            do {
                try Posix.syncDirectory(directory)
            } catch {
                for index in indices { results[index] = .failure(error) }
            }
        }
        return results
    }

    /// fsyncs the files concurrently (up to ``ParallelIO/width`` at once): on Linux file systems with
    /// a journal, concurrent fsyncs of different files share journal commits, so many files cost little
    /// more than one.
    public func syncAll(_ files: [any AppendableFile]) throws {
        let firstError = Mutex<(any Error)?>(nil)
        ParallelIO.run(files.count) { index in
            do {
                try files[index].sync()
            } catch {
                firstError.withLock { $0 = $0 ?? error }
            }
        }
        if let error = firstError.withLock({ $0 }) { throw error }
    }
}

/// Runs blocking I/O (fsyncs) on a few dedicated threads at once, so they overlap in the kernel.
enum ParallelIO {
    /// Concurrent blocking calls; beyond about this many, concurrent fsyncs stop getting cheaper.
    static let width = 16

    private static let queues = (0..<width).map { DispatchQueue(label: "cairn.parallel-io.\($0)") }

    /// Calls `body(i)` for every `i` in `0..<count` and returns when all have returned; inline for one.
    static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        if count == 1 {
            body(0)
            return
        }
        let group = DispatchGroup()
        for index in 0..<count {
            queues[index % width].async(group: group) { body(index) }
        }
        group.wait()
    }
}

/// An open `O_APPEND` descriptor. The mutex serializes appends so `length` stays exact.
final class PosixAppendableFile: AppendableFile {
    private struct State {
        var fd: Int32?
        var length: Int
    }

    private let path: String
    private let state: Mutex<State>

    init(fd: Int32, path: String, length: Int) {
        self.path = path
        state = Mutex(State(fd: fd, length: length))
    }

    deinit {
        state.withLock { state in
            if let fd = state.fd { Posix.close(fd) }
        }
    }

    var length: Int { state.withLock { $0.length } }

    func append(_ bytes: [UInt8]) throws {
        try state.withLock { state in
            guard let fd = state.fd else { throw Posix.closedError("write", path) }
            var written = 0
            defer { state.length += written }
            try Posix.writeAll(fd, bytes, path: path, written: &written)
        }
    }

    func sync() throws {
        try state.withLock { state in
            guard let fd = state.fd else { throw Posix.closedError("fsync", path) }
            try Posix.syncFile(fd, path: path)
        }
    }

    func close() {
        state.withLock { state in
            if let fd = state.fd { Posix.close(fd) }
            state.fd = nil
        }
    }
}

/// A descriptor holding an `flock`; closing it releases the lock.
final class PosixFileLock: FileLock {
    private let fd: Mutex<Int32?>

    init(fd: Int32) { self.fd = Mutex(fd) }

    deinit { release() }

    func release() {
        fd.withLock { fd in
            guard let descriptor = fd else { return }
            flock(descriptor, LOCK_UN)
            Posix.close(descriptor)
            fd = nil
        }
    }
}

/// The syscall wrappers shared by the types above.
enum Posix {
    /// Makes temporary names unique within the process; the pid makes them unique across processes.
    private static let temporaryCounter = Atomic<UInt64>(0)

    static func error(_ operation: String, _ path: String, _ code: Int32 = errno) -> SystemError {
        SystemError(code: mapErrno(code), operation: operation, path: path, errno: code, message: String(cString: strerror(code)))
    }

    static func closedError(_ operation: String, _ path: String) -> SystemError {
        SystemError(code: .other, operation: operation, path: path, message: "the file was closed")
    }

    static func throwLocked(path: String, holder: String) throws -> Never {
        var text = holder
        while text.last == "\n" { text.removeLast() }
        throw SystemError(code: .wouldBlock, operation: "flock", path: path, errno: EWOULDBLOCK, message: text)
    }

    static func mapErrno(_ code: Int32) -> SystemError.Code {
        switch code {
        case ENOENT: .notFound
        case EEXIST: .alreadyExists
        case EACCES, EPERM, EROFS: .permissionDenied
        case ENOSPC, EDQUOT: .noSpace
        case EIO: .ioError
        case EWOULDBLOCK: .wouldBlock
        case ENOTDIR: .notADirectory
        case EISDIR: .isADirectory
        case ENAMETOOLONG: .tooLong
        default: .other
        }
    }

    /// `open` with `O_CLOEXEC`, retrying `EINTR`. With `O_CREAT`, the file's mode is then set to
    /// 0600 with `fchmod`: `open` applies the umask to a new file's mode and leaves an existing
    /// file's mode alone.
    static func open(_ path: String, _ flags: Int32) throws -> Int32 {
        while true {
            #if canImport(Glibc)
                let fd = Glibc.open(path, flags | O_CLOEXEC, 0o600)
            #else
                let fd = Darwin.open(path, flags | O_CLOEXEC, 0o600)
            #endif
            if fd >= 0 {
                guard flags & O_CREAT != 0 else { return fd }
                while fchmod(fd, 0o600) != 0 {
                    let code = errno
                    if code == EINTR { continue }
                    close(fd)
                    throw error("fchmod", path, code)
                }
                return fd
            }
            if errno != EINTR { throw error("open", path) }
        }
    }

    /// `close`, ignoring errors: Linux releases the descriptor even when close reports one, and
    /// nothing Cairn closes holds unsynced data it relies on (durability comes from fsync).
    static func close(_ fd: Int32) {
        #if canImport(Glibc)
            _ = Glibc.close(fd)
        #else
            _ = Darwin.close(fd)
        #endif
    }

    /// Reads from the current offset to end of file.
    static func readAll(_ fd: Int32, path: String) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                result.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return result
            } else if errno != EINTR {
                throw error("read", path)
            }
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var written = 0
        try writeAll(fd, bytes, path: path, written: &written)
    }

    /// Writes every byte, looping on short writes and `EINTR`; `written` says how far it got, so a
    /// caller can account for a partial write that ended in an error (e.g. `ENOSPC`).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String, written: inout Int) throws {
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                write(fd, raw.baseAddress! + written, raw.count - written)
            }
            if count > 0 {
                written += count
            } else if count == 0 {
                throw SystemError(code: .ioError, operation: "write", path: path, message: "write made no progress")
            } else if errno != EINTR {
                throw error("write", path)
            }
        }
    }

    /// `fsync` (Darwin: `F_FULLFSYNC`, which also flushes the drive's cache). Retries only `EINTR`,
    /// which means the call did not run; any other failure is reported, never retried, because a
    /// second fsync can succeed without the lost data reaching the disk.
    static func syncFile(_ fd: Int32, path: String) throws {
        while true {
            #if canImport(Darwin)
                let result = fcntl(fd, F_FULLFSYNC)
            #else
                let result = fsync(fd)
            #endif
            if result == 0 { return }
            if errno != EINTR { throw error("fsync", path) }
        }
    }

    /// Opens a directory and fsyncs it, making the names created or removed in it durable.
    static func syncDirectory(_ path: String) throws {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        while fsync(fd) != 0 {
            guard errno == EINTR else { throw error("fsync", path) }
        }
    }

    /// Creates a uniquely named sibling of the destination, writes and fsyncs it, and returns its
    /// path. The temporary is removed when anything fails.
    static func writeTemporary(directory: String, name: String, contents: [UInt8]) throws -> String {
        let counter = temporaryCounter.wrappingAdd(1, ordering: .relaxed).newValue
        let temporary = "\(directory)/" + TemporaryName.make(for: name, processId: getpid(), counter: counter)
        let fd = try open(temporary, O_WRONLY | O_CREAT | O_EXCL)
        do {
            try writeAll(fd, contents, path: temporary)
            try syncFile(fd, path: temporary)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        return temporary
    }

    /// The directory (`.` when there is no slash) and the last component of `path`.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }
}

extension String {
    /// The string with zeros before it up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
