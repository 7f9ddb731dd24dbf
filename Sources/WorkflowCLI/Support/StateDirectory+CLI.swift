import Foundation
import HistoryStore
import RDSSimulator
import SystemIO
import Time
import WorkflowEngine

/// The state directory: histories, the engine lock, the simulator's files and queued requests.
struct StateDirectory {
    /// The directory's path as given (relative paths stay relative, for readable messages).
    let path: String
    let fileSystem: any DurableFileSystem

    /// `--state-dir`, else `CAIRN_STATE_DIR`, else `.cairn` in the working directory.
    static func resolve(_ arguments: ParsedArguments, environment: [String: String]) -> StateDirectory {
        let path = arguments.value("state-dir") ?? environment["CAIRN_STATE_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? ".cairn"
        return StateDirectory(path: path, fileSystem: PosixFileSystem())
    }

    var simulatorPath: String { path + "/sim" }
    var requestsPath: String { path + "/requests" }

    /// Whether anything was ever written here.
    /// - Throws: a usage error when the path exists but is not a directory.
    var exists: Bool {
        get throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
            guard isDirectory.boolValue else {
                throw CLIError.usage("the state directory \(path) is a file, not a directory; pass another with --state-dir")
            }
            return true
        }
    }

    /// `<state>/executions`, where the histories live (docs/history-format.md, section 1).
    var executionsPath: String { path + "/executions" }

    /// Whether an execution was ever started here. Readers check it before opening the store,
    /// because `HistoryStore` creates the executions directory when it is missing.
    var hasExecutions: Bool {
        get throws { try exists && fileSystem.fileExists(at: executionsPath) }
    }

    /// The store, for reading (no lock, never modifies anything); `executionId` names what the
    /// caller looks for, for the message when there is nothing to read.
    func openForReading(lookingFor executionId: String? = nil) throws -> HistoryStore {
        guard try hasExecutions else {
            switch (executionId, try exists) {
            case (let executionId?, false):
                throw CLIError.usage(
                    "no execution \(executionId): there is no state directory at \(path); "
                        + "pass --state-dir or set CAIRN_STATE_DIR if it lives elsewhere, "
                        + "or start it with `cairn run FILE --id \(executionId)`")
            case (let executionId?, true):
                throw CLIError.usage(
                    "no execution \(executionId) in \(path): no execution was ever started there (or its first event "
                        + "never reached the disk); start it with `cairn run FILE --id \(executionId)`, "
                        + "or pass --state-dir / set CAIRN_STATE_DIR if it lives elsewhere")
            case (nil, _):
                throw CLIError.usage("no executions in \(path); run a workflow first, or pass --state-dir / set CAIRN_STATE_DIR")
            }
        }
        return try HistoryStore(stateDirectory: path, fileSystem: fileSystem)
    }

    /// The store with this process holding the engine lock.
    func openForWriting(holder: String) throws -> (HistoryStore, any FileLock) {
        let store = try HistoryStore(stateDirectory: path, fileSystem: fileSystem)
        let lock: any FileLock
        do {
            lock = try store.lockStateDirectory(holder: holder)
        } catch let error as StoreError where error.code == StoreError.Code.locked {
            throw CLIError(status: ExitStatus.failure, message: error.message, isLocked: true)
        }
        removeInterruptedWrites()
        return (store, lock)
    }

    /// Removes temporary files left by writes a crash interrupted (`.NAME.tmp-PID-N`). Only the lock
    /// holder writes in these directories, so none of them can belong to a write in progress.
    /// (`requests/` is left alone: `cairn cancel` writes there without the lock.)
    private func removeInterruptedWrites() {
        for directory in [path + "/executions", simulatorPath] {
            guard let names = try? fileSystem.listDirectory(at: directory) else { continue }
            for name in names where name.hasPrefix(".") && name.contains(".tmp-") {
                try? fileSystem.removeFile(at: directory + "/" + name)
            }
        }
    }

    /// Who holds the engine lock, as its holder wrote it into `LOCK` (nil when unknown).
    func lockHolder() -> String? {
        guard let bytes = try? fileSystem.readFile(at: path + "/LOCK") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// The CLI's error for a simulator failure: a rejected value is invalid input (exit 2); damaged
    /// simulator files say how to start afresh.
    func failure(_ error: SimulatorError) -> CLIError {
        switch error.code {
        case "sim.invalidFault", "sim.invalidSpeed":
            return CLIError.usage(error.description)
        case "sim.corruptState":
            return CLIError.failure(
                error.description.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
                    + ". The RDS simulator's files in \(simulatorPath) are damaged: restore them from a backup, "
                    + "or move that directory aside to start with an empty simulator (its instances, snapshots and "
                    + "secrets are then forgotten).")
        default:
            return CLIError.failure(error.description)
        }
    }

    /// The simulator, opened for writing (the caller holds the lock).
    func openSimulator(clock: any WallClock) throws -> RDSSimulator {
        try RDSSimulator(directory: simulatorPath, fileSystem: fileSystem, clock: clock)
    }
}

/// Who this process is, for lock files and history identities.
func processIdentity(_ command: String) -> String {
    "cairn \(command) (pid \(ProcessInfo.processInfo.processIdentifier), host \(ProcessInfo.processInfo.hostName))"
}
