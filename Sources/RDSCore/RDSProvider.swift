public import Time

/// The RDS operations Cairn needs, in the Query API's vocabulary. Two providers implement it: the
/// embedded simulator (`RDSSimulator`) and the real Query API over SigV4 (`AWSRDS`), so the activities
/// never know which one answers.
///
/// Every method throws ``RDSError`` for an answer from the service, with the exact AWS code.
public protocol RDSProvider: Sendable {
    /// `CreateDBInstance`.
    func createDBInstance(_ request: CreateDBInstanceRequest) async throws -> DBInstance
    /// `CreateDBInstanceReadReplica`, sent to the destination region.
    func createDBInstanceReadReplica(_ request: CreateDBInstanceReadReplicaRequest) async throws -> DBInstance
    /// `DescribeDBInstances`; with an identifier, throws `DBInstanceNotFound` when it does not exist.
    func describeDBInstances(_ request: DescribeDBInstancesRequest) async throws -> [DBInstance]
    /// `CreateDBSnapshot`.
    func createDBSnapshot(_ request: CreateDBSnapshotRequest) async throws -> DBSnapshot
    /// `DescribeDBSnapshots`; with a snapshot identifier, throws `DBSnapshotNotFound` when it does not exist.
    func describeDBSnapshots(_ request: DescribeDBSnapshotsRequest) async throws -> [DBSnapshot]
    /// `RestoreDBInstanceFromDBSnapshot`.
    func restoreDBInstanceFromDBSnapshot(_ request: RestoreDBInstanceFromDBSnapshotRequest) async throws -> DBInstance
    /// `ModifyDBInstance`.
    func modifyDBInstance(_ request: ModifyDBInstanceRequest) async throws -> DBInstance
    /// `DeleteDBInstance`; the result shows status `deleting`.
    func deleteDBInstance(_ request: DeleteDBInstanceRequest) async throws -> DBInstance
    /// `ListTagsForResource`.
    func listTagsForResource(_ request: ListTagsForResourceRequest) async throws -> [Tag]
    /// How long to wait in place of `interval` between polls: `interval` itself for real AWS, shorter
    /// for a simulator whose time runs faster.
    func scaledWait(_ interval: Interval) -> Interval
}

extension RDSProvider {
    /// Real time: waits are not scaled.
    public func scaledWait(_ interval: Interval) -> Interval { interval }

    /// The one instance named `identifier` in `region`.
    /// - Throws: ``RDSError`` `DBInstanceNotFound` when there is none.
    public func describeDBInstance(region: String, identifier: String) async throws -> DBInstance {
        let found = try await describeDBInstances(DescribeDBInstancesRequest(region: region, dbInstanceIdentifier: identifier))
        guard let instance = found.first else { throw RDSError.dbInstanceNotFound(identifier) }
        return instance
    }

    /// The one snapshot named `identifier` in `region`.
    /// - Throws: ``RDSError`` `DBSnapshotNotFound` when there is none.
    public func describeDBSnapshot(region: String, identifier: String) async throws -> DBSnapshot {
        let found = try await describeDBSnapshots(DescribeDBSnapshotsRequest(region: region, dbSnapshotIdentifier: identifier))
        guard let snapshot = found.first else { throw RDSError.dbSnapshotNotFound(identifier) }
        return snapshot
    }
}

/// Secrets Manager's shape, reduced to what Cairn needs: store a value under a name, read it back
/// by ARN. Implemented by the simulator and by AWS Secrets Manager (`AWSRDS`).
public protocol SecretStore: Sendable {
    /// Creates secret `name` in `region`, or stores a new value for it when it exists (the ARN stays
    /// the same), so a retried step may overwrite what an earlier attempt stored.
    /// - Returns: the secret's ARN.
    func putSecret(name: String, value: String, region: String, tags: [Tag]) async throws -> String
    /// The current value of the secret with ARN `arn` (or name).
    /// - Throws: ``RDSError`` `ResourceNotFoundException` when there is no such secret.
    func getSecretValue(arn: String) async throws -> String
}

/// Administers the users inside a database engine (not the RDS control plane): lists application
/// users and sets their passwords. Implemented by the simulator and, against AWS, by
/// `DatabaseAdministration`'s `psql` client.
public protocol DatabaseUserAdministrator: Sendable {
    /// The database's users other than the master user and `rds*` system users, sorted.
    func listApplicationUsers(region: String, instanceIdentifier: String) async throws -> [String]
    /// Sets `user`'s password to `password` (a secret: never logged or echoed).
    func setPassword(region: String, instanceIdentifier: String, user: String, password: String) async throws
}
