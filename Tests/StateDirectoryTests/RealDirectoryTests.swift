import EngineTesting
import StateDirectory
import SystemIO
import Testing
import Time

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state directory on the real disk, through PosixFileSystem.
@Suite struct RealDirectoryTests {
    @Test func theLockHolderRemovesARealTemporaryAndKeepsTheHistory() throws {
        try withTemporaryDirectory(prefix: "cairn-state") { root in
            let fileSystem = PosixFileSystem()
            let directory = StateDirectory(path: root + "/state", fileSystem: fileSystem)
            try fileSystem.createDirectory(at: directory.executionsPath)
            let history = directory.executionsPath + "/a.history"
            try fileSystem.createFileExclusively(at: history, contents: Array("history\n".utf8))
            let leftover = directory.executionsPath + "/" + TemporaryName.make(for: "a.history", processId: 99_999, counter: 3)
            try fileSystem.createFileExclusively(at: leftover, contents: Array("half".utf8))

            let (_, lock) = try directory.openForWriting(holder: "cairn test")
            defer { lock.release() }
            #expect(try fileSystem.listDirectory(at: directory.executionsPath) == ["a.history"])
            #expect(try fileSystem.readFile(at: history) == Array("history\n".utf8))
            #expect(directory.lockHolder() == "cairn test")
            #expect(try directory.hasExecutions())
        }
    }

    @Test func aRealFileIsNotAStateDirectoryAndACancelRequestIsARealFile() throws {
        try withTemporaryDirectory(prefix: "cairn-state") { root in
            let fileSystem = PosixFileSystem()
            try fileSystem.createFileExclusively(at: root + "/file", contents: [1])
            let file = StateDirectory(path: root + "/file", fileSystem: fileSystem)
            #expect { try file.exists() } throws: { ($0 as? StateDirectoryError)?.code == .notADirectory }

            let directory = StateDirectory(path: root + "/state", fileSystem: fileSystem)
            try directory.cancelRequests.enqueue(
                executionId: "a", identity: "cairn cancel", now: Timestamp(millisecondsSinceEpoch: 1000))
            let pending = directory.cancelRequests.pending(for: "a")
            #expect(pending.map(\.fileName) == ["cancel.a.1000.\(getpid()).json"])
        }
    }
}
