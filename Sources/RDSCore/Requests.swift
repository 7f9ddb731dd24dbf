/// `CreateDBInstance` parameters. `masterUserPassword` is a resolved secret that is only passed
/// through; `description` and reflection redact it, so printing a request cannot leak it.
public struct CreateDBInstanceRequest: Sendable, Hashable {
    /// The region to create the instance in.
    public var region: String
    /// `DBInstanceIdentifier`.
    public var dbInstanceIdentifier: String
    /// `Engine`: `postgres`, `mysql`, `mariadb`.
    public var engine: String
    /// `EngineVersion`; nil for the engine's default.
    public var engineVersion: String?
    /// `DBInstanceClass`.
    public var dbInstanceClass: String
    /// `AllocatedStorage` in GiB.
    public var allocatedStorage: Int
    /// `StorageType`; nil for the default (`gp2`).
    public var storageType: String?
    /// `MultiAZ`.
    public var multiAZ: Bool
    /// `MasterUsername`.
    public var masterUsername: String
    /// `MasterUserPassword`: the resolved secret. Exactly one of this and `manageMasterUserPassword`.
    public var masterUserPassword: String?
    /// `ManageMasterUserPassword`: RDS generates the password and keeps it in Secrets Manager.
    public var manageMasterUserPassword: Bool
    /// `DBName`.
    public var dbName: String?
    /// `VpcSecurityGroupIds`; empty for the VPC's default group.
    public var vpcSecurityGroupIds: [String]
    /// `DBSubnetGroupName`.
    public var dbSubnetGroupName: String?
    /// `DBParameterGroupName`; nil for the engine's default group.
    public var dbParameterGroupName: String?
    /// `BackupRetentionPeriod` in days (0-35).
    public var backupRetentionPeriod: Int
    /// `StorageEncrypted`.
    public var storageEncrypted: Bool
    /// `PubliclyAccessible`.
    public var publiclyAccessible: Bool
    /// `Tags`.
    public var tags: [Tag]

    /// Makes a request.
    public init(
        region: String, dbInstanceIdentifier: String, engine: String, engineVersion: String? = nil,
        dbInstanceClass: String, allocatedStorage: Int = 20, storageType: String? = nil, multiAZ: Bool = false,
        masterUsername: String, masterUserPassword: String? = nil, manageMasterUserPassword: Bool = false,
        dbName: String? = nil, vpcSecurityGroupIds: [String] = [], dbSubnetGroupName: String? = nil,
        dbParameterGroupName: String? = nil, backupRetentionPeriod: Int = 7, storageEncrypted: Bool = false,
        publiclyAccessible: Bool = false, tags: [Tag] = []
    ) {
        self.region = region
        self.dbInstanceIdentifier = dbInstanceIdentifier
        self.engine = engine
        self.engineVersion = engineVersion
        self.dbInstanceClass = dbInstanceClass
        self.allocatedStorage = allocatedStorage
        self.storageType = storageType
        self.multiAZ = multiAZ
        self.masterUsername = masterUsername
        self.masterUserPassword = masterUserPassword
        self.manageMasterUserPassword = manageMasterUserPassword
        self.dbName = dbName
        self.vpcSecurityGroupIds = vpcSecurityGroupIds
        self.dbSubnetGroupName = dbSubnetGroupName
        self.dbParameterGroupName = dbParameterGroupName
        self.backupRetentionPeriod = backupRetentionPeriod
        self.storageEncrypted = storageEncrypted
        self.publiclyAccessible = publiclyAccessible
        self.tags = tags
    }
}

extension CreateDBInstanceRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A summary with the password redacted.
    public var description: String {
        "CreateDBInstance(region: \(region), identifier: \(dbInstanceIdentifier), engine: \(engine), "
            + "class: \(dbInstanceClass), multiAZ: \(multiAZ), masterUsername: \(masterUsername), "
            + "masterUserPassword: \(masterUserPassword == nil ? "nil" : "<redacted>"), "
            + "manageMasterUserPassword: \(manageMasterUserPassword), tags: \(tags))"
    }
    /// Same as `description`: the password stays redacted.
    public var debugDescription: String { description }
    /// Reflection shows only the redacted description, so `dump` cannot leak the password.
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}

/// `CreateDBInstanceReadReplica` parameters, sent to the destination region.
public struct CreateDBInstanceReadReplicaRequest: Sendable, Hashable {
    /// The destination region: where the replica is created and where the request is sent.
    public var region: String
    /// `DBInstanceIdentifier` of the new replica.
    public var dbInstanceIdentifier: String
    /// `SourceDBInstanceIdentifier`: an id for a same-region source, the source's ARN across regions
    /// (the source region is taken from the ARN).
    public var sourceDBInstanceIdentifier: String
    /// `DBInstanceClass`; nil for the source's class.
    public var dbInstanceClass: String?
    /// `MultiAZ`.
    public var multiAZ: Bool
    /// `DBSubnetGroupName` in the destination region.
    public var dbSubnetGroupName: String?
    /// `VpcSecurityGroupIds` in the destination region.
    public var vpcSecurityGroupIds: [String]
    /// `KmsKeyId` in the destination region (needed for encrypted sources).
    public var kmsKeyId: String?
    /// `Tags`.
    public var tags: [Tag]

    /// Makes a request.
    public init(
        region: String, dbInstanceIdentifier: String, sourceDBInstanceIdentifier: String,
        dbInstanceClass: String? = nil, multiAZ: Bool = false, dbSubnetGroupName: String? = nil,
        vpcSecurityGroupIds: [String] = [], kmsKeyId: String? = nil, tags: [Tag] = []
    ) {
        self.region = region
        self.dbInstanceIdentifier = dbInstanceIdentifier
        self.sourceDBInstanceIdentifier = sourceDBInstanceIdentifier
        self.dbInstanceClass = dbInstanceClass
        self.multiAZ = multiAZ
        self.dbSubnetGroupName = dbSubnetGroupName
        self.vpcSecurityGroupIds = vpcSecurityGroupIds
        self.kmsKeyId = kmsKeyId
        self.tags = tags
    }

    /// The source's region: the ARN's region, or `region` for a plain identifier.
    public var sourceRegion: String {
        RDSResourceARN(parsing: sourceDBInstanceIdentifier)?.region ?? region
    }
}

/// `DescribeDBInstances` parameters.
public struct DescribeDBInstancesRequest: Sendable, Hashable {
    /// The region to ask.
    public var region: String
    /// `DBInstanceIdentifier` (id or ARN); nil lists every instance in the region.
    public var dbInstanceIdentifier: String?

    /// Makes a request.
    public init(region: String, dbInstanceIdentifier: String? = nil) {
        self.region = region
        self.dbInstanceIdentifier = dbInstanceIdentifier
    }
}

/// `CreateDBSnapshot` parameters.
public struct CreateDBSnapshotRequest: Sendable, Hashable {
    /// The region of the instance and the snapshot.
    public var region: String
    /// `DBSnapshotIdentifier` of the new snapshot.
    public var dbSnapshotIdentifier: String
    /// `DBInstanceIdentifier` of the instance to snapshot.
    public var dbInstanceIdentifier: String
    /// `Tags`.
    public var tags: [Tag]

    /// Makes a request.
    public init(region: String, dbSnapshotIdentifier: String, dbInstanceIdentifier: String, tags: [Tag] = []) {
        self.region = region
        self.dbSnapshotIdentifier = dbSnapshotIdentifier
        self.dbInstanceIdentifier = dbInstanceIdentifier
        self.tags = tags
    }
}

/// `DescribeDBSnapshots` parameters.
public struct DescribeDBSnapshotsRequest: Sendable, Hashable {
    /// The region to ask.
    public var region: String
    /// `DBSnapshotIdentifier` (id or ARN); nil for all.
    public var dbSnapshotIdentifier: String?
    /// `DBInstanceIdentifier`: only snapshots of this instance.
    public var dbInstanceIdentifier: String?

    /// Makes a request.
    public init(region: String, dbSnapshotIdentifier: String? = nil, dbInstanceIdentifier: String? = nil) {
        self.region = region
        self.dbSnapshotIdentifier = dbSnapshotIdentifier
        self.dbInstanceIdentifier = dbInstanceIdentifier
    }
}

/// `RestoreDBInstanceFromDBSnapshot` parameters.
public struct RestoreDBInstanceFromDBSnapshotRequest: Sendable, Hashable {
    /// The region of the snapshot and the new instance.
    public var region: String
    /// `DBInstanceIdentifier` of the new instance.
    public var dbInstanceIdentifier: String
    /// `DBSnapshotIdentifier` (id or ARN).
    public var dbSnapshotIdentifier: String
    /// `DBInstanceClass`; nil for the class of the snapshot's source instance.
    public var dbInstanceClass: String?
    /// `MultiAZ`.
    public var multiAZ: Bool
    /// `DBSubnetGroupName`.
    public var dbSubnetGroupName: String?
    /// `VpcSecurityGroupIds`.
    public var vpcSecurityGroupIds: [String]
    /// `DBParameterGroupName`.
    public var dbParameterGroupName: String?
    /// `Tags`.
    public var tags: [Tag]

    /// Makes a request.
    public init(
        region: String, dbInstanceIdentifier: String, dbSnapshotIdentifier: String, dbInstanceClass: String? = nil,
        multiAZ: Bool = false, dbSubnetGroupName: String? = nil, vpcSecurityGroupIds: [String] = [],
        dbParameterGroupName: String? = nil, tags: [Tag] = []
    ) {
        self.region = region
        self.dbInstanceIdentifier = dbInstanceIdentifier
        self.dbSnapshotIdentifier = dbSnapshotIdentifier
        self.dbInstanceClass = dbInstanceClass
        self.multiAZ = multiAZ
        self.dbSubnetGroupName = dbSubnetGroupName
        self.vpcSecurityGroupIds = vpcSecurityGroupIds
        self.dbParameterGroupName = dbParameterGroupName
        self.tags = tags
    }
}

/// `ModifyDBInstance` parameters; nil members are left unchanged. `masterUserPassword` is redacted
/// from `description` and reflection.
public struct ModifyDBInstanceRequest: Sendable, Hashable {
    /// The instance's region.
    public var region: String
    /// `DBInstanceIdentifier`.
    public var dbInstanceIdentifier: String
    /// `DBInstanceClass`.
    public var dbInstanceClass: String?
    /// `DBParameterGroupName`.
    public var dbParameterGroupName: String?
    /// `VpcSecurityGroupIds`: replaces the whole set.
    public var vpcSecurityGroupIds: [String]?
    /// `MasterUserPassword`: the resolved new password.
    public var masterUserPassword: String?
    /// `ManageMasterUserPassword`; `false` with a `masterUserPassword` turns RDS management off.
    public var manageMasterUserPassword: Bool?
    /// `ApplyImmediately`.
    public var applyImmediately: Bool

    /// Makes a request.
    public init(
        region: String, dbInstanceIdentifier: String, dbInstanceClass: String? = nil,
        dbParameterGroupName: String? = nil, vpcSecurityGroupIds: [String]? = nil,
        masterUserPassword: String? = nil, manageMasterUserPassword: Bool? = nil, applyImmediately: Bool = true
    ) {
        self.region = region
        self.dbInstanceIdentifier = dbInstanceIdentifier
        self.dbInstanceClass = dbInstanceClass
        self.dbParameterGroupName = dbParameterGroupName
        self.vpcSecurityGroupIds = vpcSecurityGroupIds
        self.masterUserPassword = masterUserPassword
        self.manageMasterUserPassword = manageMasterUserPassword
        self.applyImmediately = applyImmediately
    }
}

extension ModifyDBInstanceRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A summary with the password redacted.
    public var description: String {
        "ModifyDBInstance(region: \(region), identifier: \(dbInstanceIdentifier), "
            + "class: \(dbInstanceClass ?? "-"), parameterGroup: \(dbParameterGroupName ?? "-"), "
            + "securityGroups: \(vpcSecurityGroupIds.map { "\($0)" } ?? "-"), "
            + "masterUserPassword: \(masterUserPassword == nil ? "nil" : "<redacted>"), "
            + "applyImmediately: \(applyImmediately))"
    }
    /// Same as `description`: the password stays redacted.
    public var debugDescription: String { description }
    /// Reflection shows only the redacted description, so `dump` cannot leak the password.
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}

/// `DeleteDBInstance` parameters.
public struct DeleteDBInstanceRequest: Sendable, Hashable {
    /// The instance's region.
    public var region: String
    /// `DBInstanceIdentifier`.
    public var dbInstanceIdentifier: String
    /// `SkipFinalSnapshot` (AWS default false).
    public var skipFinalSnapshot: Bool
    /// `FinalDBSnapshotIdentifier`: required unless `skipFinalSnapshot`; not allowed for read replicas.
    public var finalDBSnapshotIdentifier: String?
    /// `DeleteAutomatedBackups`.
    public var deleteAutomatedBackups: Bool

    /// Makes a request.
    public init(
        region: String, dbInstanceIdentifier: String, skipFinalSnapshot: Bool = false,
        finalDBSnapshotIdentifier: String? = nil, deleteAutomatedBackups: Bool = true
    ) {
        self.region = region
        self.dbInstanceIdentifier = dbInstanceIdentifier
        self.skipFinalSnapshot = skipFinalSnapshot
        self.finalDBSnapshotIdentifier = finalDBSnapshotIdentifier
        self.deleteAutomatedBackups = deleteAutomatedBackups
    }
}

/// `ListTagsForResource` parameters.
public struct ListTagsForResourceRequest: Sendable, Hashable {
    /// The region to ask.
    public var region: String
    /// `ResourceName`: the resource's ARN.
    public var resourceName: String

    /// Makes a request.
    public init(region: String, resourceName: String) {
        self.region = region
        self.resourceName = resourceName
    }
}
