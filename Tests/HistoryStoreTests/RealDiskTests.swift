import Foundation
import HistoryStore
import SystemIO
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The store on PosixFileSystem, on a real temporary directory: the lock, create, append, and the
/// repair of a torn tail.
@Suite struct RealDiskTests {
    let fileSystem = PosixFileSystem()

    @Test func historyStoreOnTheRealDisk() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let state = root + "/.cairn"
        let records = Fixtures.history(events: 6, withAttempts: true)
        do {
            let store = try HistoryStore(stateDirectory: state, fileSystem: fileSystem)
            let lock = try store.lockStateDirectory(holder: "pid \(getpid()), test")
            defer { lock.release() }
            #expect { try HistoryStore(stateDirectory: state, fileSystem: fileSystem).lockStateDirectory(holder: "other") } throws: {
                error in
                (error as? StoreError)?.code == StoreError.Code.locked
                    && (error as? StoreError)?.message.contains("pid \(getpid()), test") == true
            }
            try store.createExecution("demo", records: Array(records.prefix(1)))
            try store.append("demo", records: Array(records.dropFirst()))
        }
        let path = state + "/executions/demo.history"
        #expect(try fileSystem.readFile(at: path) == Fixtures.file(records, executionId: "demo"))
        // A torn write after the last record: dropped on repair and kept beside the file.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("0badc0de {\"eventId\":7".utf8))
        try handle.close()

        let store = try HistoryStore(stateDirectory: state, fileSystem: fileSystem)
        let lock = try store.lockStateDirectory(holder: "second")
        defer { lock.release() }
        let recovered = try store.load("demo", repair: true)
        let good = try Fixtures.file(records, executionId: "demo")
        #expect(recovered.outcome == .tornTail(offset: good.count, length: 21))
        #expect(recovered.records == records)
        #expect(try fileSystem.readFile(at: path) == good)
        #expect(try fileSystem.readFile(at: path + ".torn-\(good.count)") == Array("0badc0de {\"eventId\":7".utf8))
        #expect(try store.listExecutions() == ["demo"])
    }
}
