import RDSCore
import Time

/// Everything in `state.json`. Arrays, not dictionaries, so the encoded bytes do not depend on hash
/// order; kept sorted by (region, identifier).
struct SimulatorState: Codable, Hashable, Sendable {
    static let currentFormatVersion = 1

    var formatVersion = SimulatorState.currentFormatVersion
    /// Simulated seconds per wall second.
    var speed: Double = 1
    /// Whether `speed` was set explicitly (the first explicit value sticks; see `setSpeed`).
    var speedConfigured = false
    var rng: SplitMix64
    var instances: [InstanceRecord] = []
    var snapshots: [SnapshotRecord] = []
    var faults: [FaultRule] = []
    /// The last call that changed the state (or the secrets), saved with the change it made.
    var lastChange: SimulatorCall?
}

/// One status that takes effect at a wall-clock time.
struct Transition: Codable, Hashable, Sendable {
    var at: Timestamp
    var status: String
}

/// A database user. Passwords are kept only as salted SHA-256 (`hash = SHA256(salt ‖ password)`);
/// system users with no known password have neither.
struct DBUserRecord: Codable, Hashable, Sendable {
    var name: String
    var salt: String?
    var passwordHash: String?
    var isMaster: Bool
}

/// Internal status meaning "gone": describe answers DBInstanceNotFound from this moment.
let goneStatus = "deleted"

struct InstanceRecord: Codable, Hashable, Sendable {
    var identifier: String
    var region: String
    var engine: String
    var engineVersion: String
    var instanceClass: String
    /// A class change accepted by ModifyDBInstance, and when it takes effect (nil: next maintenance window).
    var pendingInstanceClass: String?
    var pendingInstanceClassAt: Timestamp?
    var allocatedStorage: Int
    var storageType: String
    var multiAZ: Bool
    var masterUsername: String
    var masterUserSecretArn: String?
    var masterPasswordPendingUntil: Timestamp?
    var dbName: String?
    var readReplicaSourceArn: String?
    var readReplicaIdentifiers: [String] = []
    var vpcSecurityGroups: [String]
    var dbParameterGroupName: String
    var parameterApplyStatus: String = "in-sync"
    var dbSubnetGroupName: String?
    var backupRetentionPeriod: Int
    var storageEncrypted: Bool
    var kmsKeyId: String?
    var publiclyAccessible: Bool
    var tags: [Tag]
    var createdAt: Timestamp
    var endpointAddress: String
    var port: Int
    /// The status schedule, in wall-clock time; the status at `now` is the last entry at or before it.
    var timeline: [Transition]
    /// From an `instanceFails` fault: the instance shows `failed` from this time (unless deleted earlier).
    var failsAt: Timestamp?
    var deletionStartedAt: Timestamp?
    var users: [DBUserRecord]

    var arn: String { RDSResourceARN.dbInstance(region: region, identifier: identifier).text }

    /// The status at `now`, from the schedule, a scheduled failure, and deletion.
    func status(at now: Timestamp) -> String {
        if let deletion = deletionStartedAt, now >= deletion { return timelineStatus(at: now) }
        if let failure = failsAt, now >= failure { return "failed" }
        return timelineStatus(at: now)
    }

    func timelineStatus(at now: Timestamp) -> String {
        timeline.last { $0.at <= now }?.status ?? timeline.first?.status ?? "creating"
    }

    func isGone(at now: Timestamp) -> Bool { status(at: now) == goneStatus }

    /// Replaces every transition after `now` with `schedule` (statuses at offsets from now).
    mutating func schedule(_ schedule: [Transition], now: Timestamp) {
        timeline.removeAll { $0.at > now }
        timeline.append(contentsOf: schedule)
    }

    func view(at now: Timestamp) -> DBInstance {
        let status = status(at: now)
        let classApplied = pendingInstanceClass != nil && (pendingInstanceClassAt.map { $0 <= now } ?? false)
        let effectiveClass = classApplied ? pendingInstanceClass! : instanceClass
        let pendingClass = classApplied ? nil : pendingInstanceClass
        // AWS gives no endpoint until the instance is first reachable.
        let reachable = timelineStatus(at: now) != "creating"
        return DBInstance(
            identifier: identifier, arn: arn, region: region, status: status, engine: engine,
            engineVersion: engineVersion, instanceClass: effectiveClass, allocatedStorage: allocatedStorage,
            storageType: storageType, multiAZ: multiAZ,
            endpoint: reachable ? Endpoint(address: endpointAddress, port: port) : nil,
            masterUsername: masterUsername, masterUserSecretArn: masterUserSecretArn, dbName: dbName,
            readReplicaSourceArn: readReplicaSourceArn, readReplicaIdentifiers: readReplicaIdentifiers,
            vpcSecurityGroups: vpcSecurityGroups, dbParameterGroupName: dbParameterGroupName,
            parameterApplyStatus: parameterApplyStatus, dbSubnetGroupName: dbSubnetGroupName,
            backupRetentionPeriod: backupRetentionPeriod, storageEncrypted: storageEncrypted, kmsKeyId: kmsKeyId,
            publiclyAccessible: publiclyAccessible,
            pendingModifiedValues: PendingModifiedValues(
                instanceClass: pendingClass,
                masterUserPassword: masterPasswordPendingUntil.map { now < $0 } ?? false),
            tags: tags, createdAt: createdAt)
    }

    /// Folds changes whose time has come into the stored values, so later operations see them.
    mutating func settle(at now: Timestamp) {
        if let pending = pendingInstanceClass, let at = pendingInstanceClassAt, at <= now {
            instanceClass = pending
            pendingInstanceClass = nil
            pendingInstanceClassAt = nil
        }
        if let until = masterPasswordPendingUntil, until <= now { masterPasswordPendingUntil = nil }
    }
}

struct SnapshotRecord: Codable, Hashable, Sendable {
    var identifier: String
    var region: String
    var dbInstanceIdentifier: String
    var engine: String
    var engineVersion: String
    var sourceInstanceClass: String
    var allocatedStorage: Int
    var storageType: String
    var masterUsername: String
    var port: Int
    var encrypted: Bool
    var snapshotType: String
    var tags: [Tag]
    var createdAt: Timestamp
    var availableAt: Timestamp
    var users: [DBUserRecord]
    /// Made by `createSnapshotFixture` rather than from an instance.
    var isFixture: Bool

    var arn: String { RDSResourceARN.dbSnapshot(region: region, identifier: identifier).text }

    func status(at now: Timestamp) -> String { now >= availableAt ? "available" : "creating" }

    func view(at now: Timestamp) -> DBSnapshot {
        DBSnapshot(
            identifier: identifier, arn: arn, region: region, dbInstanceIdentifier: dbInstanceIdentifier,
            status: status(at: now), engine: engine, engineVersion: engineVersion, allocatedStorage: allocatedStorage,
            masterUsername: masterUsername, port: port, snapshotType: snapshotType, encrypted: encrypted, tags: tags,
            createdAt: createdAt)
    }
}

/// Everything in `secrets.json`: the simulated Secrets Manager.
struct SecretsDocument: Codable, Hashable, Sendable {
    var secrets: [SecretRecord] = []
}

struct SecretRecord: Codable, Hashable, Sendable {
    var name: String
    var arn: String
    var region: String
    var value: String
    var tags: [Tag]
    var createdAt: Timestamp
    var updatedAt: Timestamp
}
