import RDSCore
import StrictJSON
import Time
import WorkflowModel

/// `rds.createInstance`: CreateDBInstance with ownership tags; returns at once.
struct CreateInstanceActivity: ActivityHandler {
    let activityType = "rds.createInstance"
    let rds: any RDSProvider
    let secretResolver: SecretResolver

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let input = try ActivityInput(input, type: activityType)
        let region = try input.string("region")
        let identifier = try input.string("identifier")
        var password: String?
        if let reference = input.secretReference("masterUserPassword") {
            do {
                password = try await secretResolver.resolve(reference)
            } catch let error as SecretResolutionError {
                throw error.activityFailure
            }
        }
        let request = CreateDBInstanceRequest(
            region: region, dbInstanceIdentifier: identifier, engine: try input.string("engine"),
            engineVersion: input.optionalString("engineVersion"), dbInstanceClass: try input.string("instanceClass"),
            allocatedStorage: try input.int("allocatedStorage", default: 20), storageType: input.optionalString("storageType"),
            multiAZ: input.bool("multiAZ", default: false),
            masterUsername: input.optionalString("masterUsername") ?? "cairn_admin",
            masterUserPassword: password, manageMasterUserPassword: password == nil,
            dbName: input.optionalString("dbName"), vpcSecurityGroupIds: input.stringArray("vpcSecurityGroupIds") ?? [],
            dbSubnetGroupName: input.optionalString("dbSubnetGroupName"),
            dbParameterGroupName: input.optionalString("dbParameterGroupName"),
            backupRetentionPeriod: try input.int("backupRetentionPeriod", default: 7),
            storageEncrypted: input.bool("storageEncrypted", default: false),
            publiclyAccessible: input.bool("publiclyAccessible", default: false),
            tags: RDSSupport.tags(for: context, stepTags: try input.stepTags()))
        let instance = try await RDSSupport.createOrAdopt(rds: rds, region: region, identifier: identifier, context: context) {
            try await rds.createDBInstance(request)
        }
        context.report("CreateDBInstance \(instance.identifier) in \(region): \(instance.status)")
        return RDSSupport.output(instance)
    }
}

/// `rds.createReadReplica`: CreateDBInstanceReadReplica in the destination region from the source's ARN.
struct CreateReadReplicaActivity: ActivityHandler {
    let activityType = "rds.createReadReplica"
    let rds: any RDSProvider

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let input = try ActivityInput(input, type: activityType)
        let region = try input.string("region")
        let identifier = try input.string("identifier")
        let sourceArn = try input.string("sourceArn")
        guard let parsed = RDSResourceARN(parsing: sourceArn), parsed.resourceType == "db" else {
            throw ActivityInput.invalid(
                "field sourceArn must be a DB instance ARN (arn:aws:rds:<region>:<account>:db:<id>), found \"\(sourceArn)\"")
        }
        let request = CreateDBInstanceReadReplicaRequest(
            region: region, dbInstanceIdentifier: identifier, sourceDBInstanceIdentifier: sourceArn,
            dbInstanceClass: input.optionalString("instanceClass"), multiAZ: input.bool("multiAZ", default: false),
            dbSubnetGroupName: input.optionalString("dbSubnetGroupName"),
            vpcSecurityGroupIds: input.stringArray("vpcSecurityGroupIds") ?? [], kmsKeyId: input.optionalString("kmsKeyId"),
            tags: RDSSupport.tags(for: context, stepTags: try input.stepTags()))
        let replica = try await RDSSupport.createOrAdopt(rds: rds, region: region, identifier: identifier, context: context) {
            try await rds.createDBInstanceReadReplica(request)
        }
        context.report("CreateDBInstanceReadReplica \(replica.identifier) in \(region) from \(parsed.region): \(replica.status)")
        return RDSSupport.output(replica)
    }
}

/// `rds.restoreFromSnapshot`: RestoreDBInstanceFromDBSnapshot with ownership tags; returns at once.
struct RestoreFromSnapshotActivity: ActivityHandler {
    let activityType = "rds.restoreFromSnapshot"
    let rds: any RDSProvider

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let input = try ActivityInput(input, type: activityType)
        let region = try input.string("region")
        let identifier = try input.string("identifier")
        let request = RestoreDBInstanceFromDBSnapshotRequest(
            region: region, dbInstanceIdentifier: identifier, dbSnapshotIdentifier: try input.string("snapshotIdentifier"),
            dbInstanceClass: input.optionalString("instanceClass"), multiAZ: input.bool("multiAZ", default: false),
            dbSubnetGroupName: input.optionalString("dbSubnetGroupName"),
            vpcSecurityGroupIds: input.stringArray("vpcSecurityGroupIds") ?? [],
            dbParameterGroupName: input.optionalString("dbParameterGroupName"),
            tags: RDSSupport.tags(for: context, stepTags: try input.stepTags()))
        let instance = try await RDSSupport.createOrAdopt(rds: rds, region: region, identifier: identifier, context: context) {
            try await rds.restoreDBInstanceFromDBSnapshot(request)
        }
        context.report("RestoreDBInstanceFromDBSnapshot \(instance.identifier) in \(region): \(instance.status)")
        return RDSSupport.output(instance)
    }
}

/// `rds.waitAvailable`: polls DescribeDBInstances until `available`, heartbeating.
struct WaitAvailableActivity: ActivityHandler {
    let activityType = "rds.waitAvailable"
    let rds: any RDSProvider

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let input = try ActivityInput(input, type: activityType)
        let interval = try input.interval("pollInterval", default: RDSSupport.defaultPollInterval, minimum: .seconds(1))
        let instance = try await RDSSupport.waitUntilAvailable(
            rds: rds, region: try input.string("region"), identifier: try input.string("identifier"),
            interval: rds.scaledWait(interval), context: context)
        return RDSSupport.output(instance)
    }
}

/// `rds.modifyInstance`: ModifyDBInstance (security groups, parameter group, class), skipped when the
/// instance already has (or is already moving to) the requested values, so a retried attempt does
/// not start a second modification.
struct ModifyInstanceActivity: ActivityHandler {
    let activityType = "rds.modifyInstance"
    let rds: any RDSProvider

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let input = try ActivityInput(input, type: activityType)
        let region = try input.string("region")
        let identifier = try input.string("identifier")
        let groups = input.stringArray("vpcSecurityGroupIds")
        let parameterGroup = input.optionalString("dbParameterGroupName")
        let instanceClass = input.optionalString("instanceClass")
        guard groups != nil || parameterGroup != nil || instanceClass != nil else {
            throw ActivityInput.invalid("rds.modifyInstance needs at least one of vpcSecurityGroupIds, dbParameterGroupName, instanceClass")
        }
        let current = try await RDSSupport.call { try await rds.describeDBInstance(region: region, identifier: identifier) }
        let classDone = instanceClass.map { $0 == current.instanceClass || $0 == current.pendingModifiedValues.instanceClass } ?? true
        let groupDone = parameterGroup.map { $0 == current.dbParameterGroupName } ?? true
        let securityDone = groups.map { Set($0) == Set(current.vpcSecurityGroups) } ?? true
        if classDone, groupDone, securityDone {
            context.report("\(current.identifier) already has the requested settings")
            return RDSSupport.output(current)
        }
        let modified = try await RDSSupport.call {
            try await rds.modifyDBInstance(
                ModifyDBInstanceRequest(
                    region: region, dbInstanceIdentifier: identifier, dbInstanceClass: instanceClass,
                    dbParameterGroupName: parameterGroup, vpcSecurityGroupIds: groups,
                    applyImmediately: input.bool("applyImmediately", default: true)))
        }
        context.report("ModifyDBInstance \(modified.identifier) in \(region): \(modified.status)")
        return RDSSupport.output(modified)
    }
}

/// `rds.createSnapshot`: CreateDBSnapshot (adopting our own on a retry) and wait until it is available.
struct CreateSnapshotActivity: ActivityHandler {
    let activityType = "rds.createSnapshot"
    let rds: any RDSProvider

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let input = try ActivityInput(input, type: activityType)
        let region = try input.string("region")
        let identifier = try input.string("identifier")
        let snapshotIdentifier = try input.string("snapshotIdentifier")
        let interval = rds.scaledWait(try input.interval("pollInterval", default: RDSSupport.defaultPollInterval, minimum: .seconds(1)))
        let request = CreateDBSnapshotRequest(
            region: region, dbSnapshotIdentifier: snapshotIdentifier, dbInstanceIdentifier: identifier,
            tags: RDSSupport.tags(for: context, stepTags: try input.stepTags()))
        do {
            let snapshot = try await rds.createDBSnapshot(request)
            context.report("CreateDBSnapshot \(snapshot.identifier) of \(identifier): \(snapshot.status)")
        } catch let error as RDSError where error.code == .dbSnapshotAlreadyExists {
            let existing = try await RDSSupport.call { try await rds.describeDBSnapshot(region: region, identifier: snapshotIdentifier) }
            guard RDSSupport.isOwned(existing.tags, by: context) else {
                throw RDSSupport.notOwned("DB snapshot", existing.identifier, tags: existing.tags)
            }
        } catch let error as RDSError {
            throw RDSSupport.failure(error)
        }
        var lastStatus: String?
        while true {
            try Task.checkCancellation()
            let snapshot: DBSnapshot
            do {
                snapshot = try await rds.describeDBSnapshot(region: region, identifier: snapshotIdentifier)
            } catch let error as RDSError where error.isRetryable {
                try await RDSSupport.pause(context, interval: interval, details: nil)
                continue
            } catch let error as RDSError {
                throw RDSSupport.failure(error)
            }
            if snapshot.status != lastStatus {
                context.report("snapshot \(snapshot.identifier) status \(snapshot.status)")
                lastStatus = snapshot.status
            }
            if snapshot.status == "available" {
                return .object(
                    JSONObject([
                        ("snapshotIdentifier", .string(snapshot.identifier)),
                        ("snapshotArn", .string(snapshot.arn)),
                        ("region", .string(snapshot.region)),
                        ("status", .string(snapshot.status)),
                        ("sourceIdentifier", .string(snapshot.dbInstanceIdentifier)),
                    ]))
            }
            if RDSSupport.snapshotWaiterFailures.contains(snapshot.status) {
                throw ActivityFailure(
                    reason: "SnapshotFailed",
                    details: "DB snapshot \(snapshot.identifier) in \(region) is \(snapshot.status); it will not become available",
                    isNonRetryable: true)
            }
            try await RDSSupport.pause(context, interval: interval, details: .object(JSONObject([("status", .string(snapshot.status))])))
        }
    }
}

/// `rds.deleteInstance`: DeleteDBInstance and (by default) wait until it is gone. An instance that is
/// already gone, or already being deleted by an earlier attempt, counts as success.
struct DeleteInstanceActivity: ActivityHandler {
    let activityType = "rds.deleteInstance"
    let rds: any RDSProvider

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let input = try ActivityInput(input, type: activityType)
        let region = try input.string("region")
        let identifier = try input.string("identifier")
        let skipFinalSnapshot = input.bool("skipFinalSnapshot", default: false)
        let finalSnapshot = input.optionalString("finalSnapshotIdentifier")
        if !skipFinalSnapshot, finalSnapshot == nil {
            throw ActivityInput.invalid("rds.deleteInstance needs finalSnapshotIdentifier unless skipFinalSnapshot is true")
        }
        let interval = rds.scaledWait(try input.interval("pollInterval", default: RDSSupport.defaultPollInterval, minimum: .seconds(1)))
        func output(_ status: String) -> JSONValue {
            .object(
                JSONObject([
                    ("identifier", .string(identifier.lowercased())), ("region", .string(region)), ("status", .string(status)),
                    ("finalSnapshotIdentifier", skipFinalSnapshot ? .null : finalSnapshot.map(JSONValue.string) ?? .null),
                ]))
        }
        var status: String
        do {
            status = try await rds.deleteDBInstance(
                DeleteDBInstanceRequest(
                    region: region, dbInstanceIdentifier: identifier, skipFinalSnapshot: skipFinalSnapshot,
                    finalDBSnapshotIdentifier: skipFinalSnapshot ? nil : finalSnapshot)
            ).status
        } catch let error as RDSError where error.code == .dbInstanceNotFound {
            context.report("\(identifier) in \(region) is already gone")
            return output("deleted")
        } catch let error as RDSError where error.code == .invalidDBInstanceState {
            // A retried attempt finds the deletion its predecessor started.
            do {
                let current = try await rds.describeDBInstance(region: region, identifier: identifier)
                guard current.status == "deleting" else { throw RDSSupport.failure(error) }
                status = current.status
            } catch let missing as RDSError where missing.code == .dbInstanceNotFound {
                return output("deleted")
            } catch let other as RDSError {
                throw RDSSupport.failure(other)
            }
        } catch let error as RDSError {
            throw RDSSupport.failure(error)
        }
        context.report("status \(status)")
        guard input.bool("waitUntilDeleted", default: true) else { return output(status) }
        while true {
            try await RDSSupport.pause(context, interval: interval, details: .object(JSONObject([("status", .string(status))])))
            do {
                status = try await rds.describeDBInstance(region: region, identifier: identifier).status
            } catch let error as RDSError where error.code == .dbInstanceNotFound {
                context.report("status deleted")
                return output("deleted")
            } catch let error as RDSError where error.isRetryable {
                continue
            } catch let error as RDSError {
                throw RDSSupport.failure(error)
            }
            if RDSSupport.deletedWaiterFailures.contains(status) {
                throw ActivityFailure(
                    reason: "DeleteFailed",
                    details: "DB instance \(identifier) in \(region) is \(status) instead of being deleted",
                    isNonRetryable: true)
            }
        }
    }
}
