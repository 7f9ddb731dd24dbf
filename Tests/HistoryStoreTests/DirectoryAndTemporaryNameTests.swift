import EngineTesting
import SystemIO
import Testing

/// `directoryExists`, the temporary-name rule and `lockHolder` on both file systems.
@Suite struct DirectoryAndTemporaryNameTests {
    /// A directory, a file and nothing, on `fileSystem` under `root`.
    func checkDirectoryExists(_ fileSystem: any DurableFileSystem, root: String) throws {
        try fileSystem.createDirectory(at: root + "/directory")
        try fileSystem.createFileExclusively(at: root + "/file", contents: [1])
        #expect(fileSystem.directoryExists(at: root + "/directory"))
        #expect(!fileSystem.directoryExists(at: root + "/file"))
        #expect(fileSystem.fileExists(at: root + "/file"))
        #expect(!fileSystem.directoryExists(at: root + "/nothing"))
        #expect(!fileSystem.directoryExists(at: root + "/file/below"))
    }

    @Test func directoryExistsOnTheRealDisk() throws {
        try withTemporaryDirectory { root in try checkDirectoryExists(PosixFileSystem(), root: root) }
    }

    @Test func directoryExistsInMemory() throws {
        let fileSystem = InMemoryFileSystem()
        try checkDirectoryExists(fileSystem, root: "/root")
        #expect(fileSystem.directoryExists(at: "/"))
    }

    @Test(arguments: [
        (".a.history.tmp-12-3", true), (".state.json.tmp-1-1", true), (".x.tmp-1-2.tmp-3-4", true),
        ("a.history", false), (".a.history", false), ("a.history.tmp-12-3", false), (".a.history.tmp-12-", false),
        (".a.history.tmp--3", false), (".a.history.tmp-12", false), (".a.history.tmp-1a-3", false),
        (".a.history.tmp-12-3-4", false), ("..tmp-1-2", false), (".tmp-1-2", false),
    ])
    func temporaryNames(name: String, isTemporary: Bool) {
        #expect(TemporaryName.matches(name) == isTemporary)
        #expect(PosixFileSystem().isTemporaryName(name) == isTemporary)
    }

    @Test func madeNamesMatch() {
        #expect(TemporaryName.make(for: "a.history", processId: 4242, counter: 7) == ".a.history.tmp-4242-7")
        #expect(TemporaryName.matches(TemporaryName.make(for: "a", processId: 1, counter: .max)))
    }

    @Test func theInMemoryFileSystemsTemporariesFollowTheRule() throws {
        let fileSystem = InMemoryFileSystem()
        try fileSystem.createDirectory(at: "/d")
        try fileSystem.createFileExclusively(at: "/d/a", contents: [1])
        try fileSystem.replaceFile(at: "/d/b", contents: [2])
        let temporaries = fileSystem.operationLog.compactMap { operation -> String? in
            if case .createFile(let path) = operation { return String(path.split(separator: "/").last ?? "") }
            return nil
        }
        #expect(temporaries.count == 2)
        for name in temporaries { #expect(fileSystem.isTemporaryName(name), "\(name)") }
    }

    @Test func lockHolderReadsWhatTheLockWrote() throws {
        try withTemporaryDirectory { root in
            let fileSystem = PosixFileSystem()
            #expect(fileSystem.lockHolder(at: root + "/LOCK") == nil)
            let lock = try fileSystem.lockFile(at: root + "/LOCK", holderDescription: "cairn run (pid 1)")
            #expect(fileSystem.lockHolder(at: root + "/LOCK") == "cairn run (pid 1)")
            lock.release()
            try fileSystem.replaceFile(at: root + "/LOCK", contents: Array(" \n".utf8))
            #expect(fileSystem.lockHolder(at: root + "/LOCK") == nil)
        }
    }
}
