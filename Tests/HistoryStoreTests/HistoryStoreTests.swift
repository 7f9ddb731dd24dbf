import EngineTesting
import StrictJSON
import SystemIO
import Testing
import WorkflowModel

@testable import HistoryStore

/// The store on the in-memory file system: API behaviour, fail-stop, and crash recovery
/// (reliability.md tests T04–T10).
@Suite struct HistoryStoreTests {
    static let state = "/state"
    static let id = "orders-rollout"

    /// A store over `fileSystem` that holds the state lock.
    func lockedStore(_ fileSystem: InMemoryFileSystem, holder: String = "pid 1, test") throws -> (HistoryStore, any FileLock) {
        let store = try HistoryStore(stateDirectory: Self.state, fileSystem: fileSystem)
        return (store, try store.lockStateDirectory(holder: holder))
    }

    func code(of error: any Error) -> StoreError.Code? { (error as? StoreError)?.code }

    // MARK: API

    @Test func createAppendAndLoad() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let records = Fixtures.history(events: 12, withAttempts: true)
        try store.createExecution(Self.id, records: Array(records.prefix(1)))
        try store.append(Self.id, records: Array(records[1..<5]))
        for record in records[5...] { try store.append(Self.id, records: [record]) }
        try store.append(Self.id, records: [])

        #expect(store.historyPath(of: Self.id) == "/state/executions/orders-rollout.history")
        let loaded = try store.load(Self.id, repair: false)
        #expect(loaded.outcome == .intact)
        #expect(loaded.records == records)
        #expect(loaded.events.map(\.eventId) == Array(1...12))
        #expect(fileSystem.visibleContents(of: store.historyPath(of: Self.id)) == (try Fixtures.file(records)))
        #expect(try store.listExecutions() == [Self.id])
    }

    @Test func stateDirectoryLayout() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem, holder: "pid 42, cairn run x.json")
        try store.createExecution("b-2", records: Array(Fixtures.history(events: 1)))
        try store.createExecution("a-1", records: Array(Fixtures.history(events: 1)))
        #expect(store.executionsDirectory == "/state/executions")
        #expect(try fileSystem.listDirectory(at: "/state") == ["LOCK", "executions"])
        #expect(fileSystem.visibleContents(of: "/state/LOCK") == Array("pid 42, cairn run x.json\n".utf8))
        fileSystem.setContents(of: "/state/executions/a-1.history.torn-100", to: [1])
        fileSystem.setContents(of: "/state/executions/.a-1.history.tmp-1-9", to: [1])
        fileSystem.setContents(of: "/state/executions/notes.txt", to: [1])
        #expect(try store.listExecutions() == ["a-1", "b-2"])
        #expect(try HistoryStore(stateDirectory: "/state/", fileSystem: fileSystem).listExecutions() == ["a-1", "b-2"])
    }

    @Test func refusals() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let start = Array(Fixtures.history(events: 1))
        try store.createExecution(Self.id, records: start)
        #expect { try store.createExecution(Self.id, records: start) } throws: { code(of: $0) == StoreError.Code.executionExists }
        for bad in ["", "../etc", "a/b", "arn", ".hidden", String(repeating: "x", count: 129)] {
            #expect { try store.createExecution(bad, records: start) } throws: { code(of: $0) == StoreError.Code.invalidExecutionId }
            #expect { try store.load(bad, repair: false) } throws: { code(of: $0) == StoreError.Code.invalidExecutionId }
        }
        #expect { try store.load("missing", repair: false) } throws: { code(of: $0) == StoreError.Code.executionNotFound }
        #expect { try store.append("missing", records: start) } throws: { code(of: $0) == StoreError.Code.executionNotFound }
        // Out of order: refused before anything is written, and the store keeps working.
        let before = fileSystem.visibleContents(of: store.historyPath(of: Self.id))
        let gap = HistoryRecord.event(Fixtures.event(.decisionTaskScheduled, id: 3))
        #expect { try store.append(Self.id, records: [gap]) } throws: { code(of: $0) == StoreError.Code.invalidRecord }
        #expect { try store.createExecution("other", records: [gap]) } throws: { code(of: $0) == StoreError.Code.invalidRecord }
        let huge = HistoryRecord.event(
            HistoryEvent(
                eventId: 2, eventTimestamp: Fixtures.timestamp(2),
                attributes: .markerRecorded(
                    .init(markerName: "m", details: .string(String(repeating: "x", count: 300_000)), decisionTaskCompletedEventId: 1))))
        #expect { try store.append(Self.id, records: [Fixtures.history(events: 2)[1], huge]) } throws: {
            code(of: $0) == StoreError.Code.recordTooLarge
        }
        #expect(fileSystem.visibleContents(of: store.historyPath(of: Self.id)) == before)
        #expect(!fileSystem.fileExists(at: store.historyPath(of: "other")))
        try store.append(Self.id, records: [Fixtures.history(events: 2)[1]])
    }

    @Test func historyLengthIsLimited() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let records = (1...Int64(Limits.historyEventsMax)).map { id -> HistoryRecord in
            id == 1 ? .event(Fixtures.event(.workflowExecutionStarted, id: 1)) : .event(Fixtures.event(.timerFired, id: id))
        }
        try store.createExecution(Self.id, records: records)
        let next = HistoryRecord.event(Fixtures.event(.timerFired, id: Int64(Limits.historyEventsMax) + 1))
        #expect { try store.append(Self.id, records: [next]) } throws: { code(of: $0) == StoreError.Code.historyTooLong }
    }

    @Test func writingRequiresTheLock() throws {
        let fileSystem = InMemoryFileSystem()
        let store = try HistoryStore(stateDirectory: Self.state, fileSystem: fileSystem)
        let start = Array(Fixtures.history(events: 1))
        #expect { try store.createExecution(Self.id, records: start) } throws: { code(of: $0) == StoreError.Code.notLocked }
        let lock = try store.lockStateDirectory(holder: "me")
        try store.createExecution(Self.id, records: start)
        lock.release()
        #expect { try store.append(Self.id, records: [Fixtures.history(events: 2)[1]]) } throws: {
            code(of: $0) == StoreError.Code.notLocked
        }
        #expect { try store.load(Self.id, repair: true) } throws: { code(of: $0) == StoreError.Code.notLocked }
        #expect(try store.load(Self.id, repair: false).records == start)
        // Relocking does not reopen: the execution must be loaded for writing again.
        _ = try store.lockStateDirectory(holder: "me again")
        #expect { try store.append(Self.id, records: [Fixtures.history(events: 2)[1]]) } throws: { code(of: $0) == StoreError.Code.notOpen }
        _ = try store.load(Self.id, repair: true)
        try store.append(Self.id, records: [Fixtures.history(events: 2)[1]])
    }

    @Test func secondEngineIsRefusedWithTheHolder() throws {
        let fileSystem = InMemoryFileSystem()
        let (_, lock) = try lockedStore(fileSystem, holder: "pid 123, cairn run rollout.json, since 2026-01-01T00:00:00.000Z")
        let other = try HistoryStore(stateDirectory: Self.state, fileSystem: fileSystem)
        #expect {
            try other.lockStateDirectory(holder: "pid 456")
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == StoreError.Code.locked
                && error.message == "the state directory /state is in use by another Cairn engine (pid 123, cairn run "
                    + "rollout.json, since 2026-01-01T00:00:00.000Z). Wait for it to finish, or use --state-dir for a separate directory."
        }
        lock.release()
        _ = try other.lockStateDirectory(holder: "pid 456")
    }

    @Test func eachAppendIsOneWriteAndOneFsyncAndCreateSyncsTheDirectory() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let records = Fixtures.history(events: 4)
        let path = store.historyPath(of: Self.id)
        let logStart = fileSystem.operationLog.count
        try store.createExecution(Self.id, records: [records[0]])
        let createLog = Array(fileSystem.operationLog[logStart...])
        // The name becomes visible by link and durable by the directory fsync that follows it.
        let link = try #require(createLog.firstIndex { if case .link(_, to: path) = $0 { true } else { false } })
        #expect(createLog[(link + 1)...].contains(.syncDirectory("/state/executions")))
        #expect(fileSystem.durableContents(of: path) == fileSystem.visibleContents(of: path))

        let before = fileSystem.operationLog.count
        try store.append(Self.id, records: Array(records[1...]))
        #expect(
            Array(fileSystem.operationLog[before...]) == [
                .write(path, byteCount: (try Fixtures.file(records)).count - (try Fixtures.file([records[0]])).count), .syncFile(path),
            ])
        #expect(fileSystem.durableContents(of: path) == (try Fixtures.file(records)))
    }

    // MARK: T08 fail-stop

    @Test func failedFsyncStopsEveryWriteAndAcknowledgedRecordsSurvive() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let ids = ["a", "b", "c"]
        let records = Fixtures.history(events: 6)
        var acknowledged: [String: Int] = [:]
        for id in ids {
            try store.createExecution(id, records: [records[0]])
            for record in records[1..<4] { try store.append(id, records: [record]) }
            acknowledged[id] = 4
        }
        fileSystem.failNextSync()
        let syncsBefore = fileSystem.operationLog.filter { if case .syncFile = $0 { true } else { false } }.count
        var stopped: StoreError?
        #expect {
            try store.append("b", records: [records[4]])
        } throws: { error in
            stopped = error as? StoreError
            return stopped?.code == StoreError.Code.stopped
        }
        #expect(stopped?.message.hasPrefix("history writes stopped after an I/O error on /state/executions/b.history: ") == true)
        #expect(
            stopped?.message.hasSuffix("Fix the disk (space, permissions) and restart Cairn; histories are checked on restart.") == true)
        // Every later write is refused without touching the disk; reads still work.
        #expect { try store.append("a", records: [records[4]]) } throws: { code(of: $0) == StoreError.Code.stopped }
        #expect { try store.append("b", records: [records[4]]) } throws: { code(of: $0) == StoreError.Code.stopped }
        #expect { try store.createExecution("d", records: [records[0]]) } throws: { code(of: $0) == StoreError.Code.stopped }
        #expect { try store.load("a", repair: true) } throws: { code(of: $0) == StoreError.Code.stopped }
        #expect(try store.load("a", repair: false).records.count == 4)
        let syncsAfter = fileSystem.operationLog.filter { if case .syncFile = $0 { true } else { false } }.count
        #expect(syncsAfter == syncsBefore, "an fsync was retried")

        fileSystem.crash(mode: .dropUnsynced)
        let (restarted, _) = try lockedStore(fileSystem)
        var lost = 0
        for id in ids {
            let recovered = try restarted.load(id, repair: true)
            #expect(recovered.outcome == .intact)
            #expect(recovered.records == Array(records.prefix(recovered.records.count)))
            lost += max(0, acknowledged[id]! - recovered.records.count)
        }
        #expect(lost == 0)
        try restarted.append("b", records: [records[4]])
        print("RESULT test=T08 fault=fsync acknowledged_after_failure=0 fsync_retries=0 lost_acknowledged=\(lost)")
    }

    @Test func noSpaceMidRecordStopsAndRecoveryDropsTheTornTail() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let records = Fixtures.history(events: 8)
        try store.createExecution(Self.id, records: Array(records.prefix(5)))
        let path = store.historyPath(of: Self.id)
        let good = try #require(fileSystem.visibleContents(of: path))
        fileSystem.failWritesWithNoSpace(after: 10)
        #expect { try store.append(Self.id, records: [records[5]]) } throws: { error in
            code(of: error) == StoreError.Code.stopped && ((error as? StoreError)?.cause as? SystemError)?.code == .noSpace
        }
        #expect { try store.append(Self.id, records: [records[5]]) } throws: { code(of: $0) == StoreError.Code.stopped }
        #expect(fileSystem.visibleContents(of: path)?.count == good.count + 10)

        // The operator frees space and restarts Cairn (the process dies; the page cache survives).
        fileSystem.clearFaults()
        fileSystem.crash(mode: .processKill)
        let (restarted, _) = try lockedStore(fileSystem)
        let recovered = try restarted.load(Self.id, repair: true)
        #expect(recovered.outcome == .tornTail(offset: good.count, length: 10))
        #expect(recovered.records == Array(records.prefix(5)))
        #expect(fileSystem.visibleContents(of: path) == good)
        #expect(fileSystem.durableContents(of: "\(path).torn-\(good.count)") == Array((try HistoryFormat.line(for: records[5])).prefix(10)))
        try restarted.append(Self.id, records: Array(records[5...]))
        #expect(
            try restarted.load(Self.id, repair: false)
                == RecoveredHistory(
                    executionId: Self.id, records: records, validLength: (try Fixtures.file(records)).count, outcome: .intact))
    }

    @Test(arguments: [InMemoryFileSystem.CrashMode.processKill, .dropUnsynced])
    func ambiguousWriteStopsAndIdsStayContiguous(mode: InMemoryFileSystem.CrashMode) throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let records = Fixtures.history(events: 10)
        try store.createExecution(Self.id, records: Array(records.prefix(4)))
        fileSystem.reportErrorAfterWrite()
        #expect { try store.append(Self.id, records: [records[4]]) } throws: { code(of: $0) == StoreError.Code.stopped }

        fileSystem.crash(mode: mode)
        let (restarted, _) = try lockedStore(fileSystem)
        let recovered = try restarted.load(Self.id, repair: true)
        #expect(recovered.outcome == .intact)
        // The record may or may not have committed: 4 after power loss, 5 when the page cache survived.
        #expect(recovered.records.count == (mode == .processKill ? 5 : 4))
        #expect(recovered.records == Array(records.prefix(recovered.records.count)))
        // The engine continues from what the history says (T10: no duplicate, no gap).
        let next = recovered.events.last!.eventId
        try restarted.append(Self.id, records: Array(records[Int(next)...]))
        let final = try restarted.load(Self.id, repair: false)
        #expect(final.outcome == .intact)
        #expect(final.events.map(\.eventId) == Array(1...10))
    }

    // MARK: T06/T07 crash at every step

    @Test(.tags(.sweep), arguments: [InMemoryFileSystem.CrashMode.dropUnsynced, .tornTail(seed: 7), .processKill])
    func crashAtEveryOperationRecoversAPrefixWithEveryAcknowledgedRecord(mode: InMemoryFileSystem.CrashMode) throws {
        let workload = Array(Fixtures.history(events: 26, withAttempts: true).prefix(30))
        #expect(workload.count == 30)
        var crashes = 0
        var lostAcknowledged = 0
        var unacknowledgedKept = 0
        var step = 1
        while true {
            let fileSystem = InMemoryFileSystem(seed: UInt64(step))
            let (store, _) = try lockedStore(fileSystem)
            fileSystem.crashAfter(operations: step)
            var acknowledged = 0
            do {
                try store.createExecution(Self.id, records: [workload[0]])
                acknowledged = 1
                for record in workload[1...] {
                    try store.append(Self.id, records: [record])
                    acknowledged += 1
                }
            } catch {
                #expect(code(of: error) == StoreError.Code.stopped, "step \(step): \(error)")
            }
            guard fileSystem.isCrashed else {
                #expect(acknowledged == workload.count)
                break
            }
            crashes += 1

            fileSystem.restart(mode: mode)
            let (restarted, _) = try lockedStore(fileSystem)
            var recovered: [HistoryRecord] = []
            do {
                let history = try restarted.load(Self.id, repair: true)
                recovered = history.records
                switch history.outcome {
                case .intact, .tornTail: break
                default: Issue.record("step \(step): \(history.outcome)")
                }
            } catch {
                #expect(code(of: error) == StoreError.Code.executionNotFound, "step \(step): \(error)")
            }
            #expect(recovered == Array(workload.prefix(recovered.count)), "step \(step): not a prefix")
            #expect(recovered.count >= acknowledged, "step \(step): lost an acknowledged record")
            #expect(recovered.count <= acknowledged + 1, "step \(step): more than the record in flight")
            lostAcknowledged += max(0, acknowledged - recovered.count)
            unacknowledgedKept += recovered.count - acknowledged

            // The next engine carries on from the recovered history.
            if recovered.isEmpty {
                try restarted.createExecution(Self.id, records: [workload[0]])
            } else if recovered.count < workload.count {
                try restarted.append(Self.id, records: Array(workload[recovered.count...]))
            }
            let final = try restarted.load(Self.id, repair: false)
            #expect(final.outcome == .intact && final.records.count == (recovered.isEmpty ? 1 : workload.count), "step \(step)")
            step += 1
        }
        #expect(crashes > 60)
        print(
            "RESULT test=T06 mode=\(mode) crash_points=\(crashes) lost_acknowledged=\(lostAcknowledged) unacknowledged_kept=\(unacknowledgedKept)"
        )
    }

    @Test func repairSurvivesACrashAtEveryStep() throws {
        let records = Fixtures.history(events: 10)
        let base = try Fixtures.file(records)
        let tail = Array((try HistoryFormat.line(for: .event(Fixtures.event(.timerFired, id: 11)))).prefix(40))
        var step = 1
        while true {
            let fileSystem = InMemoryFileSystem(seed: UInt64(step))
            let (store, _) = try lockedStore(fileSystem)
            let path = store.historyPath(of: Self.id)
            fileSystem.setContents(of: path, to: base + tail)
            fileSystem.crashAfter(operations: step)
            _ = try? store.load(Self.id, repair: true)
            guard fileSystem.isCrashed else { break }
            fileSystem.restart(mode: .dropUnsynced)

            let (restarted, _) = try lockedStore(fileSystem)
            let recovered = try restarted.load(Self.id, repair: true)
            #expect(recovered.records == records, "step \(step)")
            #expect(recovered.outcome == .intact || recovered.outcome == .tornTail(offset: base.count, length: tail.count), "step \(step)")
            #expect(fileSystem.visibleContents(of: path) == base)
            #expect(fileSystem.durableContents(of: "\(path).torn-\(base.count)") == tail)
            try restarted.append(Self.id, records: [.event(Fixtures.event(.timerFired, id: 11))])
            step += 1
        }
        #expect(step > 5)
    }

    // MARK: T04 quarantine

    @Test func midFileDamageQuarantinesOneExecutionAndTheOthersRun() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, lock) = try lockedStore(fileSystem)
        let records = Fixtures.history(events: 20)
        let ids = (1...20).map { "execution-\($0)" }
        for id in ids { try store.createExecution(id, records: records) }
        lock.release()

        let victim = store.historyPath(of: "execution-7")
        var damaged = try #require(fileSystem.visibleContents(of: victim))
        let offset = Fixtures.lineStarts(damaged)[10]
        damaged[offset + 25] ^= 0x04
        fileSystem.setContents(of: victim, to: damaged)
        fileSystem.crash(mode: .processKill)

        let (restarted, _) = try lockedStore(fileSystem)
        var quarantined: [Quarantine] = []
        var resumed = 0
        for id in try restarted.listExecutions() {
            let recovered = try restarted.load(id, repair: true)
            if case .quarantined(let quarantine) = recovered.outcome {
                quarantined.append(quarantine)
                #expect(recovered.records == Array(records.prefix(9)))
                #expect { try restarted.append(id, records: [.event(Fixtures.event(.timerFired, id: 21))]) } throws: { error in
                    guard let error = error as? StoreError, error.code == StoreError.Code.quarantined else { return false }
                    return error.message.contains(victim) && error.message.contains("byte \(offset)")
                }
            } else {
                #expect(recovered.outcome == .intact)
                try restarted.append(id, records: [.event(Fixtures.event(.timerFired, id: 21))])
                resumed += 1
            }
        }
        #expect(quarantined == [Quarantine(file: victim, offset: offset, reason: "checksum mismatch in record 10 at byte \(offset)")])
        #expect(resumed == 19)
        #expect(fileSystem.visibleContents(of: victim) == damaged)
        #expect(fileSystem.durableContents(of: victim) == damaged)
        #expect(try fileSystem.listDirectory(at: "/state/executions").filter { $0.contains("torn") }.isEmpty)
        print(
            "RESULT test=T04 executions=20 quarantined=\(quarantined.count) resumed=\(resumed) events_after_bad_record_applied=0 error_names_file_and_offset=yes"
        )
    }

    @Test func readOnlyLoadNeverModifiesAnything() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let records = Fixtures.history(events: 5)
        let path = store.historyPath(of: Self.id)
        fileSystem.setContents(of: path, to: try Fixtures.file(records) + [0, 0, 0])
        let before = fileSystem.operationLog
        let recovered = try store.load(Self.id, repair: false)
        #expect(recovered.outcome == .tornTail(offset: (try Fixtures.file(records)).count, length: 3))
        #expect(fileSystem.operationLog == before)
        #expect(fileSystem.visibleContents(of: path)?.count == (try Fixtures.file(records)).count + 3)
        #expect { try store.append(Self.id, records: [.event(Fixtures.event(.timerFired, id: 6))]) } throws: {
            code(of: $0) == StoreError.Code.notOpen
        }
    }

    @Test func repairOfAnEmptyHistoryKeepsItsBytesAndRemovesIt() throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let path = store.historyPath(of: Self.id)
        let fragment = Array((try HistoryFormat.headerLine(executionId: Self.id)).prefix(12))
        fileSystem.setContents(of: path, to: fragment)
        let recovered = try store.load(Self.id, repair: true)
        #expect(recovered.outcome == .empty)
        #expect(!fileSystem.fileExists(at: path))
        #expect(fileSystem.durableContents(of: path + ".torn-0") == fragment)
        try store.createExecution(Self.id, records: Array(Fixtures.history(events: 1)))
    }

    // MARK: Concurrency

    @Test func concurrentAppendsToManyExecutions() async throws {
        let fileSystem = InMemoryFileSystem()
        let (store, _) = try lockedStore(fileSystem)
        let records = Fixtures.history(events: 20, withAttempts: true)
        let ids = (0..<8).map { "parallel-\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids {
                group.addTask {
                    try store.createExecution(id, records: [records[0]])
                    for record in records[1...] { try store.append(id, records: [record]) }
                }
            }
            try await group.waitForAll()
        }
        for id in ids {
            #expect(
                try store.load(id, repair: false)
                    == RecoveredHistory(
                        executionId: id, records: records, validLength: (try Fixtures.file(records, executionId: id)).count,
                        outcome: .intact))
        }
    }
}
