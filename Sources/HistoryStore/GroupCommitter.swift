import Dispatch
import Synchronization

/// Group commit: many callers (one per execution) hand in batches; one writer at a time takes every
/// batch waiting and commits them together with ``HistoryStore/commit(_:)``, so executions share
/// fsyncs instead of queueing behind each other. While a group is being written, new batches gather
/// for the next one; a lone batch is written at once, so the sequential path costs one fsync.
///
/// A caller resumes only after its batch is durable, or with the error that stopped the store.
public final class GroupCommitter: Sendable {
    /// Batches one group may hold: bounds the latency of the first batch in a group.
    public static let batchesPerGroupMax = 4_096

    private struct Pending {
        let batch: HistoryBatch
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var writing = false
    }

    private let store: HistoryStore
    private let state = Mutex(State())
    /// The writer runs here, off the Swift concurrency pool: fsync blocks its thread.
    private let queue = DispatchQueue(label: "cairn.group-commit")

    /// A committer writing to `store`.
    public init(store: HistoryStore) {
        self.store = store
    }

    /// Writes `batch` in the next group; returns when it is durable.
    /// - Throws: the ``StoreError`` of this batch, or the one that stopped the store.
    public func commit(_ batch: HistoryBatch) async throws {
        var batch = batch
        try batch.encodeLines()
        let leads = state.withLock { state -> Bool in
            guard !state.writing else { return false }
            state.writing = true
            return true
        }
        if leads {
            try writeLed(batch)
            return
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let startWriter = state.withLock { state -> Bool in
                state.pending.append(Pending(batch: batch, continuation: continuation))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if startWriter { queue.async { self.writeGroups() } }
        }
    }

    /// Writes `batch` on the calling thread, with whatever else waits; hands later groups to the writer queue.
    private func writeLed(_ batch: HistoryBatch) throws {
        let others = state.withLock { state -> [Pending] in
            let count = min(state.pending.count, Self.batchesPerGroupMax - 1)
            defer { state.pending.removeFirst(count) }
            return Array(state.pending.prefix(count))
        }
        let results = store.commit([batch] + others.map(\.batch))
        for (pending, result) in zip(others, results.dropFirst()) {
            switch result {
            case .success: pending.continuation.resume()
            case .failure(let error): pending.continuation.resume(throwing: error)
            }
        }
        let more = state.withLock { state -> Bool in
            if state.pending.isEmpty { state.writing = false }
            return state.writing
        }
        if more { queue.async { self.writeGroups() } }
        try results[0].get()
    }

    /// Commits groups until none is waiting.
    private func writeGroups() {
        while true {
            let group = state.withLock { state -> [Pending] in
                guard !state.pending.isEmpty else {
                    state.writing = false
                    return []
                }
                let count = min(state.pending.count, Self.batchesPerGroupMax)
                defer { state.pending.removeFirst(count) }
                return Array(state.pending.prefix(count))
            }
            if group.isEmpty { return }
            let results = store.commit(group.map(\.batch))
            for (pending, result) in zip(group, results) {
                switch result {
                case .success: pending.continuation.resume()
                case .failure(let error): pending.continuation.resume(throwing: error)
                }
            }
        }
    }
}
