import Synchronization
import SystemIO

/// A small in-memory `DurableFileSystem` for these tests (EngineTesting's fuller one lands later).
/// Everything "written" is immediately "durable", which is what the simulator's tests need: a second
/// simulator opened on the same instance sees exactly what the first one persisted.
final class MemoryFileSystem: DurableFileSystem, Sendable {
    private struct Storage {
        var files: [String: [UInt8]] = [:]
        var directories: Set<String> = ["/"]
    }
    private let storage = Mutex(Storage())

    /// Every file and its contents, for tests that scan for leaked secrets.
    var allFiles: [String: [UInt8]] { storage.withLock { $0.files } }

    private func missing(_ op: String, _ path: String) -> SystemError { SystemError(code: .notFound, operation: op, path: path) }

    func readFile(at path: String) throws -> [UInt8] {
        try storage.withLock { s in
            guard let bytes = s.files[path] else { throw missing("open", path) }
            return bytes
        }
    }

    func fileExists(at path: String) -> Bool {
        storage.withLock { $0.files[path] != nil || $0.directories.contains(path) }
    }

    func listDirectory(at path: String) throws -> [String] {
        try storage.withLock { s in
            guard s.directories.contains(path) else { throw missing("opendir", path) }
            let prefix = path.hasSuffix("/") ? path : path + "/"
            let names = (Array(s.files.keys) + Array(s.directories)).filter { $0.hasPrefix(prefix) && $0 != prefix }
                .map { String($0.dropFirst(prefix.count)) }.filter { !$0.contains("/") }
            return Array(Set(names)).sorted()
        }
    }

    func createDirectory(at path: String) throws {
        storage.withLock { s in
            var current = ""
            for component in path.split(separator: "/") {
                current += "/" + component
                s.directories.insert(current)
            }
        }
    }

    func createFileExclusively(at path: String, contents: [UInt8]) throws {
        try storage.withLock { s in
            guard s.files[path] == nil else { throw SystemError(code: .alreadyExists, operation: "link", path: path) }
            s.files[path] = contents
        }
    }

    func replaceFile(at path: String, contents: [UInt8]) throws {
        storage.withLock { $0.files[path] = contents }
    }

    func openForAppending(at path: String) throws -> any AppendableFile {
        guard fileExists(at: path) else { throw missing("open", path) }
        return Appender(fileSystem: self, path: path)
    }

    func truncateFile(at path: String, toLength length: Int) throws {
        try storage.withLock { s in
            guard let bytes = s.files[path] else { throw missing("truncate", path) }
            s.files[path] = Array(bytes.prefix(length))
        }
    }

    func removeFile(at path: String) throws {
        try storage.withLock { s in
            guard s.files.removeValue(forKey: path) != nil else { throw missing("unlink", path) }
        }
    }

    func lockFile(at path: String, holderDescription: String) throws -> any FileLock {
        storage.withLock { $0.files[path] = Array(holderDescription.utf8) }
        return Lock()
    }

    fileprivate func append(_ bytes: [UInt8], to path: String) {
        storage.withLock { $0.files[path, default: []] += bytes }
    }

    private final class Appender: AppendableFile, Sendable {
        let fileSystem: MemoryFileSystem
        let path: String
        init(fileSystem: MemoryFileSystem, path: String) {
            self.fileSystem = fileSystem
            self.path = path
        }
        var length: Int { (try? fileSystem.readFile(at: path).count) ?? 0 }
        func append(_ bytes: [UInt8]) throws { fileSystem.append(bytes, to: path) }
        func sync() throws {}
        func close() {}
    }

    private final class Lock: FileLock, Sendable {
        func release() {}
    }
}
