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
        RDSError(code: "NotImplemented", message: "\(operation) is not used by the database administrator")
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

/// A test's failure to set up, with a message that says what to do about it.
struct SetupFailure: Error, CustomStringConvertible {
    var description: String
}

/// A fresh private (0700) directory under the system's temporary directory.
func makeTemporaryDirectory(prefix: String) throws -> String {
    var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
    let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard let created else { throw SetupFailure(description: "mkdtemp failed: errno \(errno)") }
    return String(cString: created)
}

/// Writes `text` to `path` and makes it executable (a shell script standing in for a program).
func writeExecutable(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
}

/// A loopback TCP port nothing listens on right now: bound to port 0 to let the kernel choose, then
/// closed. Another process could take it in between, which callers must tolerate.
func unusedLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw SetupFailure(description: "socket failed: errno \(errno)") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    guard bound == 0 else { throw SetupFailure(description: "bind failed: errno \(errno)") }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard named == 0 else { throw SetupFailure(description: "getsockname failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}
