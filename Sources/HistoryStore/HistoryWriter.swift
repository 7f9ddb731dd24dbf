import Synchronization
import SystemIO
import WorkflowModel

/// One execution open for writing: its file, what its next records must follow, and, for a history a
/// repairing load found, the bytes to write again with the first batch. It writes; ``HistoryStore``'s
/// commit decides when the writes are durable and acknowledged.
///
/// Its mutex serializes the writes of the execution; a failed write closes it and stops the store.
final class HistoryWriter: Sendable {
    /// What ``write(_:lines:)`` left for the commit to make durable.
    enum Pending {
        /// Appended to this file, to be fsynced.
        case append(any AppendableFile)
        /// The history, to be replaced whole with ``rewriteContents``.
        case rewrite
    }

    private struct State {
        /// Nil once closed: by a failed write, or by a repairing load of the same execution.
        var file: (any AppendableFile)?
        var sequence: EventSequence
        var eventCount: Int
        /// The valid bytes a repairing load found, followed by the batches written since; nil once
        /// the history is known durable (see ``HistoryStore/load(_:repair:)`` for why).
        var rewrite: [UInt8]?
    }

    let executionId: String
    let path: String
    private let fileSystem: any DurableFileSystem
    private let failStop: FailStop
    private let state: Mutex<State>

    /// Opens `path` for appending; an open that fails stops the store (the history may be half-made).
    init(
        _ executionId: String, path: String, sequence: EventSequence, eventCount: Int, rewrite: [UInt8]?,
        fileSystem: any DurableFileSystem, failStop: FailStop
    ) throws(StoreError) {
        let file: any AppendableFile
        do {
            file = try fileSystem.openForAppending(at: path)
        } catch {
            throw failStop.stop(path, error)
        }
        self.executionId = executionId
        self.path = path
        self.fileSystem = fileSystem
        self.failStop = failStop
        state = Mutex(State(file: file, sequence: sequence, eventCount: eventCount, rewrite: rewrite))
    }

    deinit {
        state.withLock { $0.file?.close() }
    }

    /// Checks `records` against what the history holds, then writes `lines` (their encoding) without
    /// fsync; returns what is left to make them durable, nil when there was nothing to write.
    /// - Throws: ``StoreError``: `store.invalidRecord` or `store.historyTooLong` (nothing written),
    ///   `store.notOpen` (closed), `store.stopped` (this write failed, or an earlier one).
    func write(_ records: [HistoryRecord], lines: [UInt8]) throws -> Pending? {
        try state.withLock { state -> Pending? in
            guard let file = state.file else { throw failStop.error ?? StoreError.closed(executionId) }
            try failStop.check()
            let sequence = try Self.check(records, following: state.sequence, eventCount: state.eventCount)
            if let rewrite = state.rewrite {
                // The batch joins the pending contents, so a second batch of this execution in the same
                // group replaces the file with both, never with one of them.
                state.rewrite = rewrite + lines
                state.sequence = sequence
                state.eventCount += records.count(where: \.isEvent)
                return .rewrite
            }
            guard !records.isEmpty else { return nil }
            do {
                try file.append(lines)
            } catch {
                state.file = nil
                file.close()
                throw failStop.stop(path, error)
            }
            // Counted now: if the fsync fails the store stops, and nothing more is written anyway.
            state.sequence = sequence
            state.eventCount += records.count(where: \.isEvent)
            return .append(file)
        }
    }

    /// What the history is to be replaced with (the repaired bytes and the batches since), if anything.
    var rewriteContents: [UInt8]? { state.withLock { $0.rewrite } }

    /// After the history was replaced with ``rewriteContents``: on success, appends continue in the
    /// new file; on failure the store stops (the old file may or may not have been replaced).
    func finishRewrite(_ result: Result<Void, any Error>) throws(StoreError) {
        try state.withLock { state throws(StoreError) in
            state.file?.close()
            state.file = nil
            do {
                try result.get()
                state.file = try fileSystem.openForAppending(at: path)
                state.rewrite = nil
            } catch {
                throw failStop.stop(path, error)
            }
        }
    }

    /// Closes the file: later writes are refused until the execution is loaded again.
    func close() {
        state.withLock { state in
            state.file?.close()
            state.file = nil
        }
    }

    /// Checks the order and the event-count limit of `records` following `sequence`; returns the
    /// sequence after them.
    static func check(_ records: [HistoryRecord], following sequence: EventSequence, eventCount: Int) throws -> EventSequence {
        var sequence = sequence
        for record in records {
            if let problem = sequence.accept(record) {
                throw StoreError(
                    code: .invalidRecord,
                    message: "refusing to write a record that breaks the history's order: \(problem). Nothing was written.")
            }
        }
        let total = eventCount + records.count(where: \.isEvent)
        if total > Limits.historyEventsMax {
            throw StoreError(
                code: .historyTooLong,
                message: "the history would have \(total) events, more than the limit of \(Limits.historyEventsMax). "
                    + "Nothing was written.")
        }
        return sequence
    }
}
