import EngineTesting
import RDSCore
import RDSSimulator
import Testing
import Time

/// A simulator on a fresh in-memory directory with a manual clock.
struct Fixture {
    let fileSystem = InMemoryFileSystem()
    let clock = ManualClock()
    let directory = "/state/sim"
    let sim: RDSSimulator

    init(seed: UInt64 = 42) throws {
        sim = try RDSSimulator(directory: directory, fileSystem: fileSystem, clock: clock, seed: seed)
    }

    /// A second simulator on the same directory, as after a restart.
    func reopen() throws -> RDSSimulator {
        try RDSSimulator(directory: directory, fileSystem: fileSystem, clock: clock)
    }

    func status(_ identifier: String, region: String = "us-east-1") async throws -> String {
        try await sim.describeDBInstance(region: region, identifier: identifier).status
    }

    @discardableResult
    func create(
        _ identifier: String, region: String = "us-east-1", multiAZ: Bool = false, engine: String = "postgres",
        password: String? = "initial-Passw0rd", backupRetention: Int = 7, tags: [RDSCore.Tag] = []
    ) async throws -> DBInstance {
        try await sim.createDBInstance(
            CreateDBInstanceRequest(
                region: region, dbInstanceIdentifier: identifier, engine: engine, dbInstanceClass: "db.t3.micro",
                multiAZ: multiAZ, masterUsername: "cairn_admin", masterUserPassword: password,
                manageMasterUserPassword: password == nil, backupRetentionPeriod: backupRetention, tags: tags))
    }

    /// Creates an instance and advances the clock until it is available (5 simulated minutes).
    @discardableResult
    func createAvailable(_ identifier: String, region: String = "us-east-1") async throws -> DBInstance {
        try await create(identifier, region: region)
        clock.advance(by: .minutes(5))
        return try await sim.describeDBInstance(region: region, identifier: identifier)
    }
}

/// The RDSError a call threw, or nil.
func rdsError(_ body: () async throws -> Void) async -> RDSError? {
    do {
        try await body()
        return nil
    } catch let error as RDSError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

extension Interval {
    static func - (lhs: Interval, rhs: Interval) -> Interval { Interval(milliseconds: lhs.milliseconds - rhs.milliseconds) }
}
