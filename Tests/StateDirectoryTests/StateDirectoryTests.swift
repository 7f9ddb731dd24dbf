import EngineTesting
import HistoryStore
import StateDirectory
import SystemIO
import Testing

/// The state directory on the in-memory file system: resolving, describing, opening, the lock and
/// the cleanup of interrupted writes.
@Suite struct StateDirectoryTests {
    let fileSystem = InMemoryFileSystem()
    var directory: StateDirectory { StateDirectory(path: "/state", fileSystem: fileSystem) }

    @Test func resolveTakesTheExplicitPathThenTheVariableThenTheDefault() {
        let variable = StateDirectory.environmentVariable
        #expect(StateDirectory.resolve(explicit: "/a", environment: [variable: "/b"], fileSystem: fileSystem).path == "/a")
        #expect(StateDirectory.resolve(explicit: nil, environment: [variable: "/b"], fileSystem: fileSystem).path == "/b")
        #expect(StateDirectory.resolve(explicit: nil, environment: [variable: ""], fileSystem: fileSystem).path == ".cairn")
        #expect(StateDirectory.resolve(explicit: nil, environment: [:], fileSystem: fileSystem).path == ".cairn")
    }

    @Test func describesAMissingAnEmptyAndAUsedDirectory() throws {
        #expect(try !directory.exists())
        #expect(try !directory.hasExecutions())
        try fileSystem.createDirectory(at: "/state")
        #expect(try directory.exists())
        #expect(try !directory.hasExecutions())
        try fileSystem.createDirectory(at: "/state/executions")
        #expect(try directory.hasExecutions())
    }

    @Test func aFileWhereTheDirectoryShouldBeIsRefused() throws {
        fileSystem.setContents(of: "/state", to: Array("not a directory".utf8))
        let error = try #require(throws: StateDirectoryError.self) { try directory.exists() }
        #expect(error.code == .notADirectory)
        #expect(error.message.contains("/state is a file"))
        #expect(throws: StateDirectoryError.self) { try directory.openForReading() }
    }

    @Test func readingNothingSaysWhyAndWritesNothing() throws {
        let missing = try #require(throws: StateDirectoryError.self) { try directory.openForReading(lookingFor: "x") }
        #expect(missing.code == .notFound)
        #expect(missing.message.contains("there is no state directory at /state"))
        #expect(missing.message.contains("cairn run FILE --id x"))
        #expect(!fileSystem.fileExists(at: "/state"))

        try fileSystem.createDirectory(at: "/state")
        let empty = try #require(throws: StateDirectoryError.self) { try directory.openForReading(lookingFor: "x") }
        #expect(empty.code == .noExecutions)
        #expect(empty.message.contains("no execution was ever started there"))
        let anyExecution = try #require(throws: StateDirectoryError.self) { try directory.openForReading() }
        #expect(anyExecution.code == .noExecutions)
        #expect(anyExecution.message.hasPrefix("no executions in /state"))
        #expect(!fileSystem.fileExists(at: "/state/executions"))
    }

    @Test func openForReadingOpensAUsedDirectory() throws {
        try fileSystem.createDirectory(at: "/state/executions")
        let store = try directory.openForReading(lookingFor: "x")
        #expect(try store.listExecutions().isEmpty)
        #expect(store.historyPath(of: "x") == "/state/executions/x.history")
    }

    @Test func aSecondWriterIsRefusedNamingTheHolder() throws {
        let (_, lock) = try directory.openForWriting(holder: "cairn run (pid 7)")
        #expect(directory.lockHolder() == "cairn run (pid 7)")
        let error = try #require(throws: StateDirectoryError.self) { try directory.openForWriting(holder: "cairn resume") }
        #expect(error.code == .locked)
        #expect(error.message.contains("cairn run (pid 7)"))
        #expect((error.cause as? StoreError)?.code == StoreError.Code.locked)
        lock.release()
        let (_, again) = try directory.openForWriting(holder: "cairn resume")
        #expect(directory.lockHolder() == "cairn resume")
        again.release()
    }

    @Test func noLockFileMeansNoHolder() {
        #expect(directory.lockHolder() == nil)
    }

    @Test func takingTheLockRemovesInterruptedWritesAndKeepsEverythingElse() throws {
        try fileSystem.createDirectory(at: "/state/executions")
        try fileSystem.createDirectory(at: "/state/sim")
        try fileSystem.createDirectory(at: "/state/requests")
        let leftovers = ["/state/executions/.a.history.tmp-123-4", "/state/sim/.state.json.tmp-1-2"]
        let kept = [
            "/state/executions/a.history", "/state/executions/.a.history.tmp-x-1", "/state/sim/state.json",
            "/state/requests/.cancel.a.1.2.json.tmp-9-1",
        ]
        for path in leftovers + kept { fileSystem.setContents(of: path, to: [1]) }

        let (_, lock) = try directory.openForWriting(holder: "test")
        defer { lock.release() }
        for path in leftovers { #expect(!fileSystem.fileExists(at: path), "\(path)") }
        for path in kept { #expect(fileSystem.fileExists(at: path), "\(path)") }
    }

    @Test func codesAreStable() {
        #expect(
            StateDirectoryError.Code.all.map(\.description) == [
                "state.notADirectory", "state.notFound", "state.noExecutions", "state.locked", "state.io",
            ])
    }
}
