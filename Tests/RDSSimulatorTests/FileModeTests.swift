import EngineTesting
import Foundation
import RDSCore
import RDSSimulator
import SystemIO
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The simulator's directory holds generated master passwords (`secrets.json`), so on the real
/// disk its files must be readable by their owner only.
@Suite struct FileModeTests {
    func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    /// Opens a simulator in `directory` on the real disk and makes it write all three files.
    static func runSimulator(in directory: String) async throws {
        let sim = try RDSSimulator(directory: directory, fileSystem: PosixFileSystem(), clock: ManualClock(), seed: 7)
        // A managed master password makes the simulator write a secret.
        _ = try await sim.createDBInstance(
            CreateDBInstanceRequest(
                region: "us-east-1", dbInstanceIdentifier: "orders", engine: "postgres", dbInstanceClass: "db.t3.micro",
                masterUsername: "cairn_admin", manageMasterUserPassword: true))
    }

    @Test func simulatorFilesAreOwnerOnlyOnTheRealDisk() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-sim-modes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/state/sim"
        try await Self.runSimulator(in: directory)
        #expect(mode(root + "/state") == 0o700)
        #expect(mode(directory) == 0o700)
        #expect(mode(directory + "/secrets.json") == 0o600)
        #expect(mode(directory + "/state.json") == 0o600)
        #expect(mode(directory + "/calls.log") == 0o600)
        // Only those three files: no temporary left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["calls.log", "secrets.json", "state.json"])
    }

    /// The same under a umask that would take the owner's own write bit (the umask is process-wide,
    /// so in a child process).
    @Test func simulatorFilesAreOwnerOnlyWhateverTheUmask() async {
        await #expect(processExitsWith: .success) {
            umask(0o277)
            let root = "\(NSTemporaryDirectory())/cairn-sim-umask-\(getpid())"
            let directory = root + "/state/sim"
            do {
                try await FileModeTests.runSimulator(in: directory)
            } catch {
                preconditionFailure("\(error)")
            }
            let modes = FileModeTests()
            precondition(modes.mode(directory) == 0o700)
            for name in ["secrets.json", "state.json", "calls.log"] {
                precondition(modes.mode(directory + "/" + name) == 0o600, name)
            }
            try? FileManager.default.removeItem(atPath: root)
        }
    }
}
