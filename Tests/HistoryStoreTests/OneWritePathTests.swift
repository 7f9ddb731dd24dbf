import EngineTesting
import SystemIO
import Testing
import WorkflowModel

@testable import HistoryStore

/// `createExecution` and `append` are a group of one through `commit`, as the `GroupCommitter` is: the
/// same scenario, with the same fault, gives the same disk operations, the same errors and the same
/// files after a crash through each of the three.
@Suite struct OneWritePathTests {
    /// How a batch reaches the store.
    enum Route: String, CaseIterable, CustomStringConvertible {
        /// `createExecution(_:records:)` and `append(_:records:)`.
        case direct
        /// `HistoryStore.commit(_:)` with a group of one.
        case commit
        /// `GroupCommitter.commit(_:)`.
        case committer

        var description: String { rawValue }
    }

    /// A fault injected before one write of ``scenario(via:fault:restart:seed:crashAfter:)``.
    enum Fault: String, CaseIterable, CustomStringConvertible {
        case none, failedFsync, noSpace, ambiguousWrite, failedCreation

        var description: String { rawValue }

        /// The write it hits: the creation of "b" (index 2) or the append to "a" after it.
        var write: Int? {
            switch self {
            case .none: nil
            case .failedCreation: 2
            case .failedFsync, .noSpace, .ambiguousWrite: 3
            }
        }

        func inject(into fileSystem: InMemoryFileSystem) {
            switch self {
            case .none: break
            case .failedFsync, .failedCreation: fileSystem.failNextSync()
            case .noSpace: fileSystem.failWritesWithNoSpace(after: 10)
            case .ambiguousWrite: fileSystem.reportErrorAfterWrite()
            }
        }
    }

    /// What a scenario did and left behind; equal traces mean the routes did the same thing.
    struct Trace: Equatable, CustomStringConvertible {
        /// One entry per write: nil when acknowledged, else the error's code.
        var codes: [String?] = []
        /// The file-system steps, as a syscall trace.
        var operations: [String] = []
        /// The records a repairing load finds after a power loss.
        var recovered: [HistoryRecord] = []

        var description: String { "codes \(codes)\noperations \(operations.joined(separator: "; "))\nrecovered \(recovered.count)" }
    }

    static let records = Fixtures.history(events: 12, withAttempts: true)

    /// Writes `batch` through `route`; returns the error, nil when acknowledged.
    static func write(_ batch: HistoryBatch, via route: Route, to store: HistoryStore) async -> (any Error)? {
        do {
            switch route {
            case .direct:
                if batch.creates {
                    try store.createExecution(batch.executionId, records: batch.records)
                } else {
                    try store.append(batch.executionId, records: batch.records)
                }
            case .commit:
                try store.commit([batch])[0].get()
            case .committer:
                try await GroupCommitter(store: store).commit(batch)
            }
            return nil
        } catch {
            return error
        }
    }

    static func code(_ error: (any Error)?) -> String? {
        error.map { ($0 as? StoreError)?.code.description ?? "\(type(of: $0))" }
    }

    /// Creates "a", appends to it, creates "b" and appends to "a" twice more, with `fault` injected on
    /// the way; then `restart`, a repair of "a" and the rest of its history (the first batch rewrites
    /// it), and a power loss.
    func scenario(
        via route: Route, fault: Fault, restart: InMemoryFileSystem.CrashMode = .dropUnsynced, seed: UInt64 = 1,
        crashAfter step: Int? = nil
    ) async throws -> Trace {
        let records = Self.records
        let fileSystem = InMemoryFileSystem(seed: seed)
        let store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        _ = try store.lockStateDirectory(holder: "first")
        if let step { fileSystem.crashAfter(operations: step) }
        var trace = Trace()
        var acknowledged = 0
        let batches: [(HistoryBatch, end: Int)] = [
            (HistoryBatch(executionId: "a", records: Array(records[0..<2]), creates: true), 2),
            (HistoryBatch(executionId: "a", records: Array(records[2..<5])), 5),
            (HistoryBatch(executionId: "b", records: Array(records[0..<1]), creates: true), 0),
            (HistoryBatch(executionId: "a", records: Array(records[5..<6])), 6),
            (HistoryBatch(executionId: "a", records: Array(records[6..<8])), 8),
        ]
        for (index, (batch, end)) in batches.enumerated() {
            if index == fault.write { fault.inject(into: fileSystem) }
            let code = Self.code(await Self.write(batch, via: route, to: store))
            trace.codes.append(code)
            if code == nil, end > 0 { acknowledged = end }
        }
        fileSystem.clearFaults()
        fileSystem.restart(mode: restart)

        let restarted = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        _ = try restarted.lockStateDirectory(holder: "second")
        let recovered = (try? restarted.load("a", repair: true).records) ?? []
        #expect(recovered.count >= acknowledged, "\(route): an acknowledged record was lost")
        #expect(recovered == Array(records.prefix(recovered.count)), "\(route): not a prefix")
        let next = recovered.isEmpty ? HistoryBatch(executionId: "a", records: [records[0]], creates: true)
            : HistoryBatch(executionId: "a", records: Array(records[recovered.count...]))
        trace.codes.append(Self.code(await Self.write(next, via: route, to: restarted)))
        trace.operations = fileSystem.operationLog.map(\.description)
        fileSystem.restart(mode: .dropUnsynced)
        trace.recovered = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem).load("a", repair: false).records
        return trace
    }

    /// `.processKill` keeps the page cache, with bytes whose fsync failed: the rewrite after the repair
    /// is what makes them durable.
    @Test(arguments: Fault.allCases, [InMemoryFileSystem.CrashMode.processKill, .dropUnsynced])
    func aFaultHasTheSameOutcomeThroughEveryRoute(fault: Fault, restart: InMemoryFileSystem.CrashMode) async throws {
        let direct = try await scenario(via: .direct, fault: fault, restart: restart)
        for route in [Route.commit, .committer] {
            let other = try await scenario(via: route, fault: fault, restart: restart)
            #expect(other == direct, "\(route) differs from append:\n\(other)\n---\n\(direct)")
        }
        // What the fault does: stop at the faulted write and refuse everything after it, until the restart.
        let stopped = StoreError.Code.stopped.description
        #expect(direct.codes == (0..<6).map { index in index >= (fault.write ?? 6) && index < 5 ? stopped : nil })
        // After the restart the history is complete: the rewrite made the repaired part durable too.
        #expect(direct.recovered == Self.records)
    }

    /// A crash at every file-system step, then a power loss: the same steps, refusals and survivors
    /// through each route.
    @Test(.tags(.sweep), .timeLimit(.minutes(5)))
    func aCrashAtEveryStepHasTheSameOutcomeThroughEveryRoute() async throws {
        var step = 1
        while true {
            let direct = try await scenario(via: .direct, fault: .none, seed: UInt64(step), crashAfter: step)
            for route in [Route.commit, .committer] {
                let other = try await scenario(via: route, fault: .none, seed: UInt64(step), crashAfter: step)
                #expect(other == direct, "step \(step): \(route) differs from append:\n\(other)\n---\n\(direct)")
            }
            if !direct.codes.contains(where: { $0 != nil }) { break }
            step += 1
        }
        #expect(step > 15)
    }

    /// A repaired history's first batch replaces the file whole (temporary, fsync, rename, directory
    /// fsync) through every route, and appends after it go to the new file.
    @Test(arguments: Route.allCases)
    func theFirstBatchAfterARepairRewritesTheHistory(route: Route) async throws {
        let records = Self.records
        let fileSystem = InMemoryFileSystem()
        let path = "/state/executions/a"
        let torn = Array((try HistoryFormat.line(for: records[5])).prefix(30))
        try fileSystem.createDirectory(at: "/state/executions")
        fileSystem.setContents(of: path + ".history", to: try Fixtures.file(Array(records[..<5]), executionId: "a") + torn)
        let store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        _ = try store.lockStateDirectory(holder: "test")
        let loaded = try store.load("a", repair: true)
        #expect(loaded.records == Array(records[..<5]))

        let before = fileSystem.operationLog.count
        #expect(await Self.write(HistoryBatch(executionId: "a", records: Array(records[5..<7])), via: route, to: store) == nil)
        let temporary = "/state/executions/.a.history.tmp-1-2"
        #expect(
            fileSystem.operationLog[before...].map(\.description) == [
                "create \(temporary)", "write \(temporary) \((try Fixtures.file(Array(records[..<7]), executionId: "a")).count)",
                "fsync \(temporary)", "rename \(temporary) \(path).history", "fsync-dir /state/executions",
            ])
        let appended = fileSystem.operationLog.count
        #expect(await Self.write(HistoryBatch(executionId: "a", records: [records[7]]), via: route, to: store) == nil)
        #expect(fileSystem.operationLog[appended...].map(\.description) == [
            "write \(path).history \((try HistoryFormat.line(for: records[7])).count)", "fsync \(path).history",
        ])
        #expect(fileSystem.durableContents(of: path + ".history") == (try Fixtures.file(Array(records[..<8]), executionId: "a")))
    }

    // MARK: Limits.historyEventsMax at n-1, n, n+1

    static let limit = Limits.historyEventsMax
    static let longHistory: [HistoryRecord] = (1...Int64(limit + 1)).map { id in
        .event(id == 1 ? Fixtures.compactStart : Fixtures.event(.timerFired, id: id))
    }

    @Test(arguments: Route.allCases)
    func appendsStopAtTheEventLimit(route: Route) async throws {
        let store = try HistoryStore(stateDirectory: "/state", fileSystem: InMemoryFileSystem())
        _ = try store.lockStateDirectory(holder: "test")
        let history = Self.longHistory
        #expect(await Self.write(HistoryBatch(executionId: "a", records: Array(history[..<(Self.limit - 1)]), creates: true), via: route, to: store) == nil)
        #expect(await Self.write(HistoryBatch(executionId: "a", records: [history[Self.limit - 1]]), via: route, to: store) == nil)
        let refused = await Self.write(HistoryBatch(executionId: "a", records: [history[Self.limit]]), via: route, to: store)
        #expect((refused as? StoreError)?.code == .historyTooLong)
        #expect((refused as? StoreError)?.message.hasPrefix("the history would have \(Self.limit + 1) events") == true)
        // A refusal is the caller's, not the disk's: the store keeps working, and the history is whole.
        #expect(await Self.write(HistoryBatch(executionId: "a", records: []), via: route, to: store) == nil)
        #expect(try store.load("a", repair: false).records.count == Self.limit)
    }

    @Test(arguments: Route.allCases)
    func creationsStopAtTheEventLimit(route: Route) async throws {
        let fileSystem = InMemoryFileSystem()
        let store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        _ = try store.lockStateDirectory(holder: "test")
        let history = Self.longHistory
        for (id, count) in [("below", Self.limit - 1), ("at", Self.limit)] {
            #expect(await Self.write(HistoryBatch(executionId: id, records: Array(history[..<count]), creates: true), via: route, to: store) == nil)
        }
        let refused = await Self.write(HistoryBatch(executionId: "above", records: history, creates: true), via: route, to: store)
        #expect((refused as? StoreError)?.code == .historyTooLong)
        #expect(!fileSystem.fileExists(at: store.historyPath(of: "above")))
        #expect(try store.listExecutions() == ["at", "below"])
    }
}
