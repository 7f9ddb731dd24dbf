import RDSCore
import StrictJSON
import Time
import WorkflowModel

/// Helpers shared by the `rds.*` handlers: ownership tags, error mapping, output shapes, polling.
enum RDSSupport {
    /// Statuses at which botocore's `DBInstanceAvailable` waiter gives up.
    static let availableWaiterFailures: Set<String> = [
        "deleted", "deleting", "failed", "incompatible-restore", "incompatible-parameters",
    ]
    /// Statuses at which botocore's `DBInstanceDeleted` waiter gives up.
    static let deletedWaiterFailures: Set<String> = ["creating", "modifying", "rebooting", "resetting-master-credentials"]
    /// Statuses at which botocore's `DBSnapshotAvailable` waiter gives up.
    static let snapshotWaiterFailures: Set<String> = [
        "deleted", "deleting", "failed", "incompatible-restore", "incompatible-parameters",
    ]
    /// Default time between polls, as in botocore's waiters.
    static let defaultPollInterval = Interval.seconds(30)

    /// The tags that mark a resource as made by this step of this execution, plus the step's own.
    static func tags(for context: ActivityContext, stepTags: [Tag]) -> [Tag] {
        (stepTags + [
            Tag(key: OwnershipTag.execution, value: context.executionId),
            Tag(key: OwnershipTag.activity, value: context.activityId),
            Tag(key: OwnershipTag.workflowRun, value: context.runId),
        ]).normalized()
    }

    /// Whether `tags` say the resource was made by this step of this execution (any attempt).
    static func isOwned(_ tags: [Tag], by context: ActivityContext) -> Bool {
        tags.value(forKey: OwnershipTag.execution) == context.executionId
            && tags.value(forKey: OwnershipTag.activity) == context.activityId
    }

    static func notOwned(_ kind: String, _ identifier: String, tags: [Tag]) -> ActivityFailure {
        let owner =
            tags.value(forKey: OwnershipTag.execution).map { "its cairn:execution tag is \($0)" }
            ?? "it has no cairn:execution tag"
        return ActivityFailure(
            reason: "ResourceNotOwned",
            details: "\(kind) \(identifier) already exists and was not created by this step (\(owner)). "
                + "Choose another identifier or delete it.",
            isNonRetryable: true)
    }

    /// An RDS answer as an activity failure: throttling and transient errors may be retried, every
    /// other RDS error may not.
    static func failure(_ error: RDSError) -> ActivityFailure {
        ActivityFailure(reason: error.code.description, details: error.message, isNonRetryable: !error.isRetryable)
    }

    /// Runs `body`, turning an ``RDSError`` into an ``ActivityFailure``.
    static func call<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RDSError {
            throw failure(error)
        }
    }

    /// Creates an instance, or adopts the one an earlier attempt of this step created (brief
    /// decision 5): `DBInstanceAlreadyExists` plus our ownership tags counts as success.
    static func createOrAdopt(
        rds: any RDSProvider, region: String, identifier: String, context: ActivityContext,
        create: () async throws -> DBInstance
    ) async throws -> DBInstance {
        do {
            return try await create()
        } catch let error as RDSError where error.code == .dbInstanceAlreadyExists {
            let existing = try await call { try await rds.describeDBInstance(region: region, identifier: identifier) }
            guard isOwned(existing.tags, by: context) else {
                throw notOwned("DB instance", existing.identifier, tags: existing.tags)
            }
            context.report("\(existing.identifier) already exists in \(region) and is ours (an earlier attempt made it)")
            return existing
        } catch let error as RDSError {
            throw failure(error)
        }
    }

    /// The output shape of every instance-returning type (`BuiltInActivityTypes.instanceOutputs`).
    static func output(_ instance: DBInstance) -> JSONValue {
        let endpoint: JSONValue =
            instance.endpoint.map {
                .object(JSONObject([("address", .string($0.address)), ("port", .number(Double($0.port)))]))
            } ?? .null
        return .object(
            JSONObject([
                ("identifier", .string(instance.identifier)),
                ("arn", .string(instance.arn)),
                ("region", .string(instance.region)),
                ("status", .string(instance.status)),
                ("engine", .string(instance.engine)),
                ("instanceClass", .string(instance.instanceClass)),
                ("multiAZ", .bool(instance.multiAZ)),
                ("endpoint", endpoint),
                ("masterUserSecretArn", instance.masterUserSecretArn.map(JSONValue.string) ?? .null),
                ("sourceArn", instance.readReplicaSourceArn.map(JSONValue.string) ?? .null),
                ("tags", .object(JSONObject(instance.tags.normalized().map { ($0.key, .string($0.value)) }))),
            ]))
    }

    /// Heartbeats, then waits `interval` on the context's clock.
    /// - Throws: `CancellationError` when the heartbeat asks to stop or the task is cancelled.
    static func pause(_ context: ActivityContext, interval: Interval, details: JSONValue?) async throws {
        if await context.heartbeat(details) { throw CancellationError() }
        try await context.clock.sleep(for: interval)
    }

    /// Polls until the instance is `available` (botocore's `DBInstanceAvailable` rules), reporting
    /// each new status and heartbeating every poll. Throttling and transient errors are polled through.
    static func waitUntilAvailable(
        rds: any RDSProvider, region: String, identifier: String, interval: Interval, context: ActivityContext
    ) async throws -> DBInstance {
        var lastStatus: String?
        while true {
            try Task.checkCancellation()
            let instance: DBInstance
            do {
                instance = try await rds.describeDBInstance(region: region, identifier: identifier)
            } catch let error as RDSError where error.isRetryable {
                context.report("DescribeDBInstances answered \(error.code); polling again")
                try await pause(context, interval: interval, details: nil)
                continue
            } catch let error as RDSError {
                throw failure(error)
            }
            if instance.status != lastStatus {
                context.report("status \(instance.status)")
                lastStatus = instance.status
            }
            if instance.status == "available" { return instance }
            if availableWaiterFailures.contains(instance.status) {
                throw ActivityFailure(
                    reason: "InstanceFailed",
                    details: "DB instance \(instance.identifier) in \(region) is \(instance.status); it will not become available",
                    isNonRetryable: true)
            }
            try await pause(context, interval: interval, details: .object(JSONObject([("status", .string(instance.status))])))
        }
    }
}
