import Synchronization
import SystemIO
import WorkflowModel

// Reading a history back, and repairing it for writing: the store's side of ``HistoryRecovery``.
extension HistoryStore {
    /// Reads and checks the history of `executionId` (see ``HistoryRecovery``).
    ///
    /// With `repair: false` nothing is modified, whatever is found. With `repair: true` (only the
    /// lock holder, typically once per execution at start-up) a torn tail is copied to
    /// `<file>.torn-<offset>` and cut off, so appends continue after the last valid record; an
    /// `.empty` file (not even its header was written) is copied to `<file>.torn-0` and removed; an
    /// intact or repaired history is opened for ``append(_:records:)``, and its first batch rewrites
    /// it whole; a quarantined one is left untouched and refuses appends with `store.quarantined`.
    /// - Returns: the recovered records and the outcome found before any repair.
    /// - Throws: ``StoreError``: `store.executionNotFound`, `store.invalidExecutionId`, `store.io`
    ///   (cannot read); with `repair: true` also `store.notLocked` and `store.stopped`.
    public func load(_ executionId: String, repair: Bool) throws -> RecoveredHistory {
        try validate(executionId)
        let path = historyPath(of: executionId)
        guard repair else { return HistoryRecovery.scan(try read(executionId, path), file: path, expectedExecutionId: executionId) }

        try requireWritable()
        closeWriter(of: executionId)
        let bytes = try read(executionId, path)
        let recovered = HistoryRecovery.scan(bytes, file: path, expectedExecutionId: executionId)
        switch recovered.outcome {
        case .intact:
            break
        case .tornTail(let offset, _):
            try cutTornTail(path, bytes, at: offset)
        case .empty:
            try removeEmpty(path, bytes)
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
        var sequence = EventSequence()
        for record in recovered.records { _ = sequence.accept(record) }
        try openWriter(
            executionId, path: path, sequence: sequence, eventCount: recovered.events.count,
            rewrite: Array(bytes[..<recovered.validLength]))
        return recovered
    }

    /// Closes the execution for writing before it is repaired. Taken between commits, so no batch of
    /// it is half-way to the disk while the file is read and changed. With no writer open (an engine
    /// resuming after a restart) no batch of it can be under way, and nothing waits for the commit in
    /// progress: resuming 10,000 executions would otherwise wait for one group commit each.
    private func closeWriter(of executionId: String) {
        let isOpen = state.withLock { state in
            state.quarantined[executionId] = nil
            return state.writers[executionId] != nil
        }
        guard isOpen else { return }
        let previous = committing.withLock { _ in state.withLock { $0.writers.removeValue(forKey: executionId) } }
        previous?.close()
    }

    /// Keeps the torn bytes in `<path>.torn-<offset>` and cuts them off the history.
    private func cutTornTail(_ path: String, _ bytes: [UInt8], at offset: Int) throws {
        do {
            try fileSystem.replaceFile(at: "\(path).torn-\(offset)", contents: Array(bytes[offset...]))
            try fileSystem.truncateFile(at: path, toLength: offset)
        } catch {
            throw failStop.stop(path, error)
        }
    }

    /// Keeps the bytes of a history that never started in `<path>.torn-0` and removes it.
    private func removeEmpty(_ path: String, _ bytes: [UInt8]) throws {
        do {
            if !bytes.isEmpty { try fileSystem.replaceFile(at: "\(path).torn-0", contents: bytes) }
            try fileSystem.removeFile(at: path)
        } catch {
            throw failStop.stop(path, error)
        }
    }

    private func read(_ executionId: String, _ path: String) throws -> [UInt8] {
        do {
            return try fileSystem.readFile(at: path)
        } catch let error as SystemError where error.code == .notFound {
            throw StoreError.executionNotFound(executionId, in: executionsDirectory)
        } catch {
            throw StoreError.io("cannot read \(path).", error)
        }
    }
}
