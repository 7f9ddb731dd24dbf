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
