import Foundation
import Hashing
import RDSCore
import Time

/// The simulator's logic as a value: each operation mutates a copy of the state and returns the
/// answer, and the owning ``RDSSimulator`` persists the copy before committing it. Keeping the
/// logic free of locking and I/O makes it easy to read as a set of RDS rules.
struct SimulatorModel: Hashable, Sendable {
    var state: SimulatorState
    var secrets: SecretsDocument

    /// Characters of passwords the simulator generates for `ManageMasterUserPassword` (no `/`, `@`,
    /// `"` or space, which RDS refuses).
    static let passwordAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~!#%^*+="

    // MARK: Time

    /// `simulated` as wall-clock time at the current speed.
    func wall(_ simulated: Interval) -> Interval {
        guard simulated.milliseconds > 0 else { return .zero }
        let scaled = (Double(simulated.milliseconds) / state.speed).rounded()
        return Interval(milliseconds: max(1, Int64(scaled)))
    }

    /// The wall time `offset` of simulated time after `now`.
    func at(_ now: Timestamp, _ offset: Interval) -> Timestamp { now.adding(wall(offset)) }

    /// Drops instances that are gone and folds in changes whose time has come.
    mutating func settle(now: Timestamp) {
        state.instances.removeAll { $0.isGone(at: now) }
        for index in state.instances.indices { state.instances[index].settle(at: now) }
    }

    // MARK: Lookup

    func instanceIndex(region: String, identifier: String, now: Timestamp) -> Int? {
        state.instances.firstIndex { $0.region == region && $0.identifier == identifier && !$0.isGone(at: now) }
    }

    func snapshotIndex(region: String, identifier: String) -> Int? {
        state.snapshots.firstIndex { $0.region == region && $0.identifier == identifier }
    }

    /// Resolves an instance reference (id or ARN) sent to `region` to an index, or throws DBInstanceNotFound.
    func resolveInstance(_ reference: String, region: String, now: Timestamp) throws -> Int {
        var name = reference
        if let arn = RDSResourceARN(parsing: reference) {
            guard arn.resourceType == "db", arn.region == region else { throw RDSError.dbInstanceNotFound(reference) }
            name = arn.name
        }
        guard let index = instanceIndex(region: region, identifier: name.lowercased(), now: now) else {
            throw RDSError.dbInstanceNotFound(name.lowercased())
        }
        return index
    }

    /// Resolves a snapshot reference (id or ARN) in `region`, or throws DBSnapshotNotFound.
    func resolveSnapshot(_ reference: String, region: String) throws -> Int {
        var name = reference
        if let arn = RDSResourceARN(parsing: reference) {
            guard arn.resourceType == "snapshot", arn.region == region else { throw RDSError.dbSnapshotNotFound(reference) }
            name = arn.name
        }
        guard let index = snapshotIndex(region: region, identifier: name.lowercased()) else {
            throw RDSError.dbSnapshotNotFound(name.lowercased())
        }
        return index
    }

    mutating func insert(_ record: InstanceRecord) {
        state.instances.append(record)
        state.instances.sort { ($0.region, $0.identifier) < ($1.region, $1.identifier) }
    }

    mutating func insert(_ record: SnapshotRecord) {
        state.snapshots.append(record)
        state.snapshots.sort { ($0.region, $0.identifier) < ($1.region, $1.identifier) }
    }

    // MARK: Derived names

    /// `<id>.<12 characters derived from id and region>.<region>.rds.amazonaws.com`.
    static func endpointAddress(identifier: String, region: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let digest = SHA256.hash(Array("\(region)/\(identifier)".utf8))
        let label = String(digest.prefix(12).map { alphabet[Int($0) % alphabet.count] })
        return "\(identifier).\(label).\(region).rds.amazonaws.com"
    }

    /// The region's default VPC security group, a stable `sg-` id.
    static func defaultSecurityGroup(region: String) -> String {
        "sg-" + String(SHA256.hexDigest(Array("default-vpc-security-group/\(region)".utf8)).prefix(17))
    }

    static func instanceAlreadyExists() -> RDSError {
        RDSError(code: .dbInstanceAlreadyExists, message: "DB instance already exists")
    }

    static func invalidState(_ message: String) -> RDSError {
        RDSError(code: .invalidDBInstanceState, message: message)
    }

    // MARK: Users and secrets

    /// A user whose password is kept as a salted SHA-256 hash.
    mutating func makeUser(_ name: String, password: String?, isMaster: Bool) -> DBUserRecord {
        guard let password else { return DBUserRecord(name: name, salt: nil, passwordHash: nil, isMaster: isMaster) }
        let salt = state.rng.bytes(16)
        return DBUserRecord(
            name: name, salt: Hex.encode(salt), passwordHash: SHA256.hexDigest(salt + Array(password.utf8)), isMaster: isMaster)
    }

    /// Stores a new RDS-managed master secret (`rds!db-<uuid>`), in AWS's JSON shape.
    mutating func createManagedSecret(region: String, username: String, password: String, tags: [Tag], now: Timestamp) -> String {
        let name = "rds!db-\(state.rng.uuidString())"
        let value = Self.secretJSON(username: username, password: password)
        return upsertSecret(name: name, value: value, region: region, tags: tags, now: now).arn
    }

    static func secretJSON(username: String, password: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(["username": username, "password": password])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    mutating func upsertSecret(name: String, value: String, region: String, tags: [Tag], now: Timestamp) -> (arn: String, created: Bool) {
        if let index = secrets.secrets.firstIndex(where: { $0.region == region && $0.name == name }) {
            secrets.secrets[index].value = value
            secrets.secrets[index].updatedAt = now
            return (secrets.secrets[index].arn, false)
        }
        let suffix = state.rng.string(6, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let arn = "arn:aws:secretsmanager:\(region):\(simulatedAccountId):secret:\(name)-\(suffix)"
        secrets.secrets.append(
            SecretRecord(name: name, arn: arn, region: region, value: value, tags: tags.normalized(), createdAt: now, updatedAt: now))
        secrets.secrets.sort { ($0.region, $0.name) < ($1.region, $1.name) }
        return (arn, true)
    }

    /// Schedules pending `instanceFails` faults for a newly created instance.
    mutating func applyFailureFaults(toInstanceAt index: Int, now: Timestamp) {
        let identifier = state.instances[index].identifier
        guard
            let faultIndex = state.faults.firstIndex(where: {
                if case .instanceFails(let id, _) = $0 { return id.lowercased() == identifier }
                return false
            }), case .instanceFails(_, let after) = state.faults[faultIndex]
        else { return }
        state.instances[index].failsAt = at(now, after)
        state.faults.remove(at: faultIndex)
    }

    // MARK: CreateDBInstance

    mutating func createDBInstance(_ request: CreateDBInstanceRequest, now: Timestamp) throws -> DBInstance {
        try Validate.region(request.region)
        let identifier = try Validate.identifier(request.dbInstanceIdentifier, parameter: "DBInstanceIdentifier")
        // Existence first, so a retried create learns "already exists" rather than a parameter error.
        guard instanceIndex(region: request.region, identifier: identifier, now: now) == nil else {
            throw Self.instanceAlreadyExists()
        }
        let engine = try Validate.engine(request.engine)
        let version = request.engineVersion ?? engine.defaultVersion
        try Validate.engineVersion(version)
        try Validate.instanceClass(request.dbInstanceClass)
        try Validate.allocatedStorage(request.allocatedStorage)
        let storageType = request.storageType ?? "gp2"
        try Validate.storageType(storageType)
        try Validate.masterUsername(request.masterUsername, engine: engine)
        switch (request.masterUserPassword, request.manageMasterUserPassword) {
        case (.some, true):
            throw RDSError.invalidParameterCombination(
                "You can't specify MasterUserPassword when ManageMasterUserPassword is turned on.")
        case (nil, false):
            throw RDSError.invalidParameterValue(
                "The parameter MasterUserPassword must be provided and must not be blank, or ManageMasterUserPassword must be true.")
        case (.some(let password), false):
            try Validate.masterPassword(password, engine: engine)
        case (nil, true):
            break
        }
        try Validate.backupRetentionPeriod(request.backupRetentionPeriod)
        try Validate.securityGroups(request.vpcSecurityGroupIds)

        var password = request.masterUserPassword
        var secretArn: String?
        if request.manageMasterUserPassword {
            let generated = state.rng.string(28, from: Self.passwordAlphabet)
            password = generated
            secretArn = createManagedSecret(
                region: request.region, username: request.masterUsername, password: generated, tags: [], now: now)
        }
        let creating = SimulatedDuration.creating + (request.multiAZ ? SimulatedDuration.multiAZExtra : .zero)
        let record = InstanceRecord(
            identifier: identifier, region: request.region, engine: engine.name, engineVersion: version,
            instanceClass: request.dbInstanceClass, allocatedStorage: request.allocatedStorage, storageType: storageType,
            multiAZ: request.multiAZ, masterUsername: request.masterUsername, masterUserSecretArn: secretArn,
            dbName: request.dbName,
            vpcSecurityGroups: request.vpcSecurityGroupIds.isEmpty
                ? [Self.defaultSecurityGroup(region: request.region)] : request.vpcSecurityGroupIds,
            dbParameterGroupName: request.dbParameterGroupName ?? engine.defaultParameterGroup(version: version),
            dbSubnetGroupName: request.dbSubnetGroupName, backupRetentionPeriod: request.backupRetentionPeriod,
            storageEncrypted: request.storageEncrypted, publiclyAccessible: request.publiclyAccessible,
            tags: request.tags.normalized(), createdAt: now,
            endpointAddress: Self.endpointAddress(identifier: identifier, region: request.region), port: engine.port,
            timeline: [
                Transition(at: now, status: "creating"),
                Transition(at: at(now, creating), status: "backing-up"),
                Transition(at: at(now, creating + SimulatedDuration.backingUpAfterCreate), status: "available"),
            ],
            users: [
                makeUser(request.masterUsername, password: password, isMaster: true),
                makeUser("rdsadmin", password: nil, isMaster: false),
            ])
        insert(record)
        let index = instanceIndex(region: request.region, identifier: identifier, now: now)!
        applyFailureFaults(toInstanceAt: index, now: now)
        return state.instances[index].view(at: now)
    }

    // MARK: CreateDBInstanceReadReplica

    mutating func createDBInstanceReadReplica(_ request: CreateDBInstanceReadReplicaRequest, now: Timestamp) throws -> DBInstance {
        try Validate.region(request.region)
        let identifier = try Validate.identifier(request.dbInstanceIdentifier, parameter: "DBInstanceIdentifier")
        guard instanceIndex(region: request.region, identifier: identifier, now: now) == nil else {
            throw Self.instanceAlreadyExists()
        }
        let sourceRegion: String
        let sourceIdentifier: String
        if let arn = RDSResourceARN(parsing: request.sourceDBInstanceIdentifier) {
            guard arn.resourceType == "db" else {
                throw RDSError.invalidParameterValue(
                    "The source instance \(request.sourceDBInstanceIdentifier) is not a DB instance ARN.")
            }
            try Validate.region(arn.region)
            sourceRegion = arn.region
            sourceIdentifier = arn.name.lowercased()
        } else {
            sourceRegion = request.region
            sourceIdentifier = try Validate.identifier(
                request.sourceDBInstanceIdentifier, parameter: "SourceDBInstanceIdentifier")
        }
        guard let sourceIndex = instanceIndex(region: sourceRegion, identifier: sourceIdentifier, now: now) else {
            throw RDSError.dbInstanceNotFound(sourceIdentifier)
        }
        let source = state.instances[sourceIndex].view(at: now)
        guard source.status == "available" else {
            throw Self.invalidState("Instance \(sourceIdentifier) is not in available state (it is \(source.status)).")
        }
        guard source.backupRetentionPeriod > 0 else {
            throw Self.invalidState(
                "Automated backups are not enabled for this database instance. To enable automated backups, "
                    + "use ModifyDBInstance to set the backup retention period to a non-zero value.")
        }
        let instanceClass = request.dbInstanceClass ?? source.instanceClass
        try Validate.instanceClass(instanceClass)
        try Validate.securityGroups(request.vpcSecurityGroupIds)
        let crossRegion = sourceRegion != request.region
        if crossRegion, source.storageEncrypted, request.kmsKeyId == nil {
            throw RDSError.invalidParameterCombination(
                "KmsKeyId must be specified when creating a cross-region read replica of an encrypted DB instance.")
        }
        let engine = try Validate.engine(source.engine)
        let creating = SimulatedDuration.replicaCreating + (crossRegion ? SimulatedDuration.crossRegionExtra : .zero)
        let record = InstanceRecord(
            identifier: identifier, region: request.region, engine: source.engine, engineVersion: source.engineVersion,
            instanceClass: instanceClass, allocatedStorage: source.allocatedStorage, storageType: source.storageType,
            multiAZ: request.multiAZ, masterUsername: source.masterUsername, dbName: source.dbName,
            readReplicaSourceArn: source.arn,
            vpcSecurityGroups: request.vpcSecurityGroupIds.isEmpty
                ? [Self.defaultSecurityGroup(region: request.region)] : request.vpcSecurityGroupIds,
            dbParameterGroupName: engine.defaultParameterGroup(version: source.engineVersion),
            dbSubnetGroupName: request.dbSubnetGroupName, backupRetentionPeriod: 0,
            storageEncrypted: source.storageEncrypted, kmsKeyId: crossRegion ? request.kmsKeyId : source.kmsKeyId,
            publiclyAccessible: false, tags: request.tags.normalized(), createdAt: now,
            endpointAddress: Self.endpointAddress(identifier: identifier, region: request.region), port: engine.port,
            timeline: [
                Transition(at: now, status: "creating"),
                Transition(at: at(now, creating), status: "available"),
            ],
            // A physical replica carries the source's users and their passwords.
            users: state.instances[sourceIndex].users)
        let replicaReference = crossRegion ? record.arn : identifier
        state.instances[sourceIndex].readReplicaIdentifiers.append(replicaReference)
        state.instances[sourceIndex].readReplicaIdentifiers.sort()
        insert(record)
        let index = instanceIndex(region: request.region, identifier: identifier, now: now)!
        applyFailureFaults(toInstanceAt: index, now: now)
        return state.instances[index].view(at: now)
    }

    // MARK: DescribeDBInstances

    func describeDBInstances(_ request: DescribeDBInstancesRequest, now: Timestamp) throws -> [DBInstance] {
        try Validate.region(request.region)
        if let reference = request.dbInstanceIdentifier {
            let index = try resolveInstance(reference, region: request.region, now: now)
            return [state.instances[index].view(at: now)]
        }
        return state.instances.filter { $0.region == request.region && !$0.isGone(at: now) }.map { $0.view(at: now) }
    }

    // MARK: Snapshots

    mutating func createDBSnapshot(_ request: CreateDBSnapshotRequest, now: Timestamp) throws -> DBSnapshot {
        try Validate.region(request.region)
        let snapshotIdentifier = try Validate.identifier(
            request.dbSnapshotIdentifier, parameter: "DBSnapshotIdentifier", max: 255)
        // Existence first: a retried snapshot step must hear "already exists" even though its first
        // attempt left the instance backing up.
        guard snapshotIndex(region: request.region, identifier: snapshotIdentifier) == nil else {
            throw RDSError(
                code: .dbSnapshotAlreadyExists,
                message: "Cannot create the snapshot because a snapshot with the identifier \(snapshotIdentifier) already exists.")
        }
        let instanceIdentifier = try Validate.identifier(request.dbInstanceIdentifier, parameter: "DBInstanceIdentifier")
        guard let index = instanceIndex(region: request.region, identifier: instanceIdentifier, now: now) else {
            throw RDSError.dbInstanceNotFound(instanceIdentifier)
        }
        let instance = state.instances[index].view(at: now)
        guard instance.status == "available" else {
            throw Self.invalidState(
                "Cannot create a snapshot because the database instance \(instanceIdentifier) is not currently in the "
                    + "available state (it is \(instance.status)).")
        }
        let availableAt = at(now, SimulatedDuration.snapshotCreating)
        state.instances[index].schedule(
            [Transition(at: now, status: "backing-up"), Transition(at: availableAt, status: "available")], now: now)
        let record = makeSnapshot(
            identifier: snapshotIdentifier, of: state.instances[index], view: instance, tags: request.tags.normalized(),
            now: now, availableAt: availableAt)
        insert(record)
        return record.view(at: now)
    }

    func makeSnapshot(
        identifier: String, of record: InstanceRecord, view: DBInstance, tags: [Tag], now: Timestamp, availableAt: Timestamp
    ) -> SnapshotRecord {
        SnapshotRecord(
            identifier: identifier, region: record.region, dbInstanceIdentifier: record.identifier, engine: record.engine,
            engineVersion: record.engineVersion, sourceInstanceClass: view.instanceClass,
            allocatedStorage: record.allocatedStorage, storageType: record.storageType,
            masterUsername: record.masterUsername, port: record.port, encrypted: record.storageEncrypted,
            snapshotType: "manual", tags: tags, createdAt: now, availableAt: availableAt, users: record.users,
            isFixture: false)
    }

    func describeDBSnapshots(_ request: DescribeDBSnapshotsRequest, now: Timestamp) throws -> [DBSnapshot] {
        try Validate.region(request.region)
        if let reference = request.dbSnapshotIdentifier {
            let index = try resolveSnapshot(reference, region: request.region)
            let snapshot = state.snapshots[index]
            if let instance = request.dbInstanceIdentifier, instance.lowercased() != snapshot.dbInstanceIdentifier {
                return []
            }
            return [snapshot.view(at: now)]
        }
        let instance = request.dbInstanceIdentifier?.lowercased()
        return state.snapshots.filter { snapshot in
            snapshot.region == request.region && (instance == nil || snapshot.dbInstanceIdentifier == instance)
        }.map { $0.view(at: now) }
    }

    mutating func createSnapshotFixture(
        region: String, snapshotIdentifier: String, engine engineName: String, applicationUsers: [String], now: Timestamp
    ) throws -> DBSnapshot {
        try Validate.region(region)
        let identifier = try Validate.identifier(snapshotIdentifier, parameter: "DBSnapshotIdentifier", max: 255)
        let engine = try Validate.engine(engineName)
        let users = Array(Set(applicationUsers)).sorted()
        for user in users {
            let ok =
                !user.isEmpty && user.count <= 63 && Validate.isLetter(user.first!)
                && user.allSatisfy { Validate.isLetter($0) || Validate.isDigit($0) || $0 == "_" }
                && !user.lowercased().hasPrefix("rds") && user != "cairn_admin"
            guard ok else { throw RDSError.invalidParameterValue("Invalid application user name: \(user)") }
        }
        if let index = snapshotIndex(region: region, identifier: identifier) {
            let existing = state.snapshots[index]
            let existingUsers = existing.users.filter { !$0.isMaster && !$0.name.hasPrefix("rds") }.map(\.name).sorted()
            // Calling the fixture twice with the same arguments is harmless (the CLI may do so on every run).
            if existing.isFixture, existing.engine == engine.name, existingUsers == users { return existing.view(at: now) }
            throw RDSError(
                code: .dbSnapshotAlreadyExists,
                message: "Cannot create the snapshot because a snapshot with the identifier \(identifier) already exists.")
        }
        var dbUsers = [makeUser("cairn_admin", password: state.rng.string(28, from: Self.passwordAlphabet), isMaster: true)]
        dbUsers.append(makeUser("rdsadmin", password: nil, isMaster: false))
        for user in users {
            dbUsers.append(makeUser(user, password: state.rng.string(28, from: Self.passwordAlphabet), isMaster: false))
        }
        let record = SnapshotRecord(
            identifier: identifier, region: region, dbInstanceIdentifier: "\(identifier)-source", engine: engine.name,
            engineVersion: engine.defaultVersion, sourceInstanceClass: "db.m6g.large", allocatedStorage: 100,
            storageType: "gp3", masterUsername: "cairn_admin", port: engine.port, encrypted: false,
            snapshotType: "manual", tags: [], createdAt: now, availableAt: now, users: dbUsers, isFixture: true)
        insert(record)
        return record.view(at: now)
    }

    // MARK: RestoreDBInstanceFromDBSnapshot

    mutating func restoreDBInstanceFromDBSnapshot(_ request: RestoreDBInstanceFromDBSnapshotRequest, now: Timestamp) throws -> DBInstance {
        try Validate.region(request.region)
        let identifier = try Validate.identifier(request.dbInstanceIdentifier, parameter: "DBInstanceIdentifier")
        guard instanceIndex(region: request.region, identifier: identifier, now: now) == nil else {
            throw Self.instanceAlreadyExists()
        }
        let snapshot = state.snapshots[try resolveSnapshot(request.dbSnapshotIdentifier, region: request.region)]
        guard snapshot.status(at: now) == "available" else {
            throw RDSError(
                code: .invalidDBSnapshotState,
                message: "Snapshot \(snapshot.identifier) is not available (it is \(snapshot.status(at: now))).")
        }
        let instanceClass = request.dbInstanceClass ?? snapshot.sourceInstanceClass
        try Validate.instanceClass(instanceClass)
        try Validate.securityGroups(request.vpcSecurityGroupIds)
        let engine = try Validate.engine(snapshot.engine)
        let creating = SimulatedDuration.restoreCreating + (request.multiAZ ? SimulatedDuration.multiAZExtra : .zero)
        let record = InstanceRecord(
            identifier: identifier, region: request.region, engine: snapshot.engine, engineVersion: snapshot.engineVersion,
            instanceClass: instanceClass, allocatedStorage: snapshot.allocatedStorage, storageType: snapshot.storageType,
            multiAZ: request.multiAZ, masterUsername: snapshot.masterUsername,
            vpcSecurityGroups: request.vpcSecurityGroupIds.isEmpty
                ? [Self.defaultSecurityGroup(region: request.region)] : request.vpcSecurityGroupIds,
            dbParameterGroupName: request.dbParameterGroupName ?? engine.defaultParameterGroup(version: snapshot.engineVersion),
            dbSubnetGroupName: request.dbSubnetGroupName, backupRetentionPeriod: 7, storageEncrypted: snapshot.encrypted,
            publiclyAccessible: false, tags: request.tags.normalized(), createdAt: now,
            endpointAddress: Self.endpointAddress(identifier: identifier, region: request.region), port: engine.port,
            timeline: [
                Transition(at: now, status: "creating"),
                Transition(at: at(now, creating), status: "backing-up"),
                Transition(at: at(now, creating + SimulatedDuration.backingUpAfterRestore), status: "available"),
            ],
            // The restored database is the snapshot's database: same users, same passwords.
            users: snapshot.users)
        insert(record)
        let index = instanceIndex(region: request.region, identifier: identifier, now: now)!
        applyFailureFaults(toInstanceAt: index, now: now)
        return state.instances[index].view(at: now)
    }

    // MARK: ModifyDBInstance

    mutating func modifyDBInstance(_ request: ModifyDBInstanceRequest, now: Timestamp) throws -> DBInstance {
        try Validate.region(request.region)
        let index = try resolveInstance(request.dbInstanceIdentifier, region: request.region, now: now)
        var record = state.instances[index]
        let status = record.status(at: now)
        guard status == "available" else {
            throw Self.invalidState("Instance \(record.identifier) is in \(status) state; it must be available to be modified.")
        }
        let engine = try Validate.engine(record.engine)
        var attributesChanged = false
        var passwordChanged = false

        if let newClass = request.dbInstanceClass {
            try Validate.instanceClass(newClass)
            if newClass != (record.pendingInstanceClass ?? record.instanceClass) {
                if newClass == record.instanceClass {
                    record.pendingInstanceClass = nil
                    record.pendingInstanceClassAt = nil
                } else {
                    record.pendingInstanceClass = newClass
                    // Without ApplyImmediately the change waits for the maintenance window, which the
                    // simulator never reaches: it stays pending.
                    record.pendingInstanceClassAt = request.applyImmediately ? at(now, SimulatedDuration.modifying) : nil
                }
                if request.applyImmediately { attributesChanged = true }
            }
        }
        if let group = request.dbParameterGroupName, group != record.dbParameterGroupName {
            guard !group.isEmpty else { throw RDSError.invalidParameterValue("Invalid DB parameter group name.") }
            record.dbParameterGroupName = group
            record.parameterApplyStatus = "pending-reboot"
            attributesChanged = true
        }
        if let groups = request.vpcSecurityGroupIds {
            try Validate.securityGroups(groups)
            var unique: [String] = []
            for group in groups where !unique.contains(group) { unique.append(group) }
            if Set(unique) != Set(record.vpcSecurityGroups) {
                record.vpcSecurityGroups = unique
                attributesChanged = true
            }
        }
        if let password = request.masterUserPassword {
            try Validate.masterPassword(password, engine: engine)
            if let secretArn = record.masterUserSecretArn {
                guard request.manageMasterUserPassword == false else {
                    throw RDSError.invalidParameterCombination(
                        "You can't specify MasterUserPassword for a DB instance whose master password is managed in "
                            + "Secrets Manager unless ManageMasterUserPassword is false.")
                }
                // Turning management off deletes the managed secret, as RDS does.
                secrets.secrets.removeAll { $0.arn == secretArn }
                record.masterUserSecretArn = nil
            }
            setUserPassword(in: &record, user: record.masterUsername, password: password)
            passwordChanged = true
        } else if request.manageMasterUserPassword == true, record.masterUserSecretArn == nil {
            let generated = state.rng.string(28, from: Self.passwordAlphabet)
            record.masterUserSecretArn = createManagedSecret(
                region: record.region, username: record.masterUsername, password: generated, tags: [], now: now)
            setUserPassword(in: &record, user: record.masterUsername, password: generated)
            attributesChanged = true
        } else if request.manageMasterUserPassword == false, record.masterUserSecretArn != nil {
            throw RDSError.invalidParameterCombination(
                "MasterUserPassword is required when turning off ManageMasterUserPassword.")
        }

        if attributesChanged {
            let done = at(now, SimulatedDuration.modifying)
            record.schedule([Transition(at: now, status: "modifying"), Transition(at: done, status: "available")], now: now)
            if passwordChanged { record.masterPasswordPendingUntil = done }
        } else if passwordChanged {
            let done = at(now, SimulatedDuration.resettingCredentials)
            record.schedule(
                [Transition(at: now, status: "resetting-master-credentials"), Transition(at: done, status: "available")],
                now: now)
            record.masterPasswordPendingUntil = done
        }
        state.instances[index] = record
        return record.view(at: now)
    }

    mutating func setUserPassword(in record: inout InstanceRecord, user: String, password: String) {
        guard let userIndex = record.users.firstIndex(where: { $0.name == user }) else { return }
        record.users[userIndex] = makeUser(user, password: password, isMaster: record.users[userIndex].isMaster)
    }

    // MARK: DeleteDBInstance

    mutating func deleteDBInstance(_ request: DeleteDBInstanceRequest, now: Timestamp) throws -> DBInstance {
        try Validate.region(request.region)
        let index = try resolveInstance(request.dbInstanceIdentifier, region: request.region, now: now)
        let record = state.instances[index]
        let view = record.view(at: now)
        guard view.status != "deleting" else {
            throw Self.invalidState("Instance \(record.identifier) is already being deleted.")
        }
        let isReplica = record.readReplicaSourceArn != nil
        var finalSnapshot: SnapshotRecord?
        if isReplica {
            if request.finalDBSnapshotIdentifier != nil {
                throw RDSError.invalidParameterCombination(
                    "FinalDBSnapshotIdentifier can not be specified when deleting a replica instance.")
            }
        } else if request.skipFinalSnapshot {
            if request.finalDBSnapshotIdentifier != nil {
                throw RDSError.invalidParameterCombination(
                    "FinalDBSnapshotIdentifier can not be specified when SkipFinalSnapshot is true.")
            }
        } else {
            guard let finalIdentifier = request.finalDBSnapshotIdentifier else {
                throw RDSError.invalidParameterCombination(
                    "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
            }
            let snapshotIdentifier = try Validate.identifier(
                finalIdentifier, parameter: "FinalDBSnapshotIdentifier", max: 255)
            guard snapshotIndex(region: record.region, identifier: snapshotIdentifier) == nil else {
                throw RDSError(
                    code: .dbSnapshotAlreadyExists,
                    message: "Cannot create the snapshot because a snapshot with the identifier \(snapshotIdentifier) already exists.")
            }
            guard ["available", "backing-up", "modifying", "storage-optimization"].contains(view.status) else {
                throw Self.invalidState(
                    "Instance \(record.identifier) is in \(view.status) state and a final snapshot cannot be taken; "
                        + "delete it with SkipFinalSnapshot.")
            }
            finalSnapshot = makeSnapshot(
                identifier: snapshotIdentifier, of: record, view: view, tags: [], now: now,
                availableAt: at(now, SimulatedDuration.deleting))
        }
        var deleted = record
        deleted.deletionStartedAt = now
        deleted.schedule(
            [Transition(at: now, status: "deleting"), Transition(at: at(now, SimulatedDuration.deleting), status: goneStatus)],
            now: now)
        state.instances[index] = deleted
        if let finalSnapshot { insert(finalSnapshot) }
        if let sourceArn = record.readReplicaSourceArn, let source = RDSResourceARN(parsing: sourceArn),
            let sourceIndex = instanceIndex(region: source.region, identifier: source.name, now: now)
        {
            state.instances[sourceIndex].readReplicaIdentifiers.removeAll { $0 == record.identifier || $0 == record.arn }
        }
        return deleted.view(at: now)
    }

    // MARK: ListTagsForResource

    func listTagsForResource(_ request: ListTagsForResourceRequest, now: Timestamp) throws -> [Tag] {
        try Validate.region(request.region)
        guard let arn = RDSResourceARN(parsing: request.resourceName) else {
            throw RDSError.invalidParameterValue("Invalid resource name: \(request.resourceName)")
        }
        switch arn.resourceType {
        case "db":
            return state.instances[try resolveInstance(request.resourceName, region: request.region, now: now)].tags
        case "snapshot":
            return state.snapshots[try resolveSnapshot(request.resourceName, region: request.region)].tags
        default:
            throw RDSError.invalidParameterValue("Unsupported resource type \(arn.resourceType) in \(request.resourceName)")
        }
    }

    // MARK: Database users

    /// Statuses in which the database engine accepts connections.
    static let connectableStatuses: Set<String> = [
        "available", "backing-up", "modifying", "resetting-master-credentials", "storage-optimization",
    ]

    func connectableInstance(region: String, identifier: String, now: Timestamp) throws -> Int {
        try Validate.region(region)
        let index = try resolveInstance(identifier, region: region, now: now)
        let status = state.instances[index].status(at: now)
        guard Self.connectableStatuses.contains(status) else {
            throw Self.invalidState(
                "Instance \(state.instances[index].identifier) is in \(status) state and does not accept connections.")
        }
        return index
    }

    func listApplicationUsers(region: String, instanceIdentifier: String, now: Timestamp) throws -> [String] {
        let index = try connectableInstance(region: region, identifier: instanceIdentifier, now: now)
        return state.instances[index].users.filter { !$0.isMaster && !$0.name.hasPrefix("rds") }.map(\.name).sorted()
    }

    mutating func setPassword(region: String, instanceIdentifier: String, user: String, password: String, now: Timestamp) throws {
        let index = try connectableInstance(region: region, identifier: instanceIdentifier, now: now)
        guard state.instances[index].users.contains(where: { $0.name == user }) else {
            throw RDSError(code: .userNotFound, message: "role \"\(user)\" does not exist", httpStatus: 404)
        }
        guard !password.isEmpty else { throw RDSError.invalidParameterValue("The new password must not be empty.") }
        var record = state.instances[index]
        setUserPassword(in: &record, user: user, password: password)
        state.instances[index] = record
    }

    /// Whether `password` is `user`'s current password (compares salted hashes).
    func checkPassword(region: String, instanceIdentifier: String, user: String, password: String, now: Timestamp) -> Bool {
        guard let index = try? resolveInstance(instanceIdentifier, region: region, now: now),
            let record = state.instances[index].users.first(where: { $0.name == user }),
            let saltHex = record.salt, let hash = record.passwordHash, let salt = Hex.decode(saltHex)
        else { return false }
        return SHA256.hexDigest(salt + Array(password.utf8)) == hash
    }

    // MARK: Secrets Manager

    mutating func putSecret(name: String, value: String, region: String, tags: [Tag], now: Timestamp) throws -> (arn: String, created: Bool)
    {
        try Validate.region(region)
        try Validate.secretName(name)
        guard !value.isEmpty else {
            throw RDSError(code: .invalidParameterException, message: "The secret value must not be empty.")
        }
        return upsertSecret(name: name, value: value, region: region, tags: tags, now: now)
    }

    func getSecretValue(arn reference: String) throws -> String {
        let matches = secrets.secrets.filter { $0.arn == reference || $0.name == reference }
        guard matches.count == 1 else {
            throw RDSError(
                code: .resourceNotFoundException, message: "Secrets Manager can't find the specified secret.")
        }
        return matches[0].value
    }
}

extension SimulatorModel {
    /// Fires the first matching `failOperation` fault, consuming one of its uses.
    mutating func fireFault(op: String, identifier: String?) -> RDSError? {
        for (index, rule) in state.faults.enumerated() {
            guard case .failOperation(let ruleOp, let code, let times, let pattern) = rule, ruleOp == op || ruleOp == "*"
            else { continue }
            if let pattern {
                guard let identifier, globMatches(pattern.lowercased(), identifier.lowercased()) else { continue }
            }
            if times <= 1 {
                state.faults.remove(at: index)
            } else {
                state.faults[index] = .failOperation(op: ruleOp, code: code, times: times - 1, identifierPattern: pattern)
            }
            return injectedError(code: code)
        }
        return nil
    }

    /// Adds a fault; an `instanceFails` rule for an instance that already exists is scheduled at once.
    mutating func addFault(_ rule: FaultRule, now: Timestamp) {
        if case .instanceFails(let identifier, let after) = rule {
            let matching = state.instances.indices.filter {
                state.instances[$0].identifier == identifier.lowercased() && !state.instances[$0].isGone(at: now)
            }
            if !matching.isEmpty {
                for index in matching { state.instances[index].failsAt = at(now, after) }
                return
            }
        }
        state.faults.append(rule)
    }
}
