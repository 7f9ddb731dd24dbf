import Foundation
import RDSSimulator
import StateDirectory
import Time

extension StateDirectory {
    /// The CLI's error for a simulator failure: a rejected value is invalid input (exit 2); damaged
    /// simulator files say how to start afresh.
    func failure(_ error: SimulatorError) -> CLIError {
        switch error.code {
        case .invalidFault, .invalidSpeed:
            return CLIError.usage(error.description)
        case .corruptState:
            return CLIError.failure(
                error.description.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
                    + ". The RDS simulator's files in \(simulatorPath) are damaged: restore them from a backup, "
                    + "or move that directory aside to start with an empty simulator (its instances, snapshots and "
                    + "secrets are then forgotten).")
        default:
            return CLIError.failure(error.description)
        }
    }

    /// Whether some process holds the engine lock now, read from Linux's `/proc/locks` (taking the
    /// lock to find out would rewrite LOCK); nil when that cannot be told.
    func lockIsHeld() -> Bool? {
        var info = stat()
        guard stat(lockPath, &info) == 0 else { return errno == ENOENT ? false : nil }
        guard let locks = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        // The kernel names the file MAJOR:MINOR:INODE (hex, hex, decimal); glibc's encoding of st_dev.
        let device = UInt64(info.st_dev)
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
        let minor = (device & 0xff) | ((device >> 12) & ~0xff)
        let file = Substring(String(format: "%02llx:%02llx:%llu", major, minor, UInt64(info.st_ino)))
        return locks.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.contains("FLOCK") && fields.contains(file)
        }
    }

    /// The simulator, opened for writing (the caller holds the lock).
    func openSimulator(clock: any WallClock, environment: [String: String] = [:]) throws -> RDSSimulator {
        try RDSSimulator(
            directory: simulatorPath, fileSystem: fileSystem, clock: clock, afterSavedCall: Failpoints.simulator(environment))
    }
}

extension CLIError {
    /// A state-directory error as the CLI reports it: a missing or misplaced directory is a usage
    /// error (exit 2); a held lock or a failed write is a failure (exit 1).
    init(_ error: StateDirectoryError) {
        switch error.code {
        case .notADirectory, .notFound, .noExecutions:
            self = .usage(error.message)
        case .locked:
            self = .failure(error.message)
        default:
            self = .failure(error.description)
        }
    }
}

/// Who this process is, for lock files and history identities.
func processIdentity(_ command: String) -> String {
    "cairn \(command) (pid \(ProcessInfo.processInfo.processIdentifier), host \(ProcessInfo.processInfo.hostName))"
}
