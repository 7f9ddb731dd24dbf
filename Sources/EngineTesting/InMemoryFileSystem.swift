import HistoryTesting
import Synchronization
public import SystemIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A deterministic, in-memory ``DurableFileSystem`` that models durability exactly and injects
/// faults, so recovery code is tested against every crash point instead of the lucky ones.
///
/// **The model.** Every file (inode) has *visible* bytes (what reads return) and *durable* bytes
/// (what survives power loss); bytes written but not yet fsynced are *pending*. Directory entries
/// are modelled the same way: a new, renamed or removed name is durable only after its directory is
/// fsynced (Linux `fsync(2)`). `createFileExclusively`, `replaceFile`, `removeFile` and
/// `createDirectory` perform that fsync themselves, as ``PosixFileSystem`` does, and are broken into
/// the same primitive steps (create temporary, write, fsync, link or rename, unlink, fsync
/// directory), each of which is one entry of ``operationLog`` and one step for ``crashAfter(operations:)``.
///
/// **A failed fsync** (``failNextSync(count:)``) behaves like Linux ext4 after a writeback error: the
/// pending bytes stay visible but the kernel has marked their pages clean, so they never reach the
/// disk. A later fsync that succeeds does not save them: after a power loss that range reads as
/// zeros (or as the old bytes). This is why a caller must stop, not retry, after a failed fsync.
///
/// **Crashes.** ``crash(mode:)`` simulates losing the process (and, for the power-loss modes, the
/// page cache); afterwards the file system keeps working, handles and locks from before the crash
/// throw ``SimulatedCrash`` or are released, and the next "process" reopens files.
///
/// All methods are thread-safe; state lives behind one `Mutex`.
public final class InMemoryFileSystem: DurableFileSystem, Sendable {
    /// What a simulated crash loses.
    public enum CrashMode: Sendable, Hashable {
        /// Only the process dies (kill -9): the OS keeps its page cache, so every written byte survives.
        case processKill
        /// Power loss: every file reverts to its durable bytes; directory entries never fsynced vanish.
        case dropUnsynced
        /// Power loss with torn writes: like ``dropUnsynced``, but for each file a random prefix of its
        /// pending bytes survives, and the last surviving 512-byte sector may read as zeros (the size
        /// reached the disk, the data did not). Determined by `seed`.
        case tornTail(seed: UInt64)
    }

    /// One primitive, mutating file-system step, as recorded in ``operationLog``.
    public enum Operation: Sendable, Hashable, CustomStringConvertible {
        /// `mkdir`.
        case makeDirectory(String)
        /// `fsync` of a directory.
        case syncDirectory(String)
        /// `open(O_CREAT | O_EXCL)`.
        case createFile(String)
        /// `write` of `byteCount` bytes at the end of the file.
        case write(String, byteCount: Int)
        /// `fsync` of a file.
        case syncFile(String)
        /// `link(from, to)`.
        case link(String, to: String)
        /// `rename(from, to)`.
        case rename(String, to: String)
        /// `unlink`.
        case unlink(String)
        /// `ftruncate`.
        case truncate(String, length: Int)
        /// Taking a lock and writing the holder into the lock file.
        case lock(String)

        /// The step as in a syscall trace, e.g. `fsync /state/executions/a.history`.
        public var description: String {
            switch self {
            case .makeDirectory(let path): "mkdir \(path)"
            case .syncDirectory(let path): "fsync-dir \(path)"
            case .createFile(let path): "create \(path)"
            case .write(let path, let count): "write \(path) \(count)"
            case .syncFile(let path): "fsync \(path)"
            case .link(let from, let to): "link \(from) \(to)"
            case .rename(let from, let to): "rename \(from) \(to)"
            case .unlink(let path): "unlink \(path)"
            case .truncate(let path, let length): "truncate \(path) \(length)"
            case .lock(let path): "lock \(path)"
            }
        }
    }

    private enum Entry: Hashable {
        case file(Int)
        case directory
    }

    private struct Inode {
        var visible: [UInt8] = []
        var durable: [UInt8] = []
        /// Ranges whose fsync failed: visible, but never written to the disk.
        var lost: [Range<Int>] = []
        /// Whether `durable` is exactly the first `durable.count` visible bytes: then an fsync only
        /// appends what was written since, instead of copying the whole file (which made appending
        /// to a long history quadratic in tests).
        var durableIsPrefix = true
    }

    private struct Directory {
        var visible: [String: Entry] = [:]
        var durable: [String: Entry] = [:]
    }

    private struct State {
        var inodes: [Int: Inode] = [:]
        var nextInode = 1
        /// Keyed by normalized absolute path; "/" always exists and is durable.
        var directories: [String: Directory] = ["/": Directory()]
        /// Bumped by every crash; handles from an older generation are dead.
        var generation: UInt64 = 0
        var locks: [String: UInt64] = [:]
        var nextLockToken: UInt64 = 0
        var random: SeededRandom
        var syncFailuresPending = 0
        var noSpaceBudget: Int?
        var writeErrorsPending = 0
        var crashCountdown: Int?
        var isCrashed = false
        var log: [Operation] = []
        var syncCount = 0
        var temporaryCounter = 0
    }

    private let state: Mutex<State>

    /// An empty file system (only `/`); `seed` drives every random choice it makes.
    public init(seed: UInt64 = 0) {
        state = Mutex(State(random: SeededRandom(seed: seed)))
    }

    // MARK: Fault injection

    /// The next `count` fsyncs (of files or directories) fail with `ioError`; their pending bytes
    /// are then lost for good (see the type's documentation).
    public func failNextSync(count: Int = 1) {
        state.withLock { $0.syncFailuresPending += count }
    }

    /// From now on, writes fail with `noSpace` once `bytes` more bytes have been written; the write
    /// that crosses the budget stores the bytes that fit (a partial write) before failing. Lasts
    /// until ``clearFaults()``.
    public func failWritesWithNoSpace(after bytes: Int) {
        state.withLock { $0.noSpaceBudget = max(0, bytes) }
    }

    /// The next `count` writes happen (their bytes are pending) but report `ioError`: the ambiguous
    /// "did it commit?" case.
    public func reportErrorAfterWrite(count: Int = 1) {
        state.withLock { $0.writeErrorsPending += count }
    }

    /// Removes every scheduled fault (sync failures, the space budget, write errors, a pending
    /// ``crashAfter(operations:)``): the operator "fixed the disk".
    public func clearFaults() {
        state.withLock { state in
            state.syncFailuresPending = 0
            state.noSpaceBudget = nil
            state.writeErrorsPending = 0
            state.crashCountdown = nil
        }
    }

    /// Simulates a crash now: applies `mode`, kills open handles and releases locks. The file
    /// system stays usable, as for the next process after a reboot.
    public func crash(mode: CrashMode) {
        state.withLock { state in Self.applyCrash(mode, &state) }
    }

    /// The `operations`-th mutating step from now (1 = the next one) throws ``SimulatedCrash``,
    /// either before or after it takes effect (chosen by the seeded generator); from then on every
    /// call throws until ``restart(mode:)``.
    public func crashAfter(operations: Int) {
        precondition(operations >= 1, "crashAfter(operations:) counts from 1")
        state.withLock { $0.crashCountdown = operations }
    }

    /// Whether a ``crashAfter(operations:)`` crash has happened and ``restart(mode:)`` is awaited.
    public var isCrashed: Bool { state.withLock { $0.isCrashed } }

    /// Ends the crashed state: applies `mode` (power loss by default) and lets the next process in.
    public func restart(mode: CrashMode = .dropUnsynced) {
        state.withLock { state in Self.applyCrash(mode, &state) }
    }

    // MARK: Introspection

    /// What `path` would hold after a power loss now (`nil` if the file would not exist): its
    /// durable bytes, if every directory entry leading to it is durable.
    public func durableContents(of path: String) -> [UInt8]? {
        state.withLock { state in
            var directory = "/"
            let components = Self.components(of: path)
            guard !components.isEmpty else { return nil }
            for (index, name) in components.enumerated() {
                guard let entry = state.directories[directory]?.durable[name] else { return nil }
                switch entry {
                case .directory where index < components.count - 1:
                    directory = Self.join(directory, name)
                case .file(let id) where index == components.count - 1:
                    return state.inodes[id]?.durable
                default:
                    return nil
                }
            }
            return nil
        }
    }

    /// What a read of `path` returns now, or `nil` if there is no file there.
    public func visibleContents(of path: String) -> [UInt8]? {
        state.withLock { state in
            guard case .file(let id)? = Self.entry(Self.normalize(path), state) else { return nil }
            return state.inodes[id]?.visible
        }
    }

    /// Overwrites `path` with `bytes`, visible and durable at once, creating it if needed (its
    /// directory must exist). Models damage to the medium or a file copied in by hand; it is not
    /// an operation, so it is neither logged nor counted for crashes.
    public func setContents(of path: String, to bytes: [UInt8]) {
        state.withLock { state in
            let path = Self.normalize(path)
            let (parent, name) = Self.split(path)
            precondition(state.directories[parent] != nil, "setContents: no directory \(parent)")
            let id: Int
            if case .file(let existing)? = state.directories[parent]?.visible[name] {
                id = existing
            } else {
                id = state.nextInode
                state.nextInode += 1
                state.directories[parent]?.visible[name] = .file(id)
                state.directories[parent]?.durable[name] = .file(id)
            }
            state.inodes[id] = Inode(visible: bytes, durable: bytes)
        }
    }

    /// Every file a read would find now, by path, sorted by path (for tests that search all contents).
    public var allFiles: [(path: String, contents: [UInt8])] {
        state.withLock { state in
            var files: [(path: String, contents: [UInt8])] = []
            for (directory, entries) in state.directories {
                for (name, entry) in entries.visible {
                    if case .file(let id) = entry, let inode = state.inodes[id] {
                        files.append((directory == "/" ? "/" + name : directory + "/" + name, inode.visible))
                    }
                }
            }
            return files.sorted { $0.path < $1.path }
        }
    }

    /// Every mutating step performed so far, in order.
    public var operationLog: [Operation] { state.withLock { $0.log } }

    /// How many fsyncs (files and directories) have succeeded.
    public var syncCount: Int { state.withLock { $0.syncCount } }

    // MARK: DurableFileSystem

    /// The visible bytes of the file.
    public func readFile(at path: String) throws -> [UInt8] {
        try state.withLock { state in
            try Self.checkAlive(state)
            let id = try Self.fileId(Self.normalize(path), state, operation: "open")
            return state.inodes[id]?.visible ?? []
        }
    }

    /// Whether a visible entry exists at `path`.
    public func fileExists(at path: String) -> Bool {
        state.withLock { state in Self.entry(Self.normalize(path), state) != nil }
    }

    /// Whether a visible directory exists at `path`.
    public func directoryExists(at path: String) -> Bool {
        state.withLock { state in Self.entry(Self.normalize(path), state) == .directory }
    }

    /// The visible names, sorted by their UTF-8 bytes.
    public func listDirectory(at path: String) throws -> [String] {
        try state.withLock { state in
            try Self.checkAlive(state)
            let path = Self.normalize(path)
            guard let directory = state.directories[path] else {
                if Self.entry(path, state) != nil { throw Self.error(.notADirectory, "opendir", path) }
                throw Self.error(.notFound, "opendir", path)
            }
            return directory.visible.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
    }

    /// `mkdir -p`: each new directory is one step, followed by an fsync of its parent.
    public func createDirectory(at path: String) throws {
        try state.withLock { state in
            try Self.checkAlive(state)
            var current = "/"
            for name in Self.components(of: path) {
                let child = Self.join(current, name)
                switch state.directories[current]?.visible[name] {
                case .directory?:
                    break
                case .file?:
                    throw Self.error(.notADirectory, "mkdir", child)
                case nil:
                    let parent = current
                    try Self.step(.makeDirectory(child), &state) { state in
                        state.directories[parent]?.visible[name] = .directory
                        state.directories[child] = Directory()
                    }
                    try Self.syncDirectory(parent, &state)
                }
                current = child
            }
        }
    }

    /// Create temporary, write, fsync, link (refused with `alreadyExists`), unlink temporary, fsync directory.
    public func createFileExclusively(at path: String, contents: [UInt8]) throws {
        try state.withLock { state in
            try Self.checkAlive(state)
            let path = Self.normalize(path)
            let (parent, _) = Self.split(path)
            let temporary = try Self.writeTemporary(for: path, contents: contents, &state)
            do {
                try Self.step(.link(temporary, to: path), &state) { state in
                    let (_, name) = Self.split(path)
                    if state.directories[parent]?.visible[name] != nil {
                        throw Self.error(.alreadyExists, "link", path)
                    }
                    let id = try Self.fileId(temporary, state, operation: "link")
                    state.directories[parent]?.visible[name] = .file(id)
                }
            } catch {
                try? Self.unlink(temporary, &state)
                throw error
            }
            try Self.unlink(temporary, &state)
            try Self.syncDirectory(parent, &state)
        }
    }

    /// Create temporary, write, fsync, rename over `path`, fsync directory.
    public func replaceFile(at path: String, contents: [UInt8]) throws {
        try state.withLock { state in
            try Self.checkAlive(state)
            let path = Self.normalize(path)
            let (parent, name) = Self.split(path)
            let temporary = try Self.writeTemporary(for: path, contents: contents, &state)
            do {
                try Self.step(.rename(temporary, to: path), &state) { state in
                    if case .directory? = state.directories[parent]?.visible[name] {
                        throw Self.error(.isADirectory, "rename", path)
                    }
                    let id = try Self.fileId(temporary, state, operation: "rename")
                    state.directories[parent]?.visible[name] = .file(id)
                    state.directories[parent]?.visible[Self.split(temporary).name] = nil
                }
            } catch {
                try? Self.unlink(temporary, &state)
                throw error
            }
            try Self.syncDirectory(parent, &state)
        }
    }

    /// A handle whose writes are pending until synced, and which dies with the next crash.
    public func openForAppending(at path: String) throws -> any AppendableFile {
        try state.withLock { state in
            try Self.checkAlive(state)
            let path = Self.normalize(path)
            let id = try Self.fileId(path, state, operation: "open")
            return AppendHandle(fileSystem: self, inode: id, path: path, generation: state.generation)
        }
    }

    /// Truncate, then fsync.
    public func truncateFile(at path: String, toLength length: Int) throws {
        try state.withLock { state in
            try Self.checkAlive(state)
            let path = Self.normalize(path)
            let id = try Self.fileId(path, state, operation: "open")
            try Self.step(.truncate(path, length: length), &state) { state in
                var inode = state.inodes[id] ?? Inode()
                if length < inode.durable.count { inode.durableIsPrefix = false }
                if inode.visible.count > length {
                    inode.visible.removeSubrange(length...)
                } else {
                    inode.visible.append(contentsOf: repeatElement(0, count: length - inode.visible.count))
                }
                inode.lost = inode.lost.compactMap { range in
                    range.lowerBound < length ? range.lowerBound..<min(range.upperBound, length) : nil
                }
                state.inodes[id] = inode
            }
            try Self.syncFile(id, path, &state)
        }
    }

    /// Unlink, then fsync the directory.
    public func removeFile(at path: String) throws {
        try state.withLock { state in
            try Self.checkAlive(state)
            let path = Self.normalize(path)
            _ = try Self.fileId(path, state, operation: "unlink")
            try Self.unlink(path, &state)
            try Self.syncDirectory(Self.split(path).directory, &state)
        }
    }

    /// Whether a lock on `path` is held (by any holder; the model does not tell processes apart).
    public func lockIsHeld(at path: String) -> Bool? {
        state.withLock { state in state.locks[Self.normalize(path)] != nil }
    }

    /// Takes the lock (refused with `wouldBlock` and the holder's text); a crash releases it.
    public func lockFile(at path: String, holderDescription: String) throws -> any FileLock {
        try state.withLock { state in
            try Self.checkAlive(state)
            let path = Self.normalize(path)
            let (parent, name) = Self.split(path)
            guard state.directories[parent] != nil else { throw Self.error(.notFound, "open", path) }
            if state.locks[path] != nil {
                var holder = ""
                if case .file(let id)? = state.directories[parent]?.visible[name] {
                    holder = String(decoding: state.inodes[id]?.visible ?? [], as: UTF8.self)
                }
                while holder.last == "\n" { holder.removeLast() }
                throw SystemError(code: .wouldBlock, operation: "flock", path: path, errno: EWOULDBLOCK, message: holder)
            }
            let token = state.nextLockToken
            try Self.step(.lock(path), &state) { state in
                let id: Int
                if case .file(let existing)? = state.directories[parent]?.visible[name] {
                    id = existing
                } else {
                    id = state.nextInode
                    state.nextInode += 1
                    state.directories[parent]?.visible[name] = .file(id)
                }
                // The lock file's contents are for people; written and synced without faults.
                let bytes = Array((holderDescription + "\n").utf8)
                state.inodes[id] = Inode(visible: bytes, durable: bytes)
                state.locks[path] = token
                state.nextLockToken += 1
            }
            return Lock(fileSystem: self, path: path, token: token)
        }
    }

    // MARK: Handles

    /// A handle from ``openForAppending(at:)``; dead after a crash.
    private final class AppendHandle: AppendableFile {
        let fileSystem: InMemoryFileSystem
        let inode: Int
        let path: String
        let generation: UInt64
        let isClosed = Atomic<Bool>(false)

        init(fileSystem: InMemoryFileSystem, inode: Int, path: String, generation: UInt64) {
            self.fileSystem = fileSystem
            self.inode = inode
            self.path = path
            self.generation = generation
        }

        var length: Int {
            fileSystem.state.withLock { $0.inodes[inode]?.visible.count ?? 0 }
        }

        func append(_ bytes: [UInt8]) throws {
            try fileSystem.state.withLock { state in
                try check(state, operation: "write")
                try InMemoryFileSystem.write(bytes, to: inode, path, &state)
            }
        }

        func sync() throws {
            try fileSystem.state.withLock { state in
                try check(state, operation: "fsync")
                try InMemoryFileSystem.syncFile(inode, path, &state)
            }
        }

        func close() { isClosed.store(true, ordering: .relaxed) }

        private func check(_ state: State, operation: String) throws {
            try InMemoryFileSystem.checkAlive(state)
            if state.generation != generation {
                throw SimulatedCrash(
                    operation: nil, performed: false, detail: "\(operation) on \(path) through a handle opened before a crash")
            }
            if isClosed.load(ordering: .relaxed) {
                throw SystemError(code: .other, operation: operation, path: path, message: "the file was closed")
            }
        }
    }

    /// A lock from ``lockFile(at:holderDescription:)``; a crash releases it, as process death does.
    private final class Lock: FileLock {
        let fileSystem: InMemoryFileSystem
        let path: String
        let token: UInt64

        init(fileSystem: InMemoryFileSystem, path: String, token: UInt64) {
            self.fileSystem = fileSystem
            self.path = path
            self.token = token
        }

        func release() {
            fileSystem.state.withLock { state in
                if state.locks[path] == token { state.locks[path] = nil }
            }
        }
    }

    // MARK: Primitive steps (called with the state locked)

    private static func checkAlive(_ state: State) throws {
        if state.isCrashed {
            throw SimulatedCrash(operation: nil, performed: false, detail: "the file system is crashed until restart()")
        }
    }

    /// Runs one mutating step, unless the scheduled crash falls on it.
    private static func step(_ operation: Operation, _ state: inout State, _ body: (inout State) throws -> Void) throws {
        try checkAlive(state)
        if let countdown = state.crashCountdown {
            if countdown <= 1 {
                state.crashCountdown = nil
                var performed = false
                if state.random.next() & 1 == 1 {
                    performed = (try? body(&state)) != nil
                    if performed { state.log.append(operation) }
                }
                state.isCrashed = true
                throw SimulatedCrash(operation: operation, performed: performed, detail: "")
            }
            state.crashCountdown = countdown - 1
        }
        try body(&state)
        state.log.append(operation)
    }

    private static func write(_ bytes: [UInt8], to id: Int, _ path: String, _ state: inout State) throws {
        try step(.write(path, byteCount: bytes.count), &state) { state in
            if let budget = state.noSpaceBudget, bytes.count > budget {
                state.inodes[id]?.visible.append(contentsOf: bytes.prefix(budget))
                state.noSpaceBudget = 0
                if budget > 0 { state.log.append(.write(path, byteCount: budget)) }
                throw error(.noSpace, "write", path, ENOSPC, "injected: no space left on device")
            }
            if let budget = state.noSpaceBudget { state.noSpaceBudget = budget - bytes.count }
            state.inodes[id]?.visible.append(contentsOf: bytes)
            if state.writeErrorsPending > 0 {
                state.writeErrorsPending -= 1
                state.log.append(.write(path, byteCount: bytes.count))
                throw error(.ioError, "write", path, EIO, "injected: the write happened but reported an error")
            }
        }
    }

    private static func syncFile(_ id: Int, _ path: String, _ state: inout State) throws {
        try step(.syncFile(path), &state) { state in
            // Taken out of the table so its buffers are uniquely referenced and grow in place.
            guard var inode = state.inodes.removeValue(forKey: id) else { return }
            defer { state.inodes[id] = inode }
            if state.syncFailuresPending > 0 {
                state.syncFailuresPending -= 1
                // As on ext4: the dirty pages are marked clean without reaching the disk.
                let start = zip(inode.visible, inode.durable).prefix(while: { $0 == $1 }).count
                if start < inode.visible.count {
                    inode.lost.append(start..<inode.visible.count)
                    inode.durableIsPrefix = false
                }
                throw error(.ioError, "fsync", path, EIO, "injected fsync failure")
            }
            if inode.durableIsPrefix, inode.lost.isEmpty, inode.visible.count >= inode.durable.count {
                inode.durable.append(contentsOf: inode.visible[inode.durable.count...])
            } else {
                inode.durable = persisted(inode)
                inode.durableIsPrefix = inode.lost.isEmpty
            }
            state.syncCount += 1
        }
    }

    /// The visible bytes as a successful fsync leaves them on disk: lost ranges keep their old
    /// on-disk bytes (zeros beyond the old end).
    private static func persisted(_ inode: Inode) -> [UInt8] {
        var bytes = inode.visible
        for range in inode.lost {
            for index in range where index < bytes.count {
                bytes[index] = index < inode.durable.count ? inode.durable[index] : 0
            }
        }
        return bytes
    }

    private static func syncDirectory(_ path: String, _ state: inout State) throws {
        try step(.syncDirectory(path), &state) { state in
            guard let directory = state.directories[path] else { throw error(.notFound, "open", path) }
            if state.syncFailuresPending > 0 {
                state.syncFailuresPending -= 1
                throw error(.ioError, "fsync", path, EIO, "injected fsync failure")
            }
            state.directories[path]?.durable = directory.visible
            state.syncCount += 1
        }
    }

    private static func unlink(_ path: String, _ state: inout State) throws {
        try step(.unlink(path), &state) { state in
            let (parent, name) = split(path)
            guard case .file? = state.directories[parent]?.visible[name] else { throw error(.notFound, "unlink", path) }
            state.directories[parent]?.visible[name] = nil
        }
    }

    /// Creates the ``TemporaryName`` for `path` (as process 1), writes `contents` and fsyncs it; removes it on failure.
    private static func writeTemporary(for path: String, contents: [UInt8], _ state: inout State) throws -> String {
        let (parent, name) = split(path)
        guard state.directories[parent] != nil else {
            throw error(entry(parent, state) == nil ? .notFound : .notADirectory, "open", path)
        }
        state.temporaryCounter += 1
        let temporary = join(parent, TemporaryName.make(for: name, processId: 1, counter: UInt64(state.temporaryCounter)))
        let id = state.nextInode
        try step(.createFile(temporary), &state) { state in
            state.nextInode += 1
            state.inodes[id] = Inode()
            state.directories[parent]?.visible[split(temporary).name] = .file(id)
        }
        do {
            try write(contents, to: id, temporary, &state)
            try syncFile(id, temporary, &state)
        } catch {
            try? unlink(temporary, &state)
            throw error
        }
        return temporary
    }

    private static func applyCrash(_ mode: CrashMode, _ state: inout State) {
        state.generation += 1
        state.locks = [:]
        state.isCrashed = false
        state.crashCountdown = nil
        var random: SeededRandom
        switch mode {
        case .processKill:
            return
        case .dropUnsynced:
            random = SeededRandom(seed: 0)
        case .tornTail(let seed):
            random = SeededRandom(seed: seed)
        }
        // Names revert to their durable state; directories no longer reachable vanish.
        for key in Array(state.directories.keys) {
            let durable = state.directories[key]?.durable ?? [:]
            state.directories[key]?.visible = durable
        }
        var reachable: [String: Directory] = [:]
        var referenced = Set<Int>()
        var queue = ["/"]
        while let path = queue.popLast() {
            guard let directory = state.directories[path] else { continue }
            reachable[path] = directory
            for (name, entry) in directory.visible {
                switch entry {
                case .directory: queue.append(join(path, name))
                case .file(let id): referenced.insert(id)
                }
            }
        }
        state.directories = reachable
        var inodes: [Int: Inode] = [:]
        for id in referenced.sorted() {
            guard let inode = state.inodes[id] else { continue }
            var survivor = inode.durable
            if case .tornTail = mode, inode.visible.count > inode.durable.count,
                inode.visible.starts(with: inode.durable)
            {
                let pending = inode.visible.count - inode.durable.count
                let kept = Int.random(in: 0...pending, using: &random)
                survivor = inode.visible.prefix(inode.durable.count + kept).map { $0 }
                for range in inode.lost {
                    for index in range where index >= inode.durable.count && index < survivor.count {
                        survivor[index] = 0
                    }
                }
                if kept > 0, random.next() & 1 == 1 {
                    let sectorStart = (survivor.count - 1) / 512 * 512
                    for index in max(inode.durable.count, sectorStart)..<survivor.count { survivor[index] = 0 }
                }
            }
            inodes[id] = Inode(visible: survivor, durable: survivor)
        }
        state.inodes = inodes
    }

    // MARK: Paths

    private static func components(of path: String) -> [String] {
        var result: [String] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": _ = result.popLast()
            default: result.append(String(component))
            }
        }
        return result
    }

    /// An absolute path without `.`, `..` or repeated slashes; relative paths start at `/`.
    private static func normalize(_ path: String) -> String {
        "/" + components(of: path).joined(separator: "/")
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory == "/" ? "/" + name : directory + "/" + name
    }

    private static func split(_ path: String) -> (directory: String, name: String) {
        var parts = components(of: path)
        let name = parts.popLast() ?? ""
        return ("/" + parts.joined(separator: "/"), name)
    }

    private static func entry(_ path: String, _ state: State) -> Entry? {
        if path == "/" { return .directory }
        let (parent, name) = split(path)
        return state.directories[parent]?.visible[name]
    }

    private static func fileId(_ path: String, _ state: State, operation: String) throws -> Int {
        switch entry(path, state) {
        case .file(let id)?: return id
        case .directory?: throw error(.isADirectory, operation, path)
        case nil: throw error(.notFound, operation, path)
        }
    }

    private static func error(
        _ code: SystemError.Code, _ operation: String, _ path: String, _ errno: Int32? = nil, _ message: String = ""
    ) -> SystemError {
        SystemError(code: code, operation: operation, path: path, errno: errno, message: message)
    }
}

/// Thrown by ``InMemoryFileSystem`` when a scheduled crash happens, and by anything used after it
/// until ``InMemoryFileSystem/restart(mode:)``: the simulated process is dead.
public struct SimulatedCrash: Error, Sendable, Hashable, CustomStringConvertible {
    /// The step the crash fell on, if any.
    public var operation: InMemoryFileSystem.Operation?
    /// Whether that step took effect before the crash.
    public var performed: Bool
    /// Extra words for people.
    public var detail: String

    /// Makes a crash report.
    public init(operation: InMemoryFileSystem.Operation?, performed: Bool, detail: String) {
        self.operation = operation
        self.performed = performed
        self.detail = detail
    }

    /// `simulated crash before/after <step>: <detail>`.
    public var description: String {
        var text = "simulated crash"
        if let operation { text += (performed ? " after " : " before ") + operation.description }
        if !detail.isEmpty { text += ": " + detail }
        return text
    }
}
