import Foundation
public import RDSCore
import Synchronization
public import SystemIO
public import Time

/// The embedded RDS: an in-process simulator of the RDS Query API whose state is durable in a
/// directory, so a resumed execution still finds the instances an earlier process created.
///
/// Layout of `directory` (the CLI passes `<stateDir>/sim`):
/// - `state.json`: instances (with their status schedules), snapshots, database users (salted
///   SHA-256 password hashes only), pending faults, the speed and the generator state. Replaced
///   atomically after every mutating call, before the call returns.
/// - `secrets.json`: the simulated Secrets Manager (generated passwords live here; the directory is
///   created 0700).
/// - `calls.log`: one JSON line per API call (op, region, identifier, outcome, ownership tags),
///   fsynced before the call returns.
///
/// Status is computed from the clock and the recorded schedule; nothing runs in the background.
/// Simulated durations are divided by ``speed`` in wall-clock time.
///
/// One process owns the directory at a time (the engine's state-directory lock covers it); calls
/// within the process are serialised by a lock, and each does its file I/O before it returns.
public final class RDSSimulator: RDSProvider, SecretStore, DatabaseUserAdministrator, Sendable {
    /// The directory holding the simulator's files.
    public let directory: String
    private let fileSystem: any DurableFileSystem
    private let clock: any WallClock
    private let core: Mutex<Core>
    /// Called with each successful call whose change is saved and logged, after the simulator's lock is released
    /// and before the caller gets the answer: the end-to-end tests crash the process there
    /// (`CAIRN_FAILPOINTS=sim.saved:OP:IDENTIFIER=kill`), where an answer lost with the process
    /// leaves a resource nobody has recorded.
    private let afterSavedCall: (@Sendable (SimulatorCall) -> Void)?

    private struct Core {
        var model: SimulatorModel
        var log: any AppendableFile
        /// Request ids need not be reproducible, so their generator is not persisted.
        var requestIds: SplitMix64
    }

    /// `state.json`, `secrets.json` and `calls.log` inside ``directory``.
    public var statePath: String { path("state.json") }
    /// The simulated Secrets Manager's file.
    public var secretsPath: String { path("secrets.json") }
    /// The API call log.
    public var callLogPath: String { path("calls.log") }

    /// Opens (or creates) the simulator whose state lives in `directory`.
    /// - Parameters:
    ///   - directory: where the simulator keeps its files; created when missing.
    ///   - fileSystem: all reads and writes go through it.
    ///   - clock: the source of "now" for status schedules.
    ///   - seed: seeds generated names and passwords when the directory is new (nil: a random seed).
    ///     An existing directory continues its persisted sequence.
    /// - Throws: ``SimulatorError`` `sim.io` when the directory cannot be read or written,
    ///   `sim.corruptState` when its files cannot be decoded.
    public init(
        directory: String, fileSystem: any DurableFileSystem, clock: any WallClock, seed: UInt64? = nil,
        afterSavedCall: (@Sendable (SimulatorCall) -> Void)? = nil
    ) throws {
        self.afterSavedCall = afterSavedCall
        var trimmed = directory
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.directory = trimmed
        self.fileSystem = fileSystem
        self.clock = clock
        let join = { (name: String) in trimmed + "/" + name }
        do {
            if !fileSystem.fileExists(at: trimmed) { try fileSystem.createDirectory(at: trimmed) }
            let decoder = JSONDecoder()
            var state = SimulatorState(rng: SplitMix64(seed: seed ?? UInt64.random(in: 0...UInt64.max)))
            if fileSystem.fileExists(at: join("state.json")) {
                do {
                    state = try decoder.decode(SimulatorState.self, from: Data(try fileSystem.readFile(at: join("state.json"))))
                } catch let error as SystemError {
                    throw error
                } catch {
                    throw SimulatorError(code: .corruptState, message: "\(join("state.json")) cannot be decoded", cause: error)
                }
                guard state.formatVersion == SimulatorState.currentFormatVersion else {
                    throw SimulatorError(
                        code: .corruptState,
                        message:
                            "\(join("state.json")) has format version \(state.formatVersion); this Cairn reads version \(SimulatorState.currentFormatVersion)"
                    )
                }
            }
            var secrets = SecretsDocument()
            if fileSystem.fileExists(at: join("secrets.json")) {
                do {
                    secrets = try decoder.decode(SecretsDocument.self, from: Data(try fileSystem.readFile(at: join("secrets.json"))))
                } catch let error as SystemError {
                    throw error
                } catch {
                    // The decoding error could quote a secret value, so it is not included.
                    throw SimulatorError(code: .corruptState, message: "\(join("secrets.json")) cannot be decoded")
                }
            }
            let logPath = join("calls.log")
            var loggedSequence = 0
            if fileSystem.fileExists(at: logPath) {
                // A crash can leave a torn last line; cut it so the next record starts on its own line.
                var bytes = try fileSystem.readFile(at: logPath)
                if let last = bytes.last, last != UInt8(ascii: "\n") {
                    let keep = (bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
                    try fileSystem.truncateFile(at: logPath, toLength: keep)
                    bytes.removeSubrange(keep...)
                }
                loggedSequence = Self.lastSequence(in: bytes)
            } else {
                try fileSystem.createFileExclusively(at: logPath, contents: [])
            }
            let log = try fileSystem.openForAppending(at: logPath)
            if let change = state.lastChange, let sequence = change.sequence, sequence > loggedSequence {
                // The change was saved but the process died before logging it.
                try Self.append(change, to: log)
            }
            core = Mutex(
                Core(
                    model: SimulatorModel(state: state, secrets: secrets), log: log,
                    requestIds: SplitMix64(seed: UInt64.random(in: 0...UInt64.max))))
        } catch let error as SimulatorError {
            throw error
        } catch {
            throw SimulatorError(code: .io, message: "cannot open the RDS simulator in \(trimmed)", cause: error)
        }
    }

    private func path(_ name: String) -> String { directory + "/" + name }

    // MARK: Running a call

    /// Runs one API call under the lock: fires faults, applies `body` to a copy of the model,
    /// persists the copy (secrets first, then state) and only then commits it, appends the call to
    /// `calls.log` and fsyncs it.
    private func perform<T: Sendable>(
        _ op: String, region: String, identifier: String?, tags: [Tag] = [], creates: Bool = false,
        logged: Bool = true, faultable: Bool = true,
        _ body: (inout SimulatorModel, Timestamp) throws -> T
    ) throws -> T {
        var saved: SimulatorCall?
        let result = core.withLock { core -> Result<T, RDSError> in
            let now = clock.now()
            let requestId = core.requestIds.uuidString()
            var model = core.model
            model.settle(now: now)
            var result: Result<T, RDSError>
            if faultable, let fault = model.fireFault(op: op, identifier: identifier) {
                result = .failure(fault)
            } else {
                var attempt = model
                do {
                    let value = try body(&attempt, now)
                    model = attempt
                    result = .success(value)
                } catch let error as RDSError {
                    result = .failure(error)
                } catch {
                    result = .failure(RDSError(code: .internalFailure, message: "\(error)", httpStatus: 500))
                }
            }
            var call = SimulatorCall(
                time: now, op: op, region: region, identifier: identifier?.lowercased(), outcome: "ok",
                execution: tags.value(forKey: OwnershipTag.execution), activity: tags.value(forKey: OwnershipTag.activity))
            switch result {
            case .success: call.outcome = creates ? "created" : "ok"
            case .failure(let error):
                call.outcome = creates && error.code.description.hasSuffix("AlreadyExists") ? "alreadyExists" : "error"
                call.errorCode = error.code.description
            }
            if logged, model.state != core.model.state || model.secrets != core.model.secrets {
                // The change and its log record are saved together (see `SimulatorCall.sequence`).
                call.sequence = (core.model.state.lastChange?.sequence ?? 0) + 1
                model.state.lastChange = call
            }
            do {
                try persist(model, previous: core.model)
                core.model = model
            } catch {
                // Nothing was committed, so the caller may safely retry.
                result = .failure(
                    RDSError(code: .internalFailure, message: "The simulator could not save its state: \(error)", httpStatus: 500))
                call.outcome = "error"
                call.errorCode = "InternalFailure"
                call.sequence = nil
            }
            if logged {
                do {
                    try Self.append(call, to: core.log)
                    if call.sequence != nil, call.outcome != "error" { saved = call }
                } catch {
                    // The call's effect is durable but unrecorded; report it like a lost response so the
                    // caller retries and meets its own resource.
                    result = .failure(
                        RDSError(code: .internalFailure, message: "The simulator could not record the call: \(error)", httpStatus: 500))
                }
            }
            return result.mapError { error in
                var error = error
                error.requestId = requestId
                return error
            }
        }
        if let saved { afterSavedCall?(saved) }
        return try result.get()
    }

    private static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private func persist(_ model: SimulatorModel, previous: SimulatorModel) throws {
        let encoder = Self.encoder(pretty: true)
        if model.secrets != previous.secrets {
            try fileSystem.replaceFile(at: secretsPath, contents: Array(try encoder.encode(model.secrets)) + [0x0a])
        }
        if model.state != previous.state {
            try fileSystem.replaceFile(at: statePath, contents: Array(try encoder.encode(model.state)) + [0x0a])
        }
    }

    /// The highest `sequence` among the log's lines (0 when none has one).
    private static func lastSequence(in log: [UInt8]) -> Int {
        let decoder = JSONDecoder()
        for line in log.split(separator: UInt8(ascii: "\n")).reversed() {
            if let call = try? decoder.decode(SimulatorCall.self, from: Data(line)), let sequence = call.sequence {
                return sequence
            }
        }
        return 0
    }

    private static func append(_ call: SimulatorCall, to log: any AppendableFile) throws {
        let line = Array(try Self.encoder(pretty: false).encode(call)) + [0x0a]
        try log.append(line)
        try log.sync()
    }

    // MARK: RDSProvider

    /// `CreateDBInstance`: `creating` 4 min (+3 for Multi-AZ), `backing-up` 1 min, then `available`.
    public func createDBInstance(_ request: CreateDBInstanceRequest) async throws -> DBInstance {
        try perform(
            "CreateDBInstance", region: request.region, identifier: request.dbInstanceIdentifier, tags: request.tags,
            creates: true
        ) { try $0.createDBInstance(request, now: $1) }
    }

    /// `CreateDBInstanceReadReplica`: `creating` 5 min (+2 across regions), then `available`; the source must be available with backups on.
    public func createDBInstanceReadReplica(_ request: CreateDBInstanceReadReplicaRequest) async throws -> DBInstance {
        try perform(
            "CreateDBInstanceReadReplica", region: request.region, identifier: request.dbInstanceIdentifier,
            tags: request.tags, creates: true
        ) { try $0.createDBInstanceReadReplica(request, now: $1) }
    }

    /// `DescribeDBInstances`, with each instance's status computed from the clock.
    public func describeDBInstances(_ request: DescribeDBInstancesRequest) async throws -> [DBInstance] {
        try perform("DescribeDBInstances", region: request.region, identifier: request.dbInstanceIdentifier) {
            try $0.describeDBInstances(request, now: $1)
        }
    }

    /// `CreateDBSnapshot`: `creating` 2 min while the instance shows `backing-up`.
    public func createDBSnapshot(_ request: CreateDBSnapshotRequest) async throws -> DBSnapshot {
        try perform(
            "CreateDBSnapshot", region: request.region, identifier: request.dbSnapshotIdentifier, tags: request.tags,
            creates: true
        ) { try $0.createDBSnapshot(request, now: $1) }
    }

    /// `DescribeDBSnapshots`.
    public func describeDBSnapshots(_ request: DescribeDBSnapshotsRequest) async throws -> [DBSnapshot] {
        try perform(
            "DescribeDBSnapshots", region: request.region,
            identifier: request.dbSnapshotIdentifier ?? request.dbInstanceIdentifier
        ) { try $0.describeDBSnapshots(request, now: $1) }
    }

    /// `RestoreDBInstanceFromDBSnapshot`: `creating` 5 min, `backing-up` 1 min; the database keeps the snapshot's users.
    public func restoreDBInstanceFromDBSnapshot(_ request: RestoreDBInstanceFromDBSnapshotRequest) async throws -> DBInstance {
        try perform(
            "RestoreDBInstanceFromDBSnapshot", region: request.region, identifier: request.dbInstanceIdentifier,
            tags: request.tags, creates: true
        ) { try $0.restoreDBInstanceFromDBSnapshot(request, now: $1) }
    }

    /// `ModifyDBInstance`: `modifying` 2 min for class, parameter group or security groups; `resetting-master-credentials` 1 min for a password alone.
    public func modifyDBInstance(_ request: ModifyDBInstanceRequest) async throws -> DBInstance {
        try perform("ModifyDBInstance", region: request.region, identifier: request.dbInstanceIdentifier) {
            try $0.modifyDBInstance(request, now: $1)
        }
    }

    /// `DeleteDBInstance`: `deleting` 2 min, then gone (`DBInstanceNotFound`).
    public func deleteDBInstance(_ request: DeleteDBInstanceRequest) async throws -> DBInstance {
        try perform("DeleteDBInstance", region: request.region, identifier: request.dbInstanceIdentifier) {
            try $0.deleteDBInstance(request, now: $1)
        }
    }

    /// `ListTagsForResource` for an instance or snapshot ARN.
    public func listTagsForResource(_ request: ListTagsForResourceRequest) async throws -> [Tag] {
        try perform("ListTagsForResource", region: request.region, identifier: request.resourceName) {
            try $0.listTagsForResource(request, now: $1)
        }
    }

    /// `interval` of simulated time in wall-clock time: divided by ``speed`` (at least 1 ms).
    public func scaledWait(_ interval: Interval) -> Interval {
        core.withLock { $0.model.wall(interval) }
    }

    // MARK: SecretStore

    /// Creates or updates a secret in `secrets.json`; logged as `PutSecretValue` (never with its value).
    public func putSecret(name: String, value: String, region: String, tags: [Tag]) async throws -> String {
        try perform("PutSecretValue", region: region, identifier: name, tags: tags) {
            try $0.putSecret(name: name, value: value, region: region, tags: tags, now: $1).arn
        }
    }

    /// The secret's value, by ARN or name; logged as `GetSecretValue`.
    public func getSecretValue(arn: String) async throws -> String {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        let region = parts.count > 3 && arn.hasPrefix("arn:") ? String(parts[3]) : ""
        return try perform("GetSecretValue", region: region, identifier: arn) { model, _ in
            try model.getSecretValue(arn: arn)
        }
    }

    // MARK: DatabaseUserAdministrator

    /// The instance's users other than the master user and `rds*`; the instance must accept connections.
    public func listApplicationUsers(region: String, instanceIdentifier: String) async throws -> [String] {
        try perform("ListApplicationUsers", region: region, identifier: instanceIdentifier) {
            try $0.listApplicationUsers(region: region, instanceIdentifier: instanceIdentifier, now: $1)
        }
    }

    /// Sets a database user's password (stored as a salted hash); the instance must accept connections.
    public func setPassword(region: String, instanceIdentifier: String, user: String, password: String) async throws {
        try perform("SetPassword", region: region, identifier: instanceIdentifier) {
            try $0.setPassword(region: region, instanceIdentifier: instanceIdentifier, user: user, password: password, now: $1)
        }
    }

    // MARK: Configuration

    /// Simulated seconds per wall-clock second (default 1).
    public var speed: Double { core.withLock { $0.model.state.speed } }

    /// Sets the speed and persists it, so a resumed execution continues on the same timeline.
    ///
    /// The first explicit value sticks: setting the same value again is a no-op, and a different
    /// value is refused unless `override` is true. An override affects only operations started
    /// afterwards; schedules already recorded keep their wall-clock times.
    /// - Throws: ``SimulatorError`` `sim.invalidSpeed` (not finite or not in 0.001...1_000_000),
    ///   `sim.speedConflict` (a different speed was set before), `sim.io`.
    public func setSpeed(_ speed: Double, override: Bool = false) throws {
        guard speed.isFinite, speed >= 0.001, speed <= 1_000_000 else {
            throw SimulatorError(code: .invalidSpeed, message: "simulator speed must be between 0.001 and 1000000, got \(speed)")
        }
        try configure { model in
            if model.state.speedConfigured, model.state.speed != speed, !override {
                throw SimulatorError(
                    code: .speedConflict,
                    message: "the RDS simulator in \(directory) already runs at speed \(Self.format(model.state.speed)); "
                        + "resume with that speed, or override it explicitly (only operations started afterwards change pace)")
            }
            model.state.speed = speed
            model.state.speedConfigured = true
        }
    }

    private static func format(_ speed: Double) -> String {
        speed == speed.rounded() && abs(speed) < 1e15 ? String(Int64(speed)) : String(speed)
    }

    /// The operation names a fault rule may name (every call the simulator answers).
    public static let faultableOperations = [
        "CreateDBInstance", "CreateDBInstanceReadReplica", "CreateDBSnapshot", "DeleteDBInstance",
        "DescribeDBInstances", "DescribeDBSnapshots", "GetSecretValue", "ListApplicationUsers", "ListTagsForResource",
        "ModifyDBInstance", "PutSecretValue", "RestoreDBInstanceFromDBSnapshot", "SetPassword",
    ]

    /// Adds a fault rule (persisted; consumed as it fires).
    /// - Throws: ``SimulatorError`` `sim.invalidFault` for a rule that can never fire, `sim.io`.
    public func addFault(_ rule: FaultRule) throws {
        switch rule {
        case .failOperation(let op, let code, let times, _):
            guard !op.isEmpty, !code.isEmpty, times >= 1 else {
                throw SimulatorError(code: .invalidFault, message: "a failOperation fault needs an operation, a code and times >= 1")
            }
            // A misspelt name would be accepted and never fire; refuse it instead.
            guard op == "*" || Self.faultableOperations.contains(op) else {
                throw SimulatorError(
                    code: .invalidFault,
                    message: "the simulator has no operation \"\(op)\"; use one of \(Self.faultableOperations.joined(separator: ", ")) or *"
                )
            }
        case .instanceFails(let identifier, let after):
            guard (try? Validate.identifier(identifier, parameter: "identifier")) != nil, after >= .zero else {
                throw SimulatorError(
                    code: .invalidFault, message: "an instanceFails fault needs a valid identifier and a non-negative delay")
            }
        }
        let now = clock.now()
        try configure { $0.addFault(rule, now: now) }
    }

    /// Removes every fault rule.
    public func clearFaults() throws {
        try configure { $0.state.faults.removeAll() }
    }

    /// Creates an `available` manual snapshot "from an earlier database" whose database has a master
    /// user `cairn_admin` and the given application users (with unknown passwords), for restores in
    /// tests and demos. Repeating the call with the same arguments returns the existing snapshot.
    /// - Throws: ``RDSCore/RDSError`` `DBSnapshotAlreadyExists` when a different snapshot has that
    ///   identifier, `InvalidParameterValue` for bad names.
    @discardableResult
    public func createSnapshotFixture(
        region: String, snapshotIdentifier: String, engine: String = "postgres", applicationUsers: [String]
    ) throws -> DBSnapshot {
        try perform("CreateSnapshotFixture", region: region, identifier: snapshotIdentifier, logged: false, faultable: false) {
            try $0.createSnapshotFixture(
                region: region, snapshotIdentifier: snapshotIdentifier, engine: engine, applicationUsers: applicationUsers,
                now: $1)
        }
    }

    /// Applies a configuration change to the model and persists it.
    private func configure(_ change: (inout SimulatorModel) throws -> Void) throws {
        try core.withLock { core in
            var model = core.model
            try change(&model)
            do {
                try persist(model, previous: core.model)
            } catch {
                throw SimulatorError(code: .io, message: "cannot save the RDS simulator's state in \(directory)", cause: error)
            }
            core.model = model
        }
    }

    // MARK: Introspection

    /// Every DB instance that exists now, sorted by region then identifier, with its current status.
    public func instances() -> [DBInstance] {
        let now = clock.now()
        return core.withLock { core in
            core.model.state.instances.filter { !$0.isGone(at: now) }.map { $0.view(at: now) }
        }
    }

    /// Every snapshot, sorted by region then identifier, with its current status.
    public func snapshots() -> [DBSnapshot] {
        let now = clock.now()
        return core.withLock { core in core.model.state.snapshots.map { $0.view(at: now) } }
    }

    /// Whether `password` is the current password of `user` on the instance: lets tests and demos
    /// check that a stored secret really opens the database. Not an API call; not logged.
    public func checkPassword(region: String, instanceIdentifier: String, user: String, password: String) -> Bool {
        let now = clock.now()
        return core.withLock {
            $0.model.checkPassword(region: region, instanceIdentifier: instanceIdentifier, user: user, password: password, now: now)
        }
    }

    /// The fault rules not yet consumed.
    public func faults() -> [FaultRule] {
        core.withLock { $0.model.state.faults }
    }

    /// Every call recorded in `calls.log`, oldest first (a torn last line is skipped).
    /// - Throws: ``SimulatorError`` `sim.io` when the log cannot be read.
    public func callLog() throws -> [SimulatorCall] {
        let bytes: [UInt8]
        do {
            bytes = try core.withLock { _ in try fileSystem.readFile(at: callLogPath) }
        } catch {
            throw SimulatorError(code: .io, message: "cannot read \(callLogPath)", cause: error)
        }
        let decoder = JSONDecoder()
        return bytes.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(SimulatorCall.self, from: Data($0)) }
    }
}
