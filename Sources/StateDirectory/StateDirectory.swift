public import HistoryStore
public import SystemIO

/// A state directory: the histories and the engine lock (`HistoryStore` writes them), the RDS
/// simulator's files and the queued cancel requests. Everything goes through a ``DurableFileSystem``.
///
/// Layout: `LOCK` and `executions/<id>.history` (docs/history-format.md, section 1; the store creates
/// them), `sim/` (the simulator's files) and `requests/` (``CancelRequests``).
public struct StateDirectory: Sendable {
    /// The directory's path as given (relative paths stay relative, for readable messages).
    public let path: String
    /// The file system the directory lives on.
    public let fileSystem: any DurableFileSystem

    /// The directory at `path` on `fileSystem`.
    public init(path: String, fileSystem: any DurableFileSystem) {
        self.path = path
        self.fileSystem = fileSystem
    }

    /// The variable that names the state directory when no path is given explicitly.
    public static let environmentVariable = "CAIRN_STATE_DIR"
    /// The state directory when neither a path nor the variable is given, relative to the working directory.
    public static let defaultPath = ".cairn"

    /// `explicit` (e.g. `--state-dir`), else `CAIRN_STATE_DIR` when set and not empty, else `.cairn`.
    public static func resolve(
        explicit: String?, environment: [String: String], fileSystem: any DurableFileSystem = PosixFileSystem()
    ) -> StateDirectory {
        let fromEnvironment = environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        return StateDirectory(path: explicit ?? fromEnvironment ?? defaultPath, fileSystem: fileSystem)
    }

    // MARK: Layout

    /// `<state>/executions`, where `HistoryStore` keeps the histories.
    public var executionsPath: String { path + "/executions" }
    /// `<state>/LOCK`, the engine lock `HistoryStore.lockStateDirectory(holder:)` takes.
    public var lockPath: String { path + "/LOCK" }
    /// `<state>/sim`, the RDS simulator's directory.
    public var simulatorPath: String { path + "/sim" }
    /// `<state>/requests`, where processes without the lock queue requests (``CancelRequests``).
    public var requestsPath: String { path + "/requests" }

    // MARK: Describing

    /// Whether anything was ever written here.
    /// - Throws: `state.notADirectory` when the path names a file.
    public func exists() throws(StateDirectoryError) -> Bool {
        guard fileSystem.fileExists(at: path) else { return false }
        guard fileSystem.directoryExists(at: path) else {
            throw StateDirectoryError(
                code: .notADirectory,
                message: "the state directory \(path) is a file, not a directory; pass another with --state-dir")
        }
        return true
    }

    /// Whether an execution was ever started here. Readers check it before opening the store,
    /// because `HistoryStore` creates the executions directory when it is missing.
    /// - Throws: `state.notADirectory` when the path names a file.
    public func hasExecutions() throws(StateDirectoryError) -> Bool {
        try exists() && fileSystem.directoryExists(at: executionsPath)
    }

    /// Who holds the engine lock, as its holder wrote it (nil when unknown).
    public func lockHolder() -> String? {
        fileSystem.lockHolder(at: lockPath)
    }

    /// Whether an engine holds the lock now, found without taking it; nil when that cannot be told.
    public func lockIsHeld() -> Bool? {
        fileSystem.lockIsHeld(at: lockPath)
    }

    // MARK: Opening

    /// The store, for reading (no lock, never modifies anything); `executionId` names what the
    /// caller looks for, for the message when there is nothing to read.
    /// - Throws: ``StateDirectoryError`` (`state.notFound`, `state.noExecutions`, `state.notADirectory`);
    ///   `StoreError` when the store cannot be opened.
    public func openForReading(lookingFor executionId: String? = nil) throws -> HistoryStore {
        guard try hasExecutions() else { throw try nothingToRead(lookingFor: executionId) }
        return try HistoryStore(stateDirectory: path, fileSystem: fileSystem)
    }

    /// Why there is nothing to read, in words that say what to do.
    private func nothingToRead(lookingFor executionId: String?) throws(StateDirectoryError) -> StateDirectoryError {
        let exists = try exists()
        let code: StateDirectoryError.Code = exists ? .noExecutions : .notFound
        guard let executionId else {
            return StateDirectoryError(
                code: code, message: "no executions in \(path); run a workflow first, or pass --state-dir / set CAIRN_STATE_DIR")
        }
        if !exists {
            return StateDirectoryError(
                code: code,
                message: "no execution \(executionId): there is no state directory at \(path); "
                    + "pass --state-dir or set CAIRN_STATE_DIR if it lives elsewhere, "
                    + "or start it with `cairn run FILE --id \(executionId)`")
        }
        return StateDirectoryError(
            code: code,
            message: "no execution \(executionId) in \(path): no execution was ever started there (or its first event "
                + "never reached the disk); start it with `cairn run FILE --id \(executionId)`, "
                + "or pass --state-dir / set CAIRN_STATE_DIR if it lives elsewhere")
    }

    /// The store with this process holding the engine lock (recording `holder`), after removing
    /// what interrupted writes left behind.
    /// - Throws: ``StateDirectoryError`` `state.locked` (the store's message, with its error as the
    ///   cause) when another engine holds the lock; `StoreError` for other store failures.
    public func openForWriting(holder: String) throws -> (HistoryStore, any FileLock) {
        let store = try HistoryStore(stateDirectory: path, fileSystem: fileSystem)
        let lock: any FileLock
        do {
            lock = try store.lockStateDirectory(holder: holder)
        } catch let error as StoreError where error.code == StoreError.Code.locked {
            throw StateDirectoryError(code: .locked, message: error.message, cause: error)
        }
        removeInterruptedWrites()
        return (store, lock)
    }

    /// Removes the temporary files of writes a crash interrupted (see `DurableFileSystem.isTemporaryName`).
    /// Only the lock holder writes in these directories, so none of them can belong to a write in
    /// progress. (`requests/` is left alone: `cairn cancel` writes there without the lock.)
    func removeInterruptedWrites() {
        for directory in [executionsPath, simulatorPath] {
            guard let names = try? fileSystem.listDirectory(at: directory) else { continue }
            for name in names where fileSystem.isTemporaryName(name) {
                // Best effort: a leftover that cannot be removed now is tried again by the next holder.
                try? fileSystem.removeFile(at: directory + "/" + name)
            }
        }
    }
}
