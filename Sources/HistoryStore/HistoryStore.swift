import Synchronization
public import SystemIO
import WorkflowModel

/// Append-only, checksummed history files in a state directory: `<state>/LOCK` and
/// `<state>/executions/<id>.history` (format: `docs/history-format.md`).
///
/// **Durability.** `createExecution` and `append` return only after the records are fsynced (and,
/// for a new file, its directory entry), so anything the caller does after they return may depend
/// on the records. **Fail-stop.** The first failed write or fsync stops all history writes of this
/// store: a second fsync could report success without the lost data reaching the disk, so nothing
/// is retried and nothing more is acknowledged; the process must restart and recover.
/// **Ownership.** Writing (create, append, repair) requires holding the state directory's lock
/// through ``lockStateDirectory(holder:)``; reading does not.
///
/// Thread-safe. Appends to different executions run concurrently; appends to one execution are
/// serialized.
public final class HistoryStore: Sendable {
    /// The state directory, e.g. `.cairn`.
    public let stateDirectory: String
    /// `<state>/executions`.
    public let executionsDirectory: String
    private let fileSystem: any DurableFileSystem
    private let state: Mutex<State>

    private struct State {
        /// Set by the first I/O failure while writing; never cleared.
        var stopped: StoreError?
        /// Identifies the lock this store holds, if any.
        var lockToken: UInt64?
        var nextLockToken: UInt64 = 1
        /// Executions open for appending.
        var writers: [String: Writer] = [:]
        /// Executions found damaged by `load(repair: true)`.
        var quarantined: [String: Quarantine] = [:]
    }

    /// One execution open for appending; its mutex serializes appends to that execution.
    private final class Writer: Sendable {
        struct State {
            var file: (any AppendableFile)?
            var sequence: EventSequence
            var eventCount: Int
            /// The valid bytes a repairing load found, to be written again with the first batch (see
            /// ``HistoryStore/load(_:repair:)``) with the batches since; nil once the history is known durable.
            var rewrite: [UInt8]?
            /// Whether a group commit is replacing the file with `rewrite` right now.
            var rewriteClaimed = false
        }

        let path: String
        let state: Mutex<State>

        init(path: String, file: any AppendableFile, sequence: EventSequence, eventCount: Int, rewrite: [UInt8]?) {
            self.path = path
            state = Mutex(State(file: file, sequence: sequence, eventCount: eventCount, rewrite: rewrite, rewriteClaimed: false))
        }

        deinit {
            state.withLock { $0.file?.close() }
        }
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
            throw StoreError(
                code: StoreError.Code.io,
                message: "cannot create the state directory \(executionsDirectory). Check the path and its permissions, "
                    + "or choose another with --state-dir.",
                cause: error)
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
                code: StoreError.Code.locked,
                message: "the state directory \(stateDirectory) is in use by another Cairn engine (\(holder)). "
                    + "Wait for it to finish, or use --state-dir for a separate directory.",
                cause: error)
        } catch {
            throw StoreError(
                code: StoreError.Code.io, message: "cannot lock the state directory \(stateDirectory) (\(path)).",
                cause: error)
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
            // Writers are dropped, not closed here: an append in flight keeps its writer alive and
            // finishes; the handle closes when the last reference goes.
            let dropped = store.state.withLock { state -> [String: Writer] in
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
            throw StoreError(
                code: StoreError.Code.io, message: "cannot list \(executionsDirectory).", cause: error)
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
    /// whole file or nothing) and durably, and opens it for ``append(_:records:)``.
    /// - Parameters:
    ///   - executionId: a valid ``WorkflowModel/ExecutionID``; names the file.
    ///   - records: normally `WorkflowExecutionStarted` (id 1) and what follows it.
    /// - Throws: ``StoreError``: `store.invalidExecutionId`, `store.executionExists`,
    ///   `store.invalidRecord`, `store.recordTooLarge`, `store.historyTooLong`, `store.notLocked`,
    ///   `store.stopped` (this or an earlier write failed).
    public func createExecution(_ executionId: String, records: [HistoryRecord]) throws {
        try validate(executionId)
        try requireWritable()
        var sequence = EventSequence()
        try check(records, against: &sequence, eventCount: 0)
        var bytes = try HistoryFormat.headerLine(executionId: executionId)
        bytes += try HistoryFormat.lines(for: records)
        let path = historyPath(of: executionId)
        do {
            try fileSystem.createFileExclusively(at: path, contents: bytes)
        } catch let error as SystemError where error.code == .alreadyExists {
            throw Self.exists(executionId, path)
        } catch {
            // The file may or may not exist now, and its name may not be durable: stop.
            throw stop(path, error)
        }
        try openWriter(executionId, path: path, sequence: sequence, eventCount: records.count(where: \.isEvent))
    }

    /// Appends `records` to an open execution with one write and one fsync; they are durable when
    /// this returns. On any I/O error nothing is acknowledged and the store stops (fail-stop).
    /// - Throws: ``StoreError``: `store.stopped`, `store.notOpen` (not created or loaded with
    ///   `repair: true` by this store), `store.executionNotFound`, `store.quarantined`,
    ///   `store.invalidRecord` (ids not contiguous), `store.recordTooLarge`, `store.historyTooLong`,
    ///   `store.notLocked`, `store.invalidExecutionId`.
    public func append(_ executionId: String, records: [HistoryRecord]) throws {
        try validate(executionId)
        let writer = try openWriter(for: executionId)
        let bytes = try HistoryFormat.lines(for: records)
        try writer.state.withLock { writerState in
            guard let file = writerState.file else { throw stoppedError() ?? notOpenAfterFailure(executionId) }
            if let stopped = stoppedError() { throw stopped }
            var sequence = writerState.sequence
            try check(records, against: &sequence, eventCount: writerState.eventCount)
            if let rewrite = writerState.rewrite {
                guard !writerState.rewriteClaimed else { throw Self.concurrentBatch(executionId) }
                let replaced = fileSystem.replaceFiles([(writer.path, rewrite + bytes)])
                try finishRewrite(writer, &writerState, result: replaced[0])
                writerState.sequence = sequence
                writerState.eventCount += records.count(where: \.isEvent)
                return
            }
            guard !records.isEmpty else { return }
            do {
                try file.append(bytes)
                try file.sync()
            } catch {
                writerState.file = nil
                file.close()
                throw stop(writer.path, error)
            }
            writerState.sequence = sequence
            writerState.eventCount += records.count(where: \.isEvent)
        }
    }

    /// Writes the batches of several executions and makes them durable together (group commit): every
    /// new history is created (sharing the directory fsync), every append is written, then the appended
    /// files are fsynced concurrently. One result per batch, in order. A batch refused before any I/O
    /// (an existing id, a record out of order, ...) fails alone; a failed write or fsync stops the store
    /// and fails every batch of the group, so none of them is acknowledged.
    public func commit(_ batches: [HistoryBatch]) -> [Result<Void, StoreError>] {
        var results = [Result<Void, StoreError>](repeating: .success(()), count: batches.count)
        do {
            try requireWritable()
        } catch {
            return batches.map { _ in .failure(error as? StoreError ?? stop(stateDirectory, error)) }
        }
        // Creations: encode and check each, then create them all at once.
        var creations: [(index: Int, path: String, contents: [UInt8], sequence: EventSequence, events: Int)] = []
        for (index, batch) in batches.enumerated() where batch.creates {
            do {
                try validate(batch.executionId)
                var sequence = EventSequence()
                try check(batch.records, against: &sequence, eventCount: 0)
                let bytes = try HistoryFormat.headerLine(executionId: batch.executionId) + batch.encodedLines()
                creations.append((index, historyPath(of: batch.executionId), bytes, sequence, batch.records.count(where: \.isEvent)))
            } catch {
                results[index] = .failure(error as? StoreError ?? Self.invalid(error))
            }
        }
        var failure: StoreError?
        if !creations.isEmpty {
            let created = fileSystem.createFilesExclusively(creations.map { ($0.path, $0.contents) })
            for (creation, outcome) in zip(creations, created) {
                switch outcome {
                case .success:
                    do {
                        try openWriter(
                            batches[creation.index].executionId, path: creation.path, sequence: creation.sequence,
                            eventCount: creation.events)
                    } catch {
                        failure = failure ?? (error as? StoreError ?? stop(creation.path, error))
                    }
                case .failure(let error as SystemError) where error.code == .alreadyExists:
                    results[creation.index] = .failure(Self.exists(batches[creation.index].executionId, creation.path))
                case .failure(let error):
                    failure = failure ?? stop(creation.path, error)
                }
            }
        }
        // Appends: write each under its writer's lock, then fsync the files together. Histories a
        // repairing load left to be rewritten are replaced whole instead, sharing the directory fsync.
        var toSync: [ObjectIdentifier: any AppendableFile] = [:]
        var rewrites: [ObjectIdentifier: Writer] = [:]
        for (index, batch) in batches.enumerated() where !batch.creates && failure == nil {
            do {
                switch try write(batch) {
                case .append(let file): toSync[ObjectIdentifier(file)] = file
                case .rewrite(let writer): rewrites[ObjectIdentifier(writer)] = writer
                case nil: break
                }
            } catch let error as StoreError where error.code == StoreError.Code.stopped {
                failure = error
            } catch {
                results[index] = .failure(error as? StoreError ?? Self.invalid(error))
            }
        }
        if failure == nil, !rewrites.isEmpty {
            // Claimed while the file is being replaced: an append() meanwhile is refused rather than
            // lost. A rewrite an append() already did has nothing left to do.
            var claimed: [(writer: Writer, contents: [UInt8])] = []
            for writer in rewrites.values.sorted(by: { $0.path < $1.path }) {
                let contents = writer.state.withLock { writerState -> [UInt8]? in
                    writerState.rewriteClaimed = writerState.rewrite != nil
                    return writerState.rewrite
                }
                if let contents { claimed.append((writer, contents)) }
            }
            let replaced = fileSystem.replaceFiles(claimed.map { ($0.writer.path, $0.contents) })
            for (rewrite, result) in zip(claimed, replaced) {
                do {
                    try rewrite.writer.state.withLock { writerState in
                        writerState.rewriteClaimed = false
                        try finishRewrite(rewrite.writer, &writerState, result: result)
                    }
                } catch {
                    failure = failure ?? (error as? StoreError ?? stop(rewrite.writer.path, error))
                }
            }
        }
        if failure == nil, !toSync.isEmpty {
            do {
                try fileSystem.syncAll(Array(toSync.values))
            } catch {
                failure = stop(executionsDirectory, error)
            }
        }
        if let failure {
            // Fail-stop: nothing of this group is acknowledged, whatever reached the disk.
            return batches.map { _ in .failure(failure) }
        }
        return results
    }

    /// What ``write(_:)`` left for ``commit(_:)`` to make durable.
    private enum PendingWrite {
        /// Appended, to be fsynced.
        case append(any AppendableFile)
        /// To be replaced whole with the writer's pending contents: the repaired history and its batches.
        case rewrite(Writer)
    }

    /// Writes (without fsync) one append batch of ``commit(_:)``; returns what is left to make it
    /// durable, nil when there was nothing to write. A failed write stops the store.
    private func write(_ batch: HistoryBatch) throws -> PendingWrite? {
        let executionId = batch.executionId
        try validate(executionId)
        let writer = try openWriter(for: executionId)
        let bytes = try batch.encodedLines()
        return try writer.state.withLock { writerState -> PendingWrite? in
            guard let file = writerState.file else { throw stoppedError() ?? notOpenAfterFailure(executionId) }
            if let stopped = stoppedError() { throw stopped }
            var sequence = writerState.sequence
            try check(batch.records, against: &sequence, eventCount: writerState.eventCount)
            if let rewrite = writerState.rewrite {
                // Counted now, as appends are: if the replacement fails the store stops. The batch joins
                // the pending contents, so a second batch of this execution in the same group (or an
                // append meanwhile) replaces the file with both, never with one of them.
                writerState.sequence = sequence
                writerState.eventCount += batch.records.count(where: \.isEvent)
                writerState.rewrite = rewrite + bytes
                return .rewrite(writer)
            }
            guard !batch.records.isEmpty else { return nil }
            do {
                try file.append(bytes)
            } catch {
                writerState.file = nil
                file.close()
                throw stop(writer.path, error)
            }
            // Counted now: if the fsync fails the store stops, and nothing more is written anyway.
            writerState.sequence = sequence
            writerState.eventCount += batch.records.count(where: \.isEvent)
            return .append(file)
        }
    }

    /// After a history was replaced whole: on success appends continue in the new file; on failure the
    /// store stops (the old file may or may not have been replaced).
    private func finishRewrite(_ writer: Writer, _ writerState: inout Writer.State, result: Result<Void, any Error>) throws {
        writerState.file?.close()
        writerState.file = nil
        do {
            try result.get()
            writerState.file = try fileSystem.openForAppending(at: writer.path)
            writerState.rewrite = nil
        } catch {
            throw stop(writer.path, error)
        }
    }

    // MARK: Reading and recovery

    /// Reads and checks the history of `executionId` (see ``HistoryRecovery``).
    ///
    /// With `repair: false` nothing is modified, whatever is found. With `repair: true` (only the
    /// lock holder, typically once per execution at start-up) a torn tail is copied to
    /// `<file>.torn-<offset>` and cut off, so appends continue after the last valid record; an
    /// `.empty` file (not even its header was written) is copied to `<file>.torn-0` and removed; an
    /// intact or repaired history is opened for ``append(_:records:)``; a quarantined one is left
    /// untouched and refuses appends with `store.quarantined`.
    /// - Returns: the recovered records and the outcome found before any repair.
    /// - Throws: ``StoreError``: `store.executionNotFound`, `store.invalidExecutionId`, `store.io`
    ///   (cannot read); with `repair: true` also `store.notLocked` and `store.stopped`.
    public func load(_ executionId: String, repair: Bool) throws -> RecoveredHistory {
        try validate(executionId)
        let path = historyPath(of: executionId)
        guard repair else { return HistoryRecovery.scan(try read(executionId, path), file: path, expectedExecutionId: executionId) }

        try requireWritable()
        // Close any writer first so no append races with the repair.
        let previous = state.withLock { state in
            state.quarantined[executionId] = nil
            return state.writers.removeValue(forKey: executionId)
        }
        previous?.state.withLock { writerState in
            writerState.file?.close()
            writerState.file = nil
        }
        let bytes = try read(executionId, path)
        let recovered = HistoryRecovery.scan(bytes, file: path, expectedExecutionId: executionId)
        var sequence = EventSequence()
        for record in recovered.records { _ = sequence.accept(record) }
        switch recovered.outcome {
        case .intact:
            break
        case .tornTail(let offset, _):
            do {
                try fileSystem.replaceFile(at: "\(path).torn-\(offset)", contents: Array(bytes[offset...]))
                try fileSystem.truncateFile(at: path, toLength: offset)
            } catch {
                throw stop(path, error)
            }
        case .empty:
            do {
                if !bytes.isEmpty { try fileSystem.replaceFile(at: "\(path).torn-0", contents: bytes) }
                try fileSystem.removeFile(at: path)
            } catch {
                throw stop(path, error)
            }
            return recovered
        case .quarantined(let quarantine):
            state.withLock { $0.quarantined[executionId] = quarantine }
            return recovered
        }
        // What we read may be only in the page cache: after a failed fsync (in the process that
        // died) Linux keeps the bytes readable but never writes them, and a later fsync does not
        // save them. Appending after them would acknowledge events a power loss then cuts off, so
        // the first batch replaces the file with the valid bytes and itself, written to a new file
        // and made durable together (in a group commit, many such rewrites share a directory fsync).
        try openWriter(
            executionId, path: path, sequence: sequence, eventCount: recovered.events.count,
            rewrite: Array(bytes[..<recovered.validLength]))
        return recovered
    }

    // MARK: Helpers

    /// The open writer of `executionId`, or why it cannot be written.
    private func openWriter(for executionId: String) throws -> Writer {
        let open = try state.withLock { state -> Writer? in
            if let stopped = state.stopped { throw stopped }
            try Self.requireLock(state, stateDirectory)
            if let writer = state.writers[executionId] { return writer }
            if let quarantine = state.quarantined[executionId] { throw Self.quarantinedError(quarantine) }
            return nil
        }
        guard let writer = open else {
            guard fileSystem.fileExists(at: historyPath(of: executionId)) else { throw notFound(executionId) }
            throw StoreError(
                code: StoreError.Code.notOpen,
                message: "the execution \"\(executionId)\" is not open for writing in this engine; load it with "
                    + "repair: true (after taking the state lock) before appending.")
        }
        return writer
    }

    private static func exists(_ executionId: String, _ path: String) -> StoreError {
        StoreError(
            code: StoreError.Code.executionExists,
            message: "an execution with id \"\(executionId)\" already exists (\(path)). Choose another id, or "
                + "resume that execution.")
    }

    private static func concurrentBatch(_ executionId: String) -> StoreError {
        StoreError(
            code: StoreError.Code.invalidRecord,
            message: "another batch of \"\(executionId)\" is being written; write one batch of an execution at a time. "
                + "Nothing was written.")
    }

    private static func invalid(_ error: any Error) -> StoreError {
        StoreError.unencodable(error)
    }

    private func read(_ executionId: String, _ path: String) throws -> [UInt8] {
        do {
            return try fileSystem.readFile(at: path)
        } catch let error as SystemError where error.code == .notFound {
            throw notFound(executionId)
        } catch {
            throw StoreError(code: StoreError.Code.io, message: "cannot read \(path).", cause: error)
        }
    }

    private func openWriter(
        _ executionId: String, path: String, sequence: EventSequence, eventCount: Int, rewrite: [UInt8]? = nil
    ) throws {
        let file: any AppendableFile
        do {
            file = try fileSystem.openForAppending(at: path)
        } catch {
            throw stop(path, error)
        }
        let writer = Writer(path: path, file: file, sequence: sequence, eventCount: eventCount, rewrite: rewrite)
        state.withLock { $0.writers[executionId] = writer }
    }

    /// Checks ordering and the event-count limit of `records` following `sequence`, advancing it.
    private func check(_ records: [HistoryRecord], against sequence: inout EventSequence, eventCount: Int) throws {
        for record in records {
            if let problem = sequence.accept(record) {
                throw StoreError(
                    code: StoreError.Code.invalidRecord,
                    message: "refusing to write a record that breaks the history's order: \(problem). Nothing was written.")
            }
        }
        let total = eventCount + records.count(where: \.isEvent)
        if total > Limits.historyEventsMax {
            throw StoreError(
                code: StoreError.Code.historyTooLong,
                message: "the history would have \(total) events, more than the limit of \(Limits.historyEventsMax). "
                    + "Nothing was written.")
        }
    }

    private func validate(_ executionId: String) throws {
        if let problem = ExecutionID.problem(with: executionId) {
            throw StoreError(code: StoreError.Code.invalidExecutionId, message: "invalid execution id: \(problem).")
        }
    }

    private func requireWritable() throws {
        try state.withLock { state in
            if let stopped = state.stopped { throw stopped }
            try Self.requireLock(state, stateDirectory)
        }
    }

    private static func requireLock(_ state: State, _ stateDirectory: String) throws {
        guard state.lockToken != nil else {
            throw StoreError(
                code: StoreError.Code.notLocked,
                message: "writing histories in \(stateDirectory) requires its lock; call lockStateDirectory(holder:) first.")
        }
    }

    private func stoppedError() -> StoreError? {
        state.withLock { $0.stopped }
    }

    /// Enters the stopped state (keeping the first cause) and returns the error to throw.
    private func stop(_ path: String, _ error: any Error) -> StoreError {
        state.withLock { state in
            if let stopped = state.stopped { return stopped }
            let stopped = StoreError(
                code: StoreError.Code.stopped,
                message: "history writes stopped after an I/O error on \(path): \(error). Nothing after the last "
                    + "acknowledged event was acknowledged. Fix the disk (space, permissions) and restart Cairn; "
                    + "histories are checked on restart.",
                cause: error)
            state.stopped = stopped
            return stopped
        }
    }

    private func notFound(_ executionId: String) -> StoreError {
        StoreError(
            code: StoreError.Code.executionNotFound,
            message: "no execution \"\(executionId)\" in \(executionsDirectory). `cairn list` shows the executions.")
    }

    private func notOpenAfterFailure(_ executionId: String) -> StoreError {
        StoreError(
            code: StoreError.Code.notOpen,
            message: "the execution \"\(executionId)\" was closed for writing; load it with repair: true to reopen it.")
    }

    private static func quarantinedError(_ quarantine: Quarantine) -> StoreError {
        StoreError(code: StoreError.Code.quarantined, message: quarantine.description)
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
