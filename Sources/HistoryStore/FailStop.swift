import Synchronization

/// The store's fail-stop switch: the first failed write or fsync turns it on for good, and every
/// later write is refused with the error that did.
///
/// Why stop instead of retrying: after a failed fsync Linux may mark the unwritten pages clean, so a
/// second fsync can report success without the lost bytes ever reaching the disk (PostgreSQL's fsync
/// lesson). Nothing written after the failure may be acknowledged; only a restart, recovering from
/// what is really on disk, is safe.
final class FailStop: Sendable {
    private let stopped = Mutex<StoreError?>(nil)

    /// The error that stopped the store, nil while it runs.
    var error: StoreError? { stopped.withLock { $0 } }

    /// Throws the error that stopped the store, if any.
    func check() throws(StoreError) {
        if let error { throw error }
    }

    /// Stops the store after `error` on `path` (keeping the first cause when already stopped) and
    /// returns the error to throw.
    func stop(_ path: String, _ error: any Error) -> StoreError {
        stopped.withLock { stopped in
            if let stopped { return stopped }
            let error = StoreError(
                code: .stopped,
                message: "history writes stopped after an I/O error on \(path): \(error). Nothing after the last "
                    + "acknowledged event was acknowledged. Fix the disk (space, permissions) and restart Cairn; "
                    + "histories are checked on restart.",
                cause: error)
            stopped = error
            return error
        }
    }
}
