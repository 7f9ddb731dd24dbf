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
}
