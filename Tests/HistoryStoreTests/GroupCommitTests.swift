import EngineTesting
import Synchronization
import SystemIO
import Testing
import WorkflowModel

@testable import HistoryStore

/// Group commit (`HistoryStore.commit(_:)` and `GroupCommitter`): batches of several executions made
/// durable together, and never acknowledged unless durable.
@Suite struct GroupCommitTests {
    static let state = "/state"

    func lockedStore(_ fileSystem: InMemoryFileSystem) throws -> (HistoryStore, any FileLock) {
        let store = try HistoryStore(stateDirectory: Self.state, fileSystem: fileSystem)
        return (store, try store.lockStateDirectory(holder: "pid 1, test"))
    }

    func code(_ result: Result<Void, StoreError>) -> StoreError.Code? {
        if case .failure(let error) = result { return error.code }
        return nil
    }

    @Test func aGroupOfCreationsAndAppendsIsDurableWhenCommitReturns() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let records = Fixtures.history(events: 9)
        try store.createExecution("a", records: Array(records.prefix(3)))
        try store.createExecution("b", records: Array(records.prefix(5)))
        let results = store.commit([
            HistoryBatch(executionId: "a", records: Array(records[3..<9])),
            HistoryBatch(executionId: "c", records: Array(records.prefix(2)), creates: true),
            HistoryBatch(executionId: "b", records: Array(records[5..<7])),
            HistoryBatch(executionId: "d", records: Array(records.prefix(9)), creates: true),
        ])
        #expect(results.map(code) == [nil, nil, nil, nil])
        // The new histories are open for appending like any other.
        #expect(store.commit([HistoryBatch(executionId: "c", records: Array(records[2..<4]))]).map(code) == [nil])
        let expected: [String: [HistoryRecord]] = [
            "a": records, "b": Array(records.prefix(7)), "c": Array(records.prefix(4)), "d": records,
        ]
        for (id, records) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(fileSystem.durableContents(of: store.historyPath(of: id)) == (try Fixtures.file(records, executionId: id)))
        }
    }

    @Test func aFailedFsyncInAGroupAcknowledgesNoBatchOfIt() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let records = Fixtures.history(events: 6)
        for id in ["a", "b", "c"] { try store.createExecution(id, records: Array(records.prefix(2))) }
        // Only one of the three fsyncs fails; the other two files may well be on disk, but the group
        // is one acknowledgement: none of it is acknowledged.
        fileSystem.failNextSync()
        let results = store.commit(
            ["a", "b", "c"].map { HistoryBatch(executionId: $0, records: Array(records[2..<6])) })
        #expect(results.map(code) == Array(repeating: StoreError.Code.stopped, count: 3))
        // Fail-stop: nothing more is written or acknowledged by this store.
        #expect(store.commit([HistoryBatch(executionId: "a", records: Array(records[2..<6]))]).map(code) == [StoreError.Code.stopped])
        #expect(throws: StoreError.self) { try store.append("b", records: Array(records[2..<6])) }
    }

    @Test func aFailedDirectoryFsyncFailsTheCreationsOfTheGroup() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let records = Fixtures.history(events: 3)
        try store.createExecution("a", records: Array(records.prefix(1)))
        // The temporaries' fsyncs come first; fail them all, whatever order they run in.
        fileSystem.failNextSync(count: 3)
        let results = store.commit([
            HistoryBatch(executionId: "b", records: records, creates: true),
            HistoryBatch(executionId: "a", records: Array(records[1...])),
            HistoryBatch(executionId: "c", records: records, creates: true),
        ])
        #expect(results.map(code) == Array(repeating: StoreError.Code.stopped, count: 3))
    }

    @Test func aBatchRefusedBeforeAnyIOFailsAloneAndTheRestIsDurable() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let records = Fixtures.history(events: 6)
        try store.createExecution("a", records: Array(records.prefix(2)))
        try store.createExecution("b", records: Array(records.prefix(2)))
        let results = store.commit([
            HistoryBatch(executionId: "a", records: records, creates: true),  // exists
            HistoryBatch(executionId: "b", records: Array(records[3..<6])),  // skips event 3
            HistoryBatch(executionId: "z", records: Array(records[2..<6])),  // never created
            HistoryBatch(executionId: "a", records: Array(records[2..<6])),
        ])
        #expect(
            results.map(code) == [
                StoreError.Code.executionExists, StoreError.Code.invalidRecord, StoreError.Code.executionNotFound, nil,
            ])
        #expect(fileSystem.durableContents(of: store.historyPath(of: "a")) == (try Fixtures.file(records, executionId: "a")))
        #expect(
            fileSystem.durableContents(of: store.historyPath(of: "b"))
                == (try Fixtures.file(Array(records.prefix(2)), executionId: "b")))
        // Not stopped: the refusals were the callers' mistakes, not the disk's.
        try store.append("b", records: Array(records[2..<4]))
    }

    /// Many executions committing at once through the committer: every batch acknowledged is on disk
    /// after a power loss, whatever groups the batches fell into, including when an fsync fails on the way.
    @Test(arguments: [false, true])
    func everyAcknowledgedBatchSurvivesPowerLoss(failAnFsync: Bool) async throws {
        let fileSystem = InMemoryFileSystem(seed: 7)
        let (store, _) = try lockedStore(fileSystem)
        let committer = GroupCommitter(store: store)
        let records = Fixtures.history(events: 12)
        let ids = (0..<24).map { "exec-\($0)" }
        let acknowledged = Acknowledged()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, id) in ids.enumerated() {
                group.addTask {
                    try? await committer.commit(HistoryBatch(executionId: id, records: Array(records.prefix(2)), creates: true))
                    for end in stride(from: 4, through: 12, by: 2) {
                        if failAnFsync, index == 5, end == 8 { fileSystem.failNextSync() }
                        do {
                            try await committer.commit(HistoryBatch(executionId: id, records: Array(records[(end - 2)..<end])))
                        } catch {
                            return
                        }
                        acknowledged.set(id, end)
                    }
                }
            }
            try await group.waitForAll()
        }
        let counts = acknowledged.counts
        if failAnFsync {
            #expect(counts.values.contains { $0 < 12 } || counts.count < ids.count)
        } else {
            #expect(counts.count == ids.count && counts.values.allSatisfy { $0 == 12 })
        }
        fileSystem.crash(mode: .dropUnsynced)
        fileSystem.restart()
        let reader = try HistoryStore(stateDirectory: Self.state, fileSystem: fileSystem)
        for (id, end) in counts {
            let recovered = try reader.load(id, repair: false)
            #expect(Array(recovered.records.prefix(end)) == Array(records.prefix(end)), "\(id): acknowledged up to event \(end)")
        }
    }
}

/// The last acknowledged event of each execution, shared by the committing tasks.
final class Acknowledged: Sendable {
    private let state = Mutex<[String: Int]>([:])
    var counts: [String: Int] { state.withLock { $0 } }
    func set(_ id: String, _ end: Int) { state.withLock { $0[id] = end } }
}

/// Long histories are checked and decoded on all cores before the scan applies its rules; the outcome
/// must be exactly the one-line-at-a-time result.
@Suite struct ParallelScanTests {
    static let events = HistoryRecovery.parallelDecodeLinesMin + 500

    func sample() throws -> (records: [HistoryRecord], bytes: [UInt8], starts: [Int]) {
        let records = Fixtures.history(events: Self.events, withAttempts: true)
        let bytes = try Fixtures.file(records)
        return (records, bytes, Fixtures.lineStarts(bytes))
    }

    @Test func aLongIntactHistoryDecodesInOrder() throws {
        let (records, bytes, _) = try sample()
        let result = HistoryRecovery.scan(bytes, file: "h", expectedExecutionId: "orders-rollout")
        #expect(result.outcome == .intact)
        #expect(result.records == records)
    }

    @Test func damageInTheMiddleOfALongHistoryQuarantinesAtItsRecord() throws {
        let (records, original, starts) = try sample()
        var bytes = original
        let damaged = 1_700
        bytes[starts[damaged] + 20] ^= 0x01
        let result = HistoryRecovery.scan(bytes, file: "h")
        #expect(
            result.outcome
                == .quarantined(
                    Quarantine(
                        file: "h", offset: starts[damaged],
                        reason: "checksum mismatch in record \(damaged) at byte \(starts[damaged])")))
        #expect(result.records == Array(records.prefix(damaged - 1)))
    }

    @Test func aTornLastRecordOfALongHistoryIsDropped() throws {
        let (records, bytes, starts) = try sample()
        let last = starts.count - 1
        let result = HistoryRecovery.scan(Array(bytes[..<(starts[last] + 9)]), file: "h")
        #expect(result.outcome == .tornTail(offset: starts[last], length: 9))
        #expect(result.records == Array(records.dropLast()))
    }
}
