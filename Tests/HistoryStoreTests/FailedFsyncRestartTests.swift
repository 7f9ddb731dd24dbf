import EngineTesting
import SystemIO
import Testing

@testable import HistoryStore

/// Found by the deterministic simulation (seeds 169 and 184 of base 100): a failed fsync, a restart
/// without a reboot, more acknowledged appends, then a power loss.
@Suite struct FailedFsyncRestartTests {
    static let id = "orders-rollout"

    /// After a failed fsync, Linux keeps the bytes readable in the page cache but never writes them,
    /// so the next process reads an intact-looking history. If it appended after them, a later power
    /// loss would turn them into zeros in the middle of the file: quarantine, and acknowledged
    /// events lost. Repair writes the valid bytes again, durably, before anything is appended.
    @Test func appendsAfterARestartFollowingAFailedFsyncSurviveAPowerLoss() throws {
        let fileSystem = InMemoryFileSystem(seed: 3)
        let records = Fixtures.history(events: 12)
        let store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        _ = try store.lockStateDirectory(holder: "first")
        try store.createExecution(Self.id, records: Array(records.prefix(4)))
        fileSystem.failNextSync()
        #expect(throws: StoreError.self) { try store.append(Self.id, records: [records[4]]) }

        // The process dies; the page cache (with the never-written record) survives.
        fileSystem.crash(mode: .processKill)
        let restarted = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        _ = try restarted.lockStateDirectory(holder: "second")
        let recovered = try restarted.load(Self.id, repair: true)
        #expect(recovered.outcome == .intact)
        #expect(recovered.records.count == 5)
        try restarted.append(Self.id, records: Array(records[5...]))

        fileSystem.crash(mode: .dropUnsynced)
        let after = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem).load(Self.id, repair: false)
        #expect(after.outcome == .intact)
        #expect(after.records == records)
    }

    /// The same through group commit: the first batch of each repaired history replaces it whole,
    /// and the replacements of one group are durable when `commit` returns.
    @Test func groupCommittedBatchesAfterARestartFollowingAFailedFsyncSurviveAPowerLoss() throws {
        let fileSystem = InMemoryFileSystem(seed: 5)
        let records = Fixtures.history(events: 12)
        let ids = ["a", "b", "c"]
        let store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        _ = try store.lockStateDirectory(holder: "first")
        for id in ids { try store.createExecution(id, records: Array(records.prefix(4))) }
        fileSystem.failNextSync()
        _ = store.commit(ids.map { HistoryBatch(executionId: $0, records: [records[4]]) })

        fileSystem.crash(mode: .processKill)
        let restarted = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        _ = try restarted.lockStateDirectory(holder: "second")
        for id in ids { #expect(try restarted.load(id, repair: true).records.count == 5) }
        let results = restarted.commit(ids.map { HistoryBatch(executionId: $0, records: Array(records[5..<8])) })
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        // Appends after the rewrite go to the new file.
        #expect(restarted.commit([HistoryBatch(executionId: "b", records: Array(records[8...]))]).allSatisfy { (try? $0.get()) != nil })

        fileSystem.crash(mode: .dropUnsynced)
        let reader = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        for id in ids {
            let after = try reader.load(id, repair: false)
            #expect(after.outcome == .intact, "\(id)")
            #expect(after.records == Array(records.prefix(id == "b" ? 12 : 8)), "\(id)")
        }
    }

    /// A rewrite that fails stops the store, and no batch of its group is acknowledged.
    @Test func aFailedRewriteAcknowledgesNothingOfItsGroup() throws {
        let fileSystem = InMemoryFileSystem(seed: 7)
        let records = Fixtures.history(events: 8)
        let first = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        let lock = try first.lockStateDirectory(holder: "first")
        for id in ["a", "b"] { try first.createExecution(id, records: Array(records.prefix(4))) }
        lock.release()

        let store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        _ = try store.lockStateDirectory(holder: "second")
        _ = try store.load("a", repair: true)  // to be rewritten with its first batch
        _ = try store.load("b", repair: true)
        try store.append("b", records: [records[4]])  // b is rewritten and appended to, durably
        fileSystem.failNextSync()
        let results = store.commit([
            HistoryBatch(executionId: "a", records: [records[4]]), HistoryBatch(executionId: "b", records: [records[5]]),
        ])
        #expect(results.map { (try? $0.get()) == nil } == [true, true])
        #expect(throws: StoreError.self) { try store.append("b", records: [records[6]]) }
    }

    /// Two batches of one repaired history in the same group: the file is replaced with both, so the
    /// first is not lost to the second's replacement (found in review).
    @Test func twoBatchesOfARepairedHistoryInOneGroupAreBothDurable() throws {
        let fileSystem = InMemoryFileSystem(seed: 9)
        let records = Fixtures.history(events: 8)
        let first = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        let lock = try first.lockStateDirectory(holder: "first")
        try first.createExecution("a", records: Array(records.prefix(4)))
        lock.release()

        let store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        _ = try store.lockStateDirectory(holder: "second")
        _ = try store.load("a", repair: true)
        let results = store.commit([
            HistoryBatch(executionId: "a", records: [records[4]]), HistoryBatch(executionId: "a", records: [records[5]]),
        ])
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        #expect(store.commit([HistoryBatch(executionId: "a", records: [records[6]])]).allSatisfy { (try? $0.get()) != nil })

        fileSystem.crash(mode: .dropUnsynced)
        let after = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem).load("a", repair: false)
        #expect(after.outcome == .intact)
        #expect(after.records == Array(records.prefix(7)))
    }
}
