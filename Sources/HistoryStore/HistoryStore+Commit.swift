import Synchronization
import SystemIO
import WorkflowModel

// The one write path: every batch, alone or in a group, goes through these steps.
extension HistoryStore {
    /// Writes the batches of several executions and makes them durable together (group commit): every
    /// new history is created (sharing the directory fsync), every append is written, then the repaired
    /// histories are replaced and the appended files fsynced. One result per batch, in order. A batch
    /// refused before any I/O (an existing id, a record out of order, ...) fails alone; a failed write
    /// or fsync stops the store and fails every batch of the group, so none of them is acknowledged.
    public func commit(_ batches: [HistoryBatch]) -> [Result<Void, StoreError>] {
        committing.withLock { _ in
            var group = GroupOutcome(count: batches.count)
            do throws(StoreError) {
                try requireWritable()
            } catch {
                group.stop(error)
                return group.results
            }
            createHistories(batches, &group)
            let pending = writeAppends(batches, &group)
            makeDurable(pending, &group)
            return group.results
        }
    }

    /// Creates the new histories of a group: each checked and encoded, then all created at once
    /// (sharing the directory fsync) and opened for writing.
    private func createHistories(_ batches: [HistoryBatch], _ group: inout GroupOutcome) {
        var creations: [Creation] = []
        for (index, batch) in batches.enumerated() where batch.creates {
            do {
                try validate(batch.executionId)
                try creations.append(Creation(index: index, batch: batch, path: historyPath(of: batch.executionId)))
            } catch {
                group.refuse(index, error)
            }
        }
        guard !creations.isEmpty else { return }
        let created = fileSystem.createFilesExclusively(creations.map { ($0.path, $0.contents) })
        for (creation, outcome) in zip(creations, created) {
            switch outcome {
            case .success:
                do throws(StoreError) {
                    try openWriter(
                        creation.executionId, path: creation.path, sequence: creation.sequence, eventCount: creation.events)
                } catch {
                    group.stop(error)
                }
            case .failure(let error as SystemError) where error.code == .alreadyExists:
                group.refuse(creation.index, StoreError.executionExists(creation.executionId, path: creation.path))
            case .failure(let error):
                // The file may or may not exist now, and its name may not be durable: stop.
                group.stop(failStop.stop(creation.path, error))
            }
        }
    }

    /// A new history of a group, checked and encoded.
    private struct Creation {
        let index: Int
        let executionId: String
        let path: String
        let contents: [UInt8]
        let sequence: EventSequence
        let events: Int

        init(index: Int, batch: HistoryBatch, path: String) throws {
            sequence = try HistoryWriter.check(batch.records, following: EventSequence(), eventCount: 0)
            contents = try HistoryFormat.headerLine(executionId: batch.executionId) + batch.encodedLines()
            self.index = index
            executionId = batch.executionId
            self.path = path
            events = batch.records.count(where: \.isEvent)
        }
    }

    /// Writes the appends of a group, each under its writer's lock, without fsync; returns what is left
    /// to make them durable, in the order of the batches.
    private func writeAppends(_ batches: [HistoryBatch], _ group: inout GroupOutcome) -> PendingWrites {
        var pending = PendingWrites()
        for (index, batch) in batches.enumerated() where !batch.creates && group.failure == nil {
            do {
                try validate(batch.executionId)
                let writer = try self.writer(for: batch.executionId)
                switch try writer.write(batch.records, lines: batch.encodedLines()) {
                case .append(let file): pending.add(file, path: writer.path)
                case .rewrite: pending.add(writer)
                case nil: break
                }
            } catch let error as StoreError where error.code == .stopped {
                group.stop(error)
            } catch {
                group.refuse(index, error)
            }
        }
        return pending
    }

    /// Makes a group's writes durable: the repaired histories are replaced whole with their batches
    /// (sharing the directory fsync), then the appended files are fsynced together. Any failure stops
    /// the store.
    private func makeDurable(_ pending: PendingWrites, _ group: inout GroupOutcome) {
        if group.failure == nil, !pending.rewrites.isEmpty {
            let contents = pending.rewrites.map { ($0.path, $0.rewriteContents ?? []) }
            let replaced = fileSystem.replaceFiles(contents)
            for (writer, result) in zip(pending.rewrites, replaced) {
                do throws(StoreError) {
                    try writer.finishRewrite(result)
                } catch {
                    group.stop(error)
                }
            }
        }
        if group.failure == nil, !pending.files.isEmpty {
            do {
                try fileSystem.syncAll(pending.files)
            } catch {
                // The cause names the file; the message does too when there is only one.
                group.stop(failStop.stop(pending.paths.count == 1 ? pending.paths[0] : executionsDirectory, error))
            }
        }
    }

    /// What a group's appends left to make durable, each once, in the order first written.
    private struct PendingWrites {
        private(set) var files: [any AppendableFile] = []
        private(set) var paths: [String] = []
        private(set) var rewrites: [HistoryWriter] = []
        private var seen: Set<ObjectIdentifier> = []

        mutating func add(_ file: any AppendableFile, path: String) {
            guard seen.insert(ObjectIdentifier(file)).inserted else { return }
            files.append(file)
            paths.append(path)
        }

        mutating func add(_ writer: HistoryWriter) {
            if seen.insert(ObjectIdentifier(writer)).inserted { rewrites.append(writer) }
        }
    }

    /// The results of a group so far: each batch's own refusal, or the failure that fails them all.
    private struct GroupOutcome {
        private var refusals: [StoreError?]
        private(set) var failure: StoreError?

        init(count: Int) {
            refusals = Array(repeating: nil, count: count)
        }

        /// Batch `index` fails alone with `error` (a ``StoreError``; anything else could not be encoded).
        mutating func refuse(_ index: Int, _ error: any Error) {
            refusals[index] = error as? StoreError ?? StoreError.unencodable(error)
        }

        /// The whole group fails with `error` (the first one is kept): fail-stop, or the store could
        /// not write at all.
        mutating func stop(_ error: StoreError) {
            failure = failure ?? error
        }

        /// One result per batch: nothing of the group is acknowledged after a failure, whatever
        /// reached the disk.
        var results: [Result<Void, StoreError>] {
            if let failure { return refusals.map { _ in .failure(failure) } }
            return refusals.map { $0.map(Result.failure) ?? .success(()) }
        }
    }
}
