import Time

/// Specs of the built-in activity types. The handlers live in the `Activities` module; a test checks
/// that every spec here has a handler and the other way round.
public enum BuiltInActivityTypes {
    static let region = FieldSpec("region", .string, required: true, "AWS region, e.g. us-east-1")
    static let identifier = FieldSpec("identifier", .string, required: true, "DB instance identifier")
    static let tags = FieldSpec("tags", .object, "extra tags, name to value; Cairn adds its own ownership tags")
    static let securityGroups = FieldSpec(
        "vpcSecurityGroupIds", .array, itemType: .string, "VPC security group ids")
    static let instanceOutputs = [
        "identifier", "arn", "region", "status", "engine", "instanceClass", "multiAZ", "endpoint",
        "masterUserSecretArn", "sourceArn", "tags",
    ]
    /// RDS errors that no retry can fix.
    static let rdsPermanent = [
        "InvalidParameterValue", "InvalidParameterCombination", "DBInstanceNotFound", "DBSnapshotNotFound",
        "DBParameterGroupNotFound", "InvalidInput", "ResourceNotOwned", "AuthFailure",
        "DBInstanceAlreadyExists",
    ]
    static let apiCall = ActivityTimeouts(startToClose: .minutes(10))
    static let waiting = ActivityTimeouts(startToClose: .hours(2), heartbeat: .minutes(2))

    /// All built-in types.
    public static let all: [ActivityTypeSpec] = [
        ActivityTypeSpec(
            name: "rds.createInstance",
            summary: "CreateDBInstance, tagged with the execution and step; returns at once (pair with rds.waitAvailable)",
            fields: [
                region, identifier,
                FieldSpec("engine", .string, required: true, "postgres, mysql, mariadb, ..."),
                FieldSpec("engineVersion", .string, "engine version"),
                FieldSpec("instanceClass", .string, required: true, "e.g. db.r6g.large"),
                FieldSpec("allocatedStorage", .integer, "GiB; default 20"),
                FieldSpec("storageType", .string, "gp3, io1, ..."),
                FieldSpec("multiAZ", .boolean, "Multi-AZ deployment; default false"),
                FieldSpec("masterUsername", .string, "default cairn_admin"),
                FieldSpec(
                    "masterUserPassword", .secretRef,
                    "a secret reference; when absent RDS manages the password (ManageMasterUserPassword)"),
                FieldSpec("dbName", .string, "initial database name"),
                FieldSpec("dbSubnetGroupName", .string, "DB subnet group"),
                securityGroups,
                FieldSpec("dbParameterGroupName", .string, "DB parameter group"),
                FieldSpec("backupRetentionPeriod", .integer, "days; default 7 (read replicas need backups)"),
                FieldSpec("storageEncrypted", .boolean, "encrypt storage"),
                FieldSpec("publiclyAccessible", .boolean, "default false"),
                tags,
            ],
            outputFields: instanceOutputs, defaultTaskList: "rds", defaultTimeouts: apiCall,
            nonRetryableErrors: rdsPermanent),
        ActivityTypeSpec(
            name: "rds.createReadReplica",
            summary: "CreateDBInstanceReadReplica in `region` from the source instance's ARN (cross-region)",
            fields: [
                FieldSpec("region", .string, required: true, "the replica's (destination) region"),
                identifier,
                FieldSpec("sourceArn", .string, required: true, "ARN of the source DB instance"),
                FieldSpec("instanceClass", .string, "default: the source's class"),
                FieldSpec("multiAZ", .boolean, "default false"),
                FieldSpec("dbSubnetGroupName", .string, "DB subnet group in the destination region"),
                securityGroups,
                FieldSpec("kmsKeyId", .string, "KMS key in the destination region, for encrypted sources"),
                tags,
            ],
            outputFields: instanceOutputs, defaultTaskList: "rds", defaultTimeouts: apiCall,
            nonRetryableErrors: rdsPermanent),
        ActivityTypeSpec(
            name: "rds.waitAvailable",
            summary: "Polls DescribeDBInstances until `available` (the AWS waiter's rules), heartbeating",
            fields: [
                region, identifier,
                FieldSpec("pollInterval", .string, "between polls; default 30s"),
            ],
            outputFields: instanceOutputs, defaultTaskList: "rds", defaultTimeouts: waiting,
            nonRetryableErrors: ["DBInstanceNotFound", "InstanceFailed", "InvalidInput"]),
        ActivityTypeSpec(
            name: "rds.createSnapshot",
            summary: "CreateDBSnapshot and wait until the snapshot is available",
            fields: [
                region, identifier,
                FieldSpec("snapshotIdentifier", .string, required: true, "the new snapshot's identifier"),
                FieldSpec("pollInterval", .string, "between polls; default 30s"),
                tags,
            ],
            outputFields: ["snapshotIdentifier", "snapshotArn", "region", "status", "sourceIdentifier"],
            defaultTaskList: "rds", defaultTimeouts: waiting, nonRetryableErrors: rdsPermanent),
        ActivityTypeSpec(
            name: "rds.restoreFromSnapshot",
            summary: "RestoreDBInstanceFromDBSnapshot; returns at once (pair with rds.waitAvailable)",
            fields: [
                region, identifier,
                FieldSpec("snapshotIdentifier", .string, required: true, "snapshot identifier or ARN"),
                FieldSpec("instanceClass", .string, "default: the snapshot's source class"),
                FieldSpec("multiAZ", .boolean, "default false"),
                FieldSpec("dbSubnetGroupName", .string, "DB subnet group"),
                securityGroups,
                FieldSpec("dbParameterGroupName", .string, "DB parameter group"),
                tags,
            ],
            outputFields: instanceOutputs, defaultTaskList: "rds", defaultTimeouts: apiCall,
            nonRetryableErrors: rdsPermanent),
        ActivityTypeSpec(
            name: "rds.modifyInstance",
            summary: "ModifyDBInstance (security groups, parameter group, instance class), applied immediately",
            fields: [
                region, identifier, securityGroups,
                FieldSpec("dbParameterGroupName", .string, "DB parameter group"),
                FieldSpec("instanceClass", .string, "new instance class"),
                FieldSpec("applyImmediately", .boolean, "default true"),
            ],
            outputFields: instanceOutputs, defaultTaskList: "rds", defaultTimeouts: apiCall,
            nonRetryableErrors: rdsPermanent),
        ActivityTypeSpec(
            name: "rds.resetMasterPassword",
            summary: "Generates a new master password, stores it in the secret store, applies it; returns its ARN",
            fields: [
                region, identifier,
                FieldSpec("secretName", .string, "name for the stored secret; default cairn/<identifier>/master"),
            ],
            outputFields: ["identifier", "region", "secretArn", "status"], defaultTaskList: "rds",
            defaultTimeouts: apiCall, nonRetryableErrors: rdsPermanent),
        ActivityTypeSpec(
            name: "rds.deleteInstance",
            summary: "DeleteDBInstance and wait until it is gone; an instance already gone counts as success",
            fields: [
                region, identifier,
                FieldSpec("skipFinalSnapshot", .boolean, "default false"),
                FieldSpec("finalSnapshotIdentifier", .string, "required unless skipFinalSnapshot"),
                FieldSpec("waitUntilDeleted", .boolean, "default true"),
                FieldSpec("pollInterval", .string, "between polls; default 30s"),
            ],
            outputFields: ["identifier", "region", "status", "finalSnapshotIdentifier"], defaultTaskList: "rds",
            defaultTimeouts: waiting, nonRetryableErrors: ["InvalidParameterValue", "InvalidParameterCombination", "InvalidInput"]),
        ActivityTypeSpec(
            name: "db.resetUserPasswords",
            summary: "Gives each application user of the database a new password, stored in the secret store",
            fields: [
                region, identifier,
                FieldSpec("users", .array, itemType: .string, "users to reset; default every application user"),
                FieldSpec("secretPrefix", .string, "prefix of stored secret names; default cairn/<identifier>/users/"),
            ],
            outputFields: ["identifier", "region", "users"], defaultTaskList: "rds", defaultTimeouts: apiCall,
            nonRetryableErrors: rdsPermanent),
        ActivityTypeSpec(
            name: "exec",
            summary: "Runs a command: JSON input on stdin, JSON output on stdout; a non-zero exit fails",
            fields: [
                FieldSpec("command", .array, itemType: .string, required: true, "argv; the first element is the program"),
                FieldSpec("input", .any, "sent to stdin as JSON"),
                FieldSpec("env", .object, "extra environment variables, name to string"),
                FieldSpec("workingDirectory", .string, "default: the engine's working directory"),
            ],
            outputFields: nil, defaultTaskList: "default", defaultTimeouts: apiCall,
            nonRetryableErrors: ["InvalidInput", "CommandNotFound", "InvalidOutput", "OutputTooLarge"]),
        ActivityTypeSpec(
            name: "sleep",
            summary: "Waits for `duration` while heartbeating (use a timer step to wait without a worker)",
            fields: [FieldSpec("duration", .string, required: true, "e.g. 30s")],
            outputFields: ["sleptFor"], defaultTaskList: "default",
            defaultTimeouts: ActivityTimeouts(startToClose: .hours(25), heartbeat: .minutes(1)),
            nonRetryableErrors: ["InvalidInput"]),
        ActivityTypeSpec(
            name: "noop",
            summary: "Does nothing and returns its input",
            fields: [], acceptsOtherFields: true, outputFields: nil, defaultTaskList: "default",
            defaultTimeouts: ActivityTimeouts(startToClose: .minutes(1))),
    ]
}
