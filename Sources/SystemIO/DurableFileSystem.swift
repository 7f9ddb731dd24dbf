/// The few file operations Cairn's durable state needs, behind a protocol so the history store and
/// the simulator run on the real disk in production and on an in-memory, fault-injecting double in
/// tests. Paths are absolute or relative to the process's working directory.
///
/// Durability contract: when ``AppendableFile/sync()``, ``createFileExclusively(at:contents:)`` or
/// ``replaceFile(at:contents:)`` returns, the bytes (and, for new names, the directory entry) are on
/// stable storage. Any method may throw ``SystemError``.
public protocol DurableFileSystem: Sendable {
    /// The whole contents of a file.
    func readFile(at path: String) throws -> [UInt8]
    /// Whether something exists at `path`.
    func fileExists(at path: String) -> Bool
    /// Whether a directory exists at `path` (false for a file, or for nothing).
    func directoryExists(at path: String) -> Bool
    /// The names (not paths) in a directory, sorted.
    func listDirectory(at path: String) throws -> [String]
    /// Creates a directory and any missing parents with mode 0700, fsyncing each new entry's parent.
    func createDirectory(at path: String) throws
    /// Atomically creates `path` holding `contents`: afterwards either the whole file exists or
    /// nothing does. Throws ``SystemError`` with code `alreadyExists` when `path` exists.
    /// (write a temporary file, fsync it, link it to `path`, unlink the temporary, fsync the directory)
    func createFileExclusively(at path: String, contents: [UInt8]) throws
    /// Atomically replaces (or creates) `path` with `contents`.
    /// (write a temporary file, fsync it, rename it over `path`, fsync the directory)
    func replaceFile(at path: String, contents: [UInt8]) throws
    /// Opens an existing file for appending.
    func openForAppending(at path: String) throws -> any AppendableFile
    /// Shortens a file to `length` bytes and fsyncs it.
    func truncateFile(at path: String, toLength length: Int) throws
    /// Removes a file and fsyncs its directory.
    func removeFile(at path: String) throws
    /// Takes an exclusive, non-blocking lock on `path` (creating it), held until the lock is released
    /// or the process exits. Throws ``SystemError`` with code `wouldBlock` when another holder has it;
    /// `holderDescription` is written into the file so the refusal can say who holds it.
    func lockFile(at path: String, holderDescription: String) throws -> any FileLock
    /// Whether some process holds the lock on `path` now, found without taking it (taking it would
    /// rewrite the holder's description); nil when that cannot be told.
    func lockIsHeld(at path: String) -> Bool?
    /// Whether `name` (a name in a directory, not a path) is one this file system gives the temporary
    /// file of an atomic write. A crash can leave such a file behind; whoever alone writes in that
    /// directory may remove it. (Default: ``TemporaryName/matches(_:)``.)
    func isTemporaryName(_ name: String) -> Bool
    /// Creates several files as ``createFileExclusively(at:contents:)`` does, one result per file in
    /// order; an implementation may share the directory fsyncs among them. A file's name is durable
    /// only when its result is a success.
    func createFilesExclusively(_ files: [(path: String, contents: [UInt8])]) -> [Result<Void, any Error>]
    /// Replaces several files as ``replaceFile(at:contents:)`` does, one result per file in order; an
    /// implementation may share the directory fsyncs among them. A file's new contents are durable
    /// only when its result is a success.
    func replaceFiles(_ files: [(path: String, contents: [UInt8])]) -> [Result<Void, any Error>]
    /// fsyncs every file in `files`, possibly concurrently, and returns only when all have finished.
    /// Throws the first failure; then any of them may have lost unsynced bytes (see ``AppendableFile/sync()``).
    func syncAll(_ files: [any AppendableFile]) throws
}

extension DurableFileSystem {
    /// The names ``TemporaryName`` makes.
    public func isTemporaryName(_ name: String) -> Bool { TemporaryName.matches(name) }

    /// The holder a lock file at `path` records (what ``lockFile(at:holderDescription:)`` wrote), or
    /// nil when there is no such file or it is empty.
    public func lockHolder(at path: String) -> String? {
        guard let bytes = try? readFile(at: path) else { return nil }
        var text = Substring(String(decoding: bytes, as: UTF8.self))
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        return text.isEmpty ? nil : String(text)
    }

    /// One ``createFileExclusively(at:contents:)`` after the other.
    public func createFilesExclusively(_ files: [(path: String, contents: [UInt8])]) -> [Result<Void, any Error>] {
        files.map { file in Result { try createFileExclusively(at: file.path, contents: file.contents) } }
    }

    /// One ``replaceFile(at:contents:)`` after the other.
    public func replaceFiles(_ files: [(path: String, contents: [UInt8])]) -> [Result<Void, any Error>] {
        files.map { file in Result { try replaceFile(at: file.path, contents: file.contents) } }
    }

    /// One ``AppendableFile/sync()`` after the other; every file is attempted.
    public func syncAll(_ files: [any AppendableFile]) throws {
        var firstError: (any Error)?
        for file in files {
            do { try file.sync() } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }
}

/// A file open for appending.
public protocol AppendableFile: AnyObject, Sendable {
    /// The file's length in bytes, including appends not yet synced.
    var length: Int { get }
    /// Writes all of `bytes` at the end of the file (retrying short writes and EINTR). When it
    /// throws, any prefix of `bytes`, or all of them, may have been written; nothing is durable
    /// until ``sync()`` returns.
    func append(_ bytes: [UInt8]) throws
    /// fsync: everything appended so far is on stable storage when this returns. When it throws,
    /// the unsynced bytes may be lost even if a later call succeeds, so callers must not retry.
    func sync() throws
    /// Closes the file without syncing it; later calls throw.
    func close()
}

/// A held lock.
public protocol FileLock: AnyObject, Sendable {
    /// Releases the lock.
    func release()
}
