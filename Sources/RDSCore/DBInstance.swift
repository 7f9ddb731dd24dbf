public import Time

/// A DB instance as `DescribeDBInstances` reports it (the `DBInstance` shape, trimmed to what Cairn
/// uses; field names follow botocore's with the `DB` prefixes dropped where Swift reads better).
public struct DBInstance: Sendable, Hashable, Codable {
    /// `DBInstanceIdentifier`, lowercase.
    public var identifier: String
    /// `DBInstanceArn`.
    public var arn: String
    /// The region the instance lives in.
    public var region: String
    /// `DBInstanceStatus`: `creating`, `backing-up`, `available`, `modifying`, `deleting`, `failed`, ...
    public var status: String
    /// `Engine`: `postgres`, `mysql`, `mariadb`.
    public var engine: String
    /// `EngineVersion`.
    public var engineVersion: String
    /// `DBInstanceClass`, e.g. `db.r6g.large`.
    public var instanceClass: String
    /// `AllocatedStorage` in GiB.
    public var allocatedStorage: Int
    /// `StorageType`: `gp2`, `gp3`, `io1`, ...
    public var storageType: String
    /// `MultiAZ`.
    public var multiAZ: Bool
    /// `Endpoint`; absent while the instance is first being created, as on AWS.
    public var endpoint: Endpoint?
    /// `MasterUsername`.
    public var masterUsername: String
    /// `MasterUserSecret.SecretArn` when RDS manages the master password in Secrets Manager.
    public var masterUserSecretArn: String?
    /// `DBName`, the initial database.
    public var dbName: String?
    /// The source instance's ARN when this is a read replica. (AWS reports
    /// `ReadReplicaSourceDBInstanceIdentifier` as an id for same-region sources; providers normalise
    /// it to an ARN so workflows see one form.)
    public var readReplicaSourceArn: String?
    /// `ReadReplicaDBInstanceIdentifiers`: ids of same-region replicas, ARNs of cross-region ones.
    public var readReplicaIdentifiers: [String]
    /// `VpcSecurityGroups[].VpcSecurityGroupId`.
    public var vpcSecurityGroups: [String]
    /// `DBParameterGroups[0].DBParameterGroupName`.
    public var dbParameterGroupName: String
    /// `DBParameterGroups[0].ParameterApplyStatus`: `in-sync`, or `pending-reboot` after a change.
    public var parameterApplyStatus: String
    /// `DBSubnetGroup.DBSubnetGroupName`.
    public var dbSubnetGroupName: String?
    /// `BackupRetentionPeriod` in days; 0 disables automated backups (and read replicas).
    public var backupRetentionPeriod: Int
    /// `StorageEncrypted`.
    public var storageEncrypted: Bool
    /// `KmsKeyId`.
    public var kmsKeyId: String?
    /// `PubliclyAccessible`.
    public var publiclyAccessible: Bool
    /// `PendingModifiedValues`: changes accepted but not yet applied.
    public var pendingModifiedValues: PendingModifiedValues
    /// `TagList`, sorted by key.
    public var tags: [Tag]
    /// `InstanceCreateTime`.
    public var createdAt: Timestamp?

    /// Makes an instance description.
    public init(
        identifier: String, arn: String, region: String, status: String, engine: String, engineVersion: String,
        instanceClass: String, allocatedStorage: Int, storageType: String, multiAZ: Bool, endpoint: Endpoint?,
        masterUsername: String, masterUserSecretArn: String? = nil, dbName: String? = nil,
        readReplicaSourceArn: String? = nil, readReplicaIdentifiers: [String] = [], vpcSecurityGroups: [String] = [],
        dbParameterGroupName: String, parameterApplyStatus: String = "in-sync", dbSubnetGroupName: String? = nil,
        backupRetentionPeriod: Int, storageEncrypted: Bool = false, kmsKeyId: String? = nil,
        publiclyAccessible: Bool = false, pendingModifiedValues: PendingModifiedValues = PendingModifiedValues(),
        tags: [Tag] = [], createdAt: Timestamp? = nil
    ) {
        self.identifier = identifier
        self.arn = arn
        self.region = region
        self.status = status
        self.engine = engine
        self.engineVersion = engineVersion
        self.instanceClass = instanceClass
        self.allocatedStorage = allocatedStorage
        self.storageType = storageType
        self.multiAZ = multiAZ
        self.endpoint = endpoint
        self.masterUsername = masterUsername
        self.masterUserSecretArn = masterUserSecretArn
        self.dbName = dbName
        self.readReplicaSourceArn = readReplicaSourceArn
        self.readReplicaIdentifiers = readReplicaIdentifiers
        self.vpcSecurityGroups = vpcSecurityGroups
        self.dbParameterGroupName = dbParameterGroupName
        self.parameterApplyStatus = parameterApplyStatus
        self.dbSubnetGroupName = dbSubnetGroupName
        self.backupRetentionPeriod = backupRetentionPeriod
        self.storageEncrypted = storageEncrypted
        self.kmsKeyId = kmsKeyId
        self.publiclyAccessible = publiclyAccessible
        self.pendingModifiedValues = pendingModifiedValues
        self.tags = tags
        self.createdAt = createdAt
    }
}

/// A DB instance's `Endpoint`.
public struct Endpoint: Sendable, Hashable, Codable {
    /// `Address`, e.g. `orders.abc123def456.us-east-1.rds.amazonaws.com`.
    public var address: String
    /// `Port`: 5432 for PostgreSQL, 3306 for MySQL and MariaDB.
    public var port: Int

    /// Makes an endpoint.
    public init(address: String, port: Int) {
        self.address = address
        self.port = port
    }
}

/// A DB instance's `PendingModifiedValues`. The master password itself is never reported, only
/// that a change is pending (AWS shows `****`).
public struct PendingModifiedValues: Sendable, Hashable, Codable {
    /// `DBInstanceClass` the instance is moving to.
    public var instanceClass: String?
    /// Whether a master password change is being applied.
    public var masterUserPassword: Bool

    /// Makes pending values; the default is "nothing pending".
    public init(instanceClass: String? = nil, masterUserPassword: Bool = false) {
        self.instanceClass = instanceClass
        self.masterUserPassword = masterUserPassword
    }
}

/// A DB snapshot as `DescribeDBSnapshots` reports it.
public struct DBSnapshot: Sendable, Hashable, Codable {
    /// `DBSnapshotIdentifier`, lowercase.
    public var identifier: String
    /// `DBSnapshotArn`.
    public var arn: String
    /// The region the snapshot lives in.
    public var region: String
    /// `DBInstanceIdentifier` of the instance it was taken from.
    public var dbInstanceIdentifier: String
    /// `Status`: `creating`, `available`, ...
    public var status: String
    /// `Engine`.
    public var engine: String
    /// `EngineVersion`.
    public var engineVersion: String
    /// `AllocatedStorage` in GiB.
    public var allocatedStorage: Int
    /// `MasterUsername`.
    public var masterUsername: String
    /// `Port`.
    public var port: Int
    /// `SnapshotType`: `manual` or `automated`.
    public var snapshotType: String
    /// `Encrypted`.
    public var encrypted: Bool
    /// `TagList`, sorted by key.
    public var tags: [Tag]
    /// `SnapshotCreateTime`.
    public var createdAt: Timestamp?

    /// Makes a snapshot description.
    public init(
        identifier: String, arn: String, region: String, dbInstanceIdentifier: String, status: String,
        engine: String, engineVersion: String, allocatedStorage: Int, masterUsername: String, port: Int,
        snapshotType: String = "manual", encrypted: Bool = false, tags: [Tag] = [], createdAt: Timestamp? = nil
    ) {
        self.identifier = identifier
        self.arn = arn
        self.region = region
        self.dbInstanceIdentifier = dbInstanceIdentifier
        self.status = status
        self.engine = engine
        self.engineVersion = engineVersion
        self.allocatedStorage = allocatedStorage
        self.masterUsername = masterUsername
        self.port = port
        self.snapshotType = snapshotType
        self.encrypted = encrypted
        self.tags = tags
        self.createdAt = createdAt
    }
}
