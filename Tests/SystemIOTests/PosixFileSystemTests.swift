import Foundation
import Testing

@testable import SystemIO

#if canImport(Glibc)
    import Glibc
#endif

/// PosixFileSystem on real temporary directories.
@Suite struct PosixFileSystemTests {
    let fileSystem = PosixFileSystem()

    /// Runs `body` with a fresh directory under the system temporary directory, removed afterwards.
    func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url.path)
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        #expect(stat(path, &info) == 0)
        return info.st_mode & 0o777
    }

    func code(_ error: any Error) -> SystemError.Code? { (error as? SystemError)?.code }

    /// A held lock is seen without taking it (nothing is written to LOCK); a released one is not.
    @Test func aHeldLockIsSeenWithoutTakingIt() throws {
        try withTemporaryDirectory { root in
            let fileSystem = PosixFileSystem()
            let path = root + "/LOCK"
            #expect(fileSystem.lockIsHeld(at: path) == false)
            let lock = try fileSystem.lockFile(at: path, holderDescription: "pid 1, test")
            #expect(fileSystem.lockIsHeld(at: path) == true)
            #expect(fileSystem.lockHolder(at: path) == "pid 1, test")
            lock.release()
            #expect(fileSystem.lockIsHeld(at: path) == false)
        }
    }

    @Test func createAppendSyncAndReopen() throws {
        try withTemporaryDirectory { root in
            let directory = root + "/state/executions"
            try fileSystem.createDirectory(at: directory)
            try fileSystem.createDirectory(at: directory)  // already there: fine
            let path = directory + "/a.history"
            try fileSystem.createFileExclusively(at: path, contents: Array("one\n".utf8))
            let file = try fileSystem.openForAppending(at: path)
            #expect(file.length == 4)
            try file.append(Array("two\n".utf8))
            try file.append([])
            #expect(file.length == 8)
            try file.sync()
            file.close()
            #expect { try file.append([1]) } throws: { code($0) == .other }
            #expect(try fileSystem.readFile(at: path) == Array("one\ntwo\n".utf8))
            #expect(try fileSystem.openForAppending(at: path).length == 8)

            try fileSystem.truncateFile(at: path, toLength: 4)
            #expect(try fileSystem.readFile(at: path) == Array("one\n".utf8))
            try fileSystem.replaceFile(at: path, contents: Array("new\n".utf8))
            #expect(try fileSystem.readFile(at: path) == Array("new\n".utf8))
            try fileSystem.replaceFile(at: directory + "/b", contents: [])
            #expect(try fileSystem.listDirectory(at: directory) == ["a.history", "b"])
            try fileSystem.removeFile(at: directory + "/b")
            #expect(!fileSystem.fileExists(at: directory + "/b"))
            #expect(fileSystem.fileExists(at: directory))
        }
    }

    @Test func replaceFilesReplacesEachAndCreatesMissingOnesLeavingNoTemporary() throws {
        try withTemporaryDirectory { root in
            let directory = root + "/executions"
            try fileSystem.createDirectory(at: directory)
            try fileSystem.createFileExclusively(at: directory + "/a.history", contents: Array("old a\n".utf8))
            try fileSystem.createFileExclusively(at: directory + "/b.history", contents: Array("old b\n".utf8))
            let results = fileSystem.replaceFiles([
                (directory + "/a.history", Array("new a\n".utf8)), (directory + "/b.history", Array("new b\n".utf8)),
                (directory + "/c.history", Array("new c\n".utf8)), (root + "/missing/d.history", Array("d".utf8)),
            ])
            #expect(results.map { (try? $0.get()) != nil } == [true, true, true, false])
            for name in ["a", "b", "c"] {
                #expect(try fileSystem.readFile(at: directory + "/\(name).history") == Array("new \(name)\n".utf8))
            }
            #expect(try fileSystem.listDirectory(at: directory) == ["a.history", "b.history", "c.history"])
        }
    }

    @Test func createFilesExclusivelyCreatesEachRefusesExistingOnesAndLeavesNoTemporary() throws {
        try withTemporaryDirectory { root in
            let directory = root + "/executions"
            try fileSystem.createDirectory(at: directory)
            try fileSystem.createFileExclusively(at: directory + "/b.history", contents: Array("old b\n".utf8))
            let results = fileSystem.createFilesExclusively([
                (directory + "/a.history", Array("new a\n".utf8)), (directory + "/b.history", Array("new b\n".utf8)),
                (directory + "/c.history", Array("new c\n".utf8)),
            ])
            #expect(results.map { (try? $0.get()) != nil } == [true, false, true])
            if case .failure(let error) = results[1] { #expect(code(error) == .alreadyExists) }
            #expect(try fileSystem.readFile(at: directory + "/a.history") == Array("new a\n".utf8))
            #expect(try fileSystem.readFile(at: directory + "/b.history") == Array("old b\n".utf8))
            #expect(try fileSystem.listDirectory(at: directory) == ["a.history", "b.history", "c.history"])
        }
    }

    @Test func createFileExclusivelyRefusesAnExistingFileAndLeavesNoTemporary() throws {
        try withTemporaryDirectory { root in
            let path = root + "/x"
            try fileSystem.createFileExclusively(at: path, contents: Array("first".utf8))
            #expect { try fileSystem.createFileExclusively(at: path, contents: Array("second".utf8)) } throws: {
                code($0) == .alreadyExists
            }
            #expect(try fileSystem.readFile(at: path) == Array("first".utf8))
            #expect(try fileSystem.listDirectory(at: root) == ["x"])
        }
    }

    @Test func modesAre0600And0700() throws {
        try withTemporaryDirectory { root in
            try fileSystem.createDirectory(at: root + "/a/b")
            try fileSystem.createFileExclusively(at: root + "/a/b/f", contents: [1])
            try fileSystem.replaceFile(at: root + "/a/b/g", contents: [1])
            let lock = try fileSystem.lockFile(at: root + "/a/LOCK", holderDescription: "me")
            defer { lock.release() }
            #expect(mode(root + "/a") == 0o700)
            #expect(mode(root + "/a/b") == 0o700)
            #expect(mode(root + "/a/b/f") == 0o600)
            #expect(mode(root + "/a/b/g") == 0o600)
            #expect(mode(root + "/a/LOCK") == 0o600)
        }
    }

    @Test func aLockFileThatAlreadyExistsIsMadeOwnerOnly() throws {
        try withTemporaryDirectory { root in
            let path = root + "/LOCK"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            #expect(fd >= 0)
            #expect(fchmod(fd, 0o644) == 0)
            close(fd)
            let lock = try fileSystem.lockFile(at: path, holderDescription: "me")
            defer { lock.release() }
            #expect(mode(path) == 0o600)
        }
    }

    /// The modes must not depend on the umask: one that strips group and other bits must not be
    /// relied on, and one that strips the owner's own bits must not leave unusable files. The umask
    /// is process-wide, so this runs in a child process.
    @Test func modesDoNotDependOnTheUmask() async {
        await #expect(processExitsWith: .success) {
            let fileSystem = PosixFileSystem()
            func mode(_ path: String) -> mode_t {
                var info = stat()
                precondition(stat(path, &info) == 0, "stat \(path)")
                return info.st_mode & 0o777
            }
            for mask: mode_t in [0o000, 0o022, 0o077, 0o277, 0o777] {
                umask(mask)
                let root = "\(NSTemporaryDirectory())/cairn-umask-\(getpid())-\(mask)"
                do {
                    try fileSystem.createDirectory(at: root + "/a/b")
                    try fileSystem.createFileExclusively(at: root + "/a/b/f", contents: [1])
                    try fileSystem.replaceFile(at: root + "/a/b/g", contents: [1])
                    let lock = try fileSystem.lockFile(at: root + "/a/LOCK", holderDescription: "me")
                    let file = try fileSystem.openForAppending(at: root + "/a/b/f")
                    try file.append([2])
                    file.close()
                    lock.release()
                } catch {
                    preconditionFailure("umask \(String(mask, radix: 8)): \(error)")
                }
                for directory in [root, root + "/a", root + "/a/b"] {
                    precondition(mode(directory) == 0o700, "umask \(String(mask, radix: 8)): \(directory)")
                }
                for file in [root + "/a/b/f", root + "/a/b/g", root + "/a/LOCK"] {
                    precondition(mode(file) == 0o600, "umask \(String(mask, radix: 8)): \(file)")
                }
                for file in [root + "/a/b/f", root + "/a/b/g", root + "/a/LOCK"] { unlink(file) }
                for directory in [root + "/a/b", root + "/a", root] { rmdir(directory) }
            }
        }
    }

    @Test func lockContentionReportsTheHolder() throws {
        try withTemporaryDirectory { root in
            let path = root + "/LOCK"
            let lock = try fileSystem.lockFile(at: path, holderDescription: "pid 123, cairn run x.json")
            #expect(try fileSystem.readFile(at: path) == Array("pid 123, cairn run x.json\n".utf8))
            #expect {
                try fileSystem.lockFile(at: path, holderDescription: "pid 456")
            } throws: { error in
                guard let error = error as? SystemError else { return false }
                return error.code == .wouldBlock && error.message == "pid 123, cairn run x.json"
            }
            lock.release()
            lock.release()  // idempotent
            let again = try fileSystem.lockFile(at: path, holderDescription: "pid 456")
            #expect(try fileSystem.readFile(at: path) == Array("pid 456\n".utf8))
            again.release()
        }
    }

    @Test func errorsMapToStableCodes() throws {
        try withTemporaryDirectory { root in
            try fileSystem.createFileExclusively(at: root + "/file", contents: [])
            #expect { try fileSystem.readFile(at: root + "/missing") } throws: { code($0) == .notFound }
            #expect { try fileSystem.readFile(at: root) } throws: { code($0) == .isADirectory }
            #expect { try fileSystem.listDirectory(at: root + "/file") } throws: { code($0) == .notADirectory }
            #expect { try fileSystem.createDirectory(at: root + "/file/sub") } throws: { code($0) == .notADirectory }
            #expect { try fileSystem.openForAppending(at: root + "/missing") } throws: { code($0) == .notFound }
            #expect { try fileSystem.removeFile(at: root + "/missing") } throws: { code($0) == .notFound }
            #expect { try fileSystem.readFile(at: root + "/" + String(repeating: "n", count: 300)) } throws: { code($0) == .tooLong }
            #expect(!fileSystem.fileExists(at: root + "/missing"))
        }
    }

    @Test(arguments: [
        (ENOENT, SystemError.Code.notFound), (EEXIST, .alreadyExists), (EACCES, .permissionDenied), (EPERM, .permissionDenied),
        (ENOSPC, .noSpace), (EDQUOT, .noSpace), (EIO, .ioError), (EWOULDBLOCK, .wouldBlock), (ENOTDIR, .notADirectory),
        (EISDIR, .isADirectory), (ENAMETOOLONG, .tooLong), (EINVAL, .other),
    ])
    func errnoMapping(errno: Int32, expected: SystemError.Code) {
        #expect(Posix.mapErrno(errno) == expected)
    }
}
