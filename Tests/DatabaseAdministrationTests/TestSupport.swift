import DatabaseTesting
import Foundation
import RDSCore

#if canImport(Glibc)
    import Glibc
#endif

/// An `RDSProvider` that knows one instance and answers only `DescribeDBInstances`, which is all the
/// administrator asks.
struct SingleInstanceRDS: RDSProvider {
    var instance: DBInstance

    /// An instance with the given engine, endpoint and master user (`creating` when it has no endpoint).
    static func instance(
        identifier: String = "orders", engine: String = "postgres",
        endpoint: Endpoint? = Endpoint(address: "orders.abc123.us-east-1.rds.amazonaws.com", port: 5432),
        masterUsername: String = "cairn_master", dbName: String? = nil
    ) -> DBInstance {
        DBInstance(
            identifier: identifier, arn: "arn:aws:rds:us-east-1:123456789012:db:\(identifier)", region: "us-east-1",
            status: endpoint == nil ? "creating" : "available", engine: engine, engineVersion: "15.7",
            instanceClass: "db.t4g.micro", allocatedStorage: 20, storageType: "gp3", multiAZ: false, endpoint: endpoint,
            masterUsername: masterUsername, dbName: dbName, dbParameterGroupName: "default.postgres15", backupRetentionPeriod: 1)
    }

    func describeDBInstances(_ request: DescribeDBInstancesRequest) async throws -> [DBInstance] {
        guard request.region == instance.region else { return [] }
        guard let identifier = request.dbInstanceIdentifier else { return [instance] }
        guard identifier.lowercased() == instance.identifier else { throw RDSError.dbInstanceNotFound(identifier) }
        return [instance]
    }

    private func unused(_ operation: String) -> RDSError {
        RDSError(code: RDSError.Code("NotImplemented"), message: "\(operation) is not used by the database administrator")
    }

    func createDBInstance(_ request: CreateDBInstanceRequest) async throws -> DBInstance { throw unused("CreateDBInstance") }
    func createDBInstanceReadReplica(_ request: CreateDBInstanceReadReplicaRequest) async throws -> DBInstance {
        throw unused("CreateDBInstanceReadReplica")
    }
    func createDBSnapshot(_ request: CreateDBSnapshotRequest) async throws -> DBSnapshot { throw unused("CreateDBSnapshot") }
    func describeDBSnapshots(_ request: DescribeDBSnapshotsRequest) async throws -> [DBSnapshot] {
        throw unused("DescribeDBSnapshots")
    }
    func restoreDBInstanceFromDBSnapshot(_ request: RestoreDBInstanceFromDBSnapshotRequest) async throws -> DBInstance {
        throw unused("RestoreDBInstanceFromDBSnapshot")
    }
    func modifyDBInstance(_ request: ModifyDBInstanceRequest) async throws -> DBInstance { throw unused("ModifyDBInstance") }
    func deleteDBInstance(_ request: DeleteDBInstanceRequest) async throws -> DBInstance { throw unused("DeleteDBInstance") }
    func listTagsForResource(_ request: ListTagsForResourceRequest) async throws -> [Tag] { throw unused("ListTagsForResource") }
}

/// Writes `text` to `path` and makes it executable (a shell script standing in for a program).
func writeExecutable(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
}
