import Synchronization
public import SystemIO
import WorkflowModel

/// Append-only, checksummed history files in a state directory: `<state>/LOCK` and
/// `<state>/executions/<id>.history` (format: `docs/history-format.md`).
///
/// **One write path.** Every write is a group commit (``commit(_:)``, in `HistoryStore+Commit.swift`);
/// ``createExecution(_:records:)`` and ``append(_:records:)`` commit a group of one. Each execution
/// open for writing has a writer (`HistoryWriter.swift`); loading and repair are in
/// `Format/HistoryStore+Load.swift`.
///
/// **Durability.** A commit returns success only after its records are fsynced (and, for a new file,
/// its directory entry), so anything the caller does after it may depend on them. **Fail-stop.** The
/// first failed write or fsync stops all history writes of this store (`FailStop.swift` says why);
/// nothing is retried and nothing more is acknowledged; the process must restart and recover.
/// **Ownership.** Writing (create, append, repair) requires holding the state directory's lock
/// through ``lockStateDirectory(holder:)``; reading does not.
///
/// Thread-safe. Commits run one at a time; ``GroupCommitter`` gathers the batches of concurrent
/// callers into one commit so that they share fsyncs.
public final class HistoryStore: Sendable {
    /// The state directory, e.g. `.cairn`.
    public let stateDirectory: String
    /// `<state>/executions`.
    public let executionsDirectory: String
    let fileSystem: any DurableFileSystem
    let failStop = FailStop()
    let state: Mutex<State>
    /// Held for a whole commit, so commits never interleave: a failed fsync stops the store before any
    /// other commit's fsync of the same file could report success (the kernel reports the error once).
    let committing = Mutex(())

    struct State {
        /// Identifies the lock this store holds, if any.
        var lockToken: UInt64?
        var nextLockToken: UInt64 = 1
        /// Executions open for writing.
        var writers: [String: HistoryWriter] = [:]
        /// Executions found damaged by `load(repair: true)`.
        var quarantined: [String: Quarantine] = [:]
    }

    /// A store over `<stateDirectory>`; creates `<stateDirectory>/executions` (mode 0700) if needed.
    /// - Throws: ``StoreError`` `store.io` when the directory cannot be created.
    public init(stateDirectory: String, fileSystem: any DurableFileSystem) throws {
        var directory = stateDirectory
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        self.stateDirectory = directory
        executionsDirectory = directory + "/executions"
        self.fileSystem = fileSystem
        state = Mutex(State())
        do {
            try fileSystem.createDirectory(at: executionsDirectory)
        } catch {
            throw StoreError.io(
                "cannot create the state directory \(executionsDirectory). Check the path and its permissions, "
                    + "or choose another with --state-dir.", error)
        }
    }

    // MARK: Lock

    /// Takes the exclusive lock on `<state>/LOCK`, recording `holder` (e.g.
    /// `pid 4242, cairn run rollout.json, since 2026-01-01T10:00:00.000Z`) in it so a refused engine can
    /// say who holds it. The lock lasts until released or until the process exits.
    /// - Throws: ``StoreError`` `store.locked` when another engine (or another lock in this process)
    ///   holds it; `store.io` on other failures.
    public func lockStateDirectory(holder: String) throws -> any FileLock {
        let path = stateDirectory + "/LOCK"
        let lock: any FileLock
        do {
            lock = try fileSystem.lockFile(at: path, holderDescription: holder)
        } catch let error as SystemError where error.code == .wouldBlock {
            let holder = error.message.isEmpty ? "holder unknown" : error.message
            throw StoreError(
                code: .locked,
                message: "the state directory \(stateDirectory) is in use by another Cairn engine (\(holder)). "
                    + "Wait for it to finish, or use --state-dir for a separate directory.",
                cause: error)
        } catch {
            throw StoreError.io("cannot lock the state directory \(stateDirectory) (\(path)).", error)
        }
        let token = state.withLock { state in
            let token = state.nextLockToken
            state.nextLockToken += 1
            state.lockToken = token
            return token
        }
        return StateLock(lock: lock, store: self, token: token)
    }

    /// The state lock handed out by ``lockStateDirectory(holder:)``; releasing it also closes the
    /// store for writing.
    private final class StateLock: FileLock {
        let lock: any FileLock
        let store: HistoryStore
        let token: UInt64

        init(lock: any FileLock, store: HistoryStore, token: UInt64) {
            self.lock = lock
            self.store = store
            self.token = token
        }

        func release() {
            // Writers are dropped, not closed here: a commit in flight keeps its writers alive and
            // finishes; the handles close when the last reference goes.
            let dropped = store.state.withLock { state -> [String: HistoryWriter] in
                guard state.lockToken == token else { return [:] }
                state.lockToken = nil
                defer { state.writers = [:] }
                return state.writers
            }
            _ = consume dropped  // the last references go outside the store's mutex
            lock.release()
        }
    }

    // MARK: Paths and listing

    /// `<state>/executions/<id>.history`.
    public func historyPath(of executionId: String) -> String {
        "\(executionsDirectory)/\(executionId).history"
    }

    /// The ids of every history in the state directory, sorted. Temporary files and `.torn-*`
    /// copies are not histories.
    /// - Throws: ``StoreError`` `store.io` when the directory cannot be read.
    public func listExecutions() throws -> [String] {
        let names: [String]
        do {
            names = try fileSystem.listDirectory(at: executionsDirectory)
        } catch {
            throw StoreError.io("cannot list \(executionsDirectory).", error)
        }
        let suffix = ".history"
        return names.compactMap { name -> String? in
            guard name.hasSuffix(suffix) else { return nil }
            let id = String(name.dropLast(suffix.count))
            return ExecutionID.isValid(id) ? id : nil
        }
        .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    // MARK: Writing

    /// Creates the history of a new execution holding the header and `records`, atomically (the
    /// whole file or nothing) and durably, and opens it for ``append(_:records:)``: a
    /// ``commit(_:)`` of one batch that ``HistoryBatch/creates``.
    /// - Parameters:
    ///   - executionId: a valid ``WorkflowModel/ExecutionID``; names the file.
    ///   - records: normally `WorkflowExecutionStarted` (id 1) and what follows it.
    /// - Throws: ``StoreError``: `store.invalidExecutionId`, `store.executionExists`,
    ///   `store.invalidRecord`, `store.recordTooLarge`, `store.historyTooLong`, `store.notLocked`,
    ///   `store.stopped` (this or an earlier write failed).
    public func createExecution(_ executionId: String, records: [HistoryRecord]) throws {
        try commit([HistoryBatch(executionId: executionId, records: records, creates: true)])[0].get()
    }

    /// Appends `records` to an open execution with one write and one fsync: a ``commit(_:)`` of one
    /// batch. They are durable when this returns; on any I/O error nothing is acknowledged and the
    /// store stops (fail-stop).
    /// - Throws: ``StoreError``: `store.stopped`, `store.notOpen` (not created or loaded with
    ///   `repair: true` by this store), `store.executionNotFound`, `store.quarantined`,
    ///   `store.invalidRecord` (ids not contiguous), `store.recordTooLarge`, `store.historyTooLong`,
    ///   `store.notLocked`, `store.invalidExecutionId`.
    public func append(_ executionId: String, records: [HistoryRecord]) throws {
        try commit([HistoryBatch(executionId: executionId, records: records)])[0].get()
    }

    // MARK: Writers

    /// Opens the history at `path` for writing and registers its writer.
    func openWriter(
        _ executionId: String, path: String, sequence: EventSequence, eventCount: Int, rewrite: [UInt8]? = nil
    ) throws(StoreError) {
        let writer = try HistoryWriter(
            executionId, path: path, sequence: sequence, eventCount: eventCount, rewrite: rewrite,
            fileSystem: fileSystem, failStop: failStop)
        state.withLock { $0.writers[executionId] = writer }
    }

    /// The open writer of `executionId`, or why it cannot be written.
    func writer(for executionId: String) throws -> HistoryWriter {
        try failStop.check()
        let open = try state.withLock { state -> HistoryWriter? in
            try Self.requireLock(state, stateDirectory)
            if let writer = state.writers[executionId] { return writer }
            if let quarantine = state.quarantined[executionId] { throw StoreError.quarantined(quarantine) }
            return nil
        }
        guard let writer = open else {
            guard fileSystem.fileExists(at: historyPath(of: executionId)) else {
                throw StoreError.executionNotFound(executionId, in: executionsDirectory)
            }
            throw StoreError.notOpen(executionId)
        }
        return writer
    }

    /// Throws unless this store may write: not stopped, and holding the state lock.
    func requireWritable() throws(StoreError) {
        try failStop.check()
        try state.withLock { state throws(StoreError) in try Self.requireLock(state, stateDirectory) }
    }

    private static func requireLock(_ state: State, _ stateDirectory: String) throws(StoreError) {
        guard state.lockToken != nil else { throw StoreError.notLocked(stateDirectory) }
    }

    /// Throws `store.invalidExecutionId` unless `executionId` follows the ``WorkflowModel/ExecutionID`` rules.
    func validate(_ executionId: String) throws(StoreError) {
        if let error = StoreError.invalidExecutionId(executionId) { throw error }
    }
}

/// One execution's records for ``HistoryStore/commit(_:)``.
public struct HistoryBatch: Sendable {
    /// The execution.
    public var executionId: String
    /// The records, in order, following what the history already holds.
    public var records: [HistoryRecord]
    /// True for a new execution: its history is created holding the header and `records`.
    public var creates: Bool

    /// The framed lines of `records`, when encoded ahead (see ``encodeLines()``).
    private var lines: [UInt8]?

    /// Makes a batch.
    public init(executionId: String, records: [HistoryRecord], creates: Bool = false) {
        self.executionId = executionId
        self.records = records
        self.creates = creates
    }

    /// Encodes the records now, so the store's writer does not have to: the group committer encodes on
    /// the caller's thread, in parallel with the writer.
    /// - Throws: ``StoreError`` `store.recordTooLarge` or `store.invalidRecord`.
    public mutating func encodeLines() throws {
        lines = try encodedLines()
    }

    func encodedLines() throws -> [UInt8] {
        if let lines { return lines }
        return try HistoryFormat.lines(for: records)
    }
}
