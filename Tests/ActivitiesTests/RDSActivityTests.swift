import Activities
import EngineTesting
import RDSCore
import RDSSimulator
import StrictJSON
import Testing
import Time
import WorkflowModel

@Suite struct CatalogCoverageTests {
    @Test func everyBuiltInTypeHasExactlyOneHandlerAndViceVersa() throws {
        let harness = try Harness()
        let handlers = BuiltInActivities.handlers(
            rds: harness.sim, secrets: harness.sim, users: harness.sim,
            secretResolver: SecretResolver(environment: [:], readFile: { _ in [] }, secrets: harness.sim))
        let handled = handlers.map(\.activityType)
        #expect(handled == BuiltInActivityTypes.all.map(\.name))
        #expect(Set(handled).count == handled.count)
    }
}

@Suite struct CreateInstanceActivityTests {
    @Test func createsATaggedInstanceAndReturnsTheDeclaredOutputFields() async throws {
        let h = try Harness()
        var input = h.createInput().objectValue!
        input["tags"] = ["team": "payments"]
        let output = try await h.run("rds.createInstance", .object(input))
        #expect(keys(output) == Set(spec("rds.createInstance").outputFields!))
        #expect(output["status"] == "creating")
        #expect(output["arn"] == "arn:aws:rds:us-east-1:123456789012:db:orders")
        #expect(output["endpoint"] == .null)
        #expect(output["masterUserSecretArn"]?.stringValue?.hasPrefix("arn:aws:secretsmanager:us-east-1:") == true)
        #expect(
            output["tags"] == ["cairn:activity": "primary", "cairn:execution": "exec-1", "cairn:workflow-run": "run-1", "team": "payments"])
    }

    @Test func aRetryWithTheSameContextAdoptsTheInstanceAndReturnsTheSameOutput() async throws {
        let h = try Harness()
        let first = try await h.run("rds.createInstance", h.createInput())
        let second = try await h.run("rds.createInstance", h.createInput())
        #expect(first == second)
        #expect(h.sim.instances().count == 1)
        let creates = try h.sim.callLog().filter { $0.op == "CreateDBInstance" }
        #expect(creates.map(\.outcome) == ["created", "alreadyExists"])
        // A new attempt (new run of the step) with the same ownership also adopts it.
        let retry = h.context(run: "run-1")
        #expect(try await h.run("rds.createInstance", h.createInput(), context: retry) == first)
    }

    @Test func anInstanceMadeByAnotherExecutionIsNotOwned() async throws {
        let h = try Harness()
        _ = try await h.run("rds.createInstance", h.createInput())
        let failure = await h.failure { try await h.run("rds.createInstance", h.createInput(), context: h.context(execution: "exec-2")) }
        #expect(failure?.reason == "ResourceNotOwned")
        #expect(failure?.isNonRetryable == true)
        #expect(
            failure?.details.contains(
                "DB instance orders already exists and was not created by this step (its cairn:execution tag is exec-1)") == true)
        let otherStep = await h.failure {
            try await h.run("rds.createInstance", h.createInput(), context: h.context(activity: "secondary"))
        }
        #expect(otherStep?.reason == "ResourceNotOwned")
    }

    @Test func badInputIsInvalidInputAndNeverRetried() async throws {
        let h = try Harness()
        let cases: [(JSONValue, String)] = [
            (["identifier": "orders", "engine": "postgres", "instanceClass": "db.t3.micro"], "region"),
            (
                ["region": "us-east-1", "identifier": "orders", "engine": "postgres", "instanceClass": "db.t3.micro", "colour": "blue"],
                "colour"
            ),
            (
                [
                    "region": "us-east-1", "identifier": "orders", "engine": "postgres", "instanceClass": "db.t3.micro",
                    "allocatedStorage": "big",
                ], "allocatedStorage"
            ),
            (
                [
                    "region": "us-east-1", "identifier": "orders", "engine": "postgres", "instanceClass": "db.t3.micro",
                    "vpcSecurityGroupIds": ["sg-1", 2],
                ], "vpcSecurityGroupIds[1]"
            ),
            (
                [
                    "region": "us-east-1", "identifier": "orders", "engine": "postgres", "instanceClass": "db.t3.micro",
                    "tags": ["cairn:execution": "forged"],
                ], "cairn:execution"
            ),
            ("not an object", "object"),
        ]
        for (input, field) in cases {
            let failure = await h.failure { try await h.run("rds.createInstance", input) }
            #expect(failure?.reason == "InvalidInput")
            #expect(failure?.isNonRetryable == true)
            #expect(failure?.details.contains(field) == true, "\(failure?.details ?? "") should name \(field)")
        }
        let literal = await h.failure {
            try await h.run("rds.createInstance", h.createInput(password: "Literal-Passw0rd-Pasted"))
        }
        #expect(literal?.reason == "InvalidInput")
        #expect(literal?.details.contains("Literal-Passw0rd-Pasted") == false)
        #expect(h.sim.instances().isEmpty)
    }

    @Test func rdsErrorsBecomeFailuresClassifiedAsBotocoreDoes() async throws {
        let h = try Harness()
        try h.sim.addFault(.failOperation(op: "CreateDBInstance", code: "Throttling", times: 1, identifierPattern: nil))
        let throttled = await h.failure { try await h.run("rds.createInstance", h.createInput()) }
        #expect(throttled?.reason == "Throttling")
        #expect(throttled?.isNonRetryable == false)
        var bad = h.createInput().objectValue!
        bad["engine"] = "oracle-se"
        let invalid = await h.failure { try await h.run("rds.createInstance", .object(bad)) }
        #expect(invalid?.reason == "InvalidParameterValue")
        #expect(invalid?.isNonRetryable == true)
    }

    @Test func aMissingSecretIsSecretUnavailableNamingTheReference() async throws {
        let h = try Harness()
        let failure = await h.failure { try await h.run("rds.createInstance", h.createInput(password: ["secretRef": "env:NOPE"])) }
        #expect(failure?.reason == "SecretUnavailable")
        #expect(failure?.details.contains("env:NOPE") == true)
        #expect(h.sim.instances().isEmpty)
    }
}

@Suite struct WaitAvailableActivityTests {
    @Test func pollsOnTheClockReportingEachStatusUntilAvailable() async throws {
        let h = try Harness()
        _ = try await h.run("rds.createInstance", h.createInput())
        let output = try await h.runDriving("rds.waitAvailable", ["region": "us-east-1", "identifier": "orders"])
        #expect(output["status"] == "available")
        #expect(output["endpoint"]?["port"] == 5432)
        #expect(keys(output) == Set(spec("rds.waitAvailable").outputFields!))
        #expect(
            h.recorder.reports == [
                "CreateDBInstance orders in us-east-1: creating", "status creating", "status backing-up", "status available",
            ])
        // 5 simulated minutes at one poll per 30 s: ten polls heartbeated before the eleventh saw available.
        #expect(h.recorder.heartbeats.count == 10)
        #expect(h.recorder.heartbeats.first == .some(["status": "creating"]))
    }

    @Test func heartbeatsStepByHandUsingSleeperCount() async throws {
        let h = try Harness()
        _ = try await h.run("rds.createInstance", h.createInput())
        let handler = h.handlers["rds.waitAvailable"]!
        let context = h.context()
        let task = Task {
            try await handler.run(input: ["region": "us-east-1", "identifier": "orders", "pollInterval": "1m"], context: context)
        }
        for _ in 0..<5 {
            while h.clock.sleeperCount == 0 { await Task.yield() }
            h.clock.advance(by: .minutes(1))
        }
        let output = try await task.value
        #expect(output["status"] == "available")
        #expect(h.recorder.heartbeats.count == 5)
    }

    @Test func pollIntervalIsScaledBySimulatorSpeed() async throws {
        let h = try Harness()
        try h.sim.setSpeed(60)
        _ = try await h.run("rds.createInstance", h.createInput())
        let start = h.clock.now()
        _ = try await h.runDriving("rds.waitAvailable", ["region": "us-east-1", "identifier": "orders"])
        #expect(h.clock.now().interval(since: start) == .seconds(5))
        #expect(h.recorder.heartbeats.count == 10)
    }

    @Test func aFailedInstanceFailsTheWaiter() async throws {
        let h = try Harness()
        try h.sim.addFault(.instanceFails(identifier: "orders", after: .minutes(2)))
        _ = try await h.run("rds.createInstance", h.createInput())
        let failure = await h.failure { try await h.runDriving("rds.waitAvailable", ["region": "us-east-1", "identifier": "orders"]) }
        #expect(failure?.reason == "InstanceFailed")
        #expect(failure?.isNonRetryable == true)
        #expect(failure?.details.contains("is failed") == true)
    }

    @Test func aDeletingInstanceFailsTheWaiterAndAMissingOneIsNotFound() async throws {
        let h = try Harness()
        try await h.createAvailable()
        _ = try await h.sim.deleteDBInstance(
            DeleteDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "orders", skipFinalSnapshot: true))
        let deleting = await h.failure { try await h.runDriving("rds.waitAvailable", ["region": "us-east-1", "identifier": "orders"]) }
        #expect(deleting?.reason == "InstanceFailed")
        #expect(deleting?.details.contains("deleting") == true)
        let missing = await h.failure { try await h.runDriving("rds.waitAvailable", ["region": "us-east-1", "identifier": "ghost"]) }
        #expect(missing?.reason == "DBInstanceNotFound")
        #expect(missing?.isNonRetryable == true)
    }

    @Test func throttledPollsArePolledThrough() async throws {
        let h = try Harness()
        _ = try await h.run("rds.createInstance", h.createInput())
        try h.sim.addFault(.failOperation(op: "DescribeDBInstances", code: "Throttling", times: 3, identifierPattern: nil))
        let output = try await h.runDriving("rds.waitAvailable", ["region": "us-east-1", "identifier": "orders"])
        #expect(output["status"] == "available")
    }

    @Test func aHeartbeatAskingToStopCancelsTheWait() async throws {
        let h = try Harness()
        _ = try await h.run("rds.createInstance", h.createInput())
        await #expect(throws: CancellationError.self) {
            _ = try await h.run(
                "rds.waitAvailable", ["region": "us-east-1", "identifier": "orders"], context: h.context(stopOnHeartbeat: true))
        }
    }

    @Test func cancellingTheTaskStopsTheWait() async throws {
        let h = try Harness()
        _ = try await h.run("rds.createInstance", h.createInput())
        let handler = h.handlers["rds.waitAvailable"]!
        let context = h.context()
        let task = Task { try await handler.run(input: ["region": "us-east-1", "identifier": "orders"], context: context) }
        while h.clock.sleeperCount == 0 { await Task.yield() }
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
    }

    @Test func aTooShortPollIntervalIsInvalidInput() async throws {
        let h = try Harness()
        let failure = await h.failure {
            try await h.run("rds.waitAvailable", ["region": "us-east-1", "identifier": "orders", "pollInterval": "10ms"])
        }
        #expect(failure?.reason == "InvalidInput")
    }
}

@Suite struct ReplicaSnapshotRestoreActivityTests {
    @Test func crossRegionReplicaFromTheSourceARNIsIdempotent() async throws {
        let h = try Harness()
        let primary = try await h.createAvailable()
        let input: JSONValue = ["region": "eu-west-1", "identifier": "orders", "sourceArn": primary["arn"]!, "tags": ["role": "replica"]]
        let replicaContext = h.context(activity: "replicas[0]")
        let replica = try await h.run("rds.createReadReplica", input, context: replicaContext)
        #expect(keys(replica) == Set(spec("rds.createReadReplica").outputFields!))
        #expect(replica["region"] == "eu-west-1")
        #expect(replica["sourceArn"] == primary["arn"])
        #expect(replica["tags"]?["cairn:activity"] == "replicas[0]")
        #expect(try await h.run("rds.createReadReplica", input, context: replicaContext) == replica)
        let available = try await h.runDriving("rds.waitAvailable", ["region": "eu-west-1", "identifier": "orders"])
        #expect(available["sourceArn"] == primary["arn"])
        let bad = await h.failure {
            try await h.run("rds.createReadReplica", ["region": "eu-west-1", "identifier": "x", "sourceArn": "orders"])
        }
        #expect(bad?.reason == "InvalidInput")
    }

    @Test func aReplicaOfASourceStillCreatingIsInvalidDBInstanceState() async throws {
        let h = try Harness()
        let primary = try await h.run("rds.createInstance", h.createInput())
        let failure = await h.failure {
            try await h.run("rds.createReadReplica", ["region": "eu-west-1", "identifier": "orders", "sourceArn": primary["arn"]!])
        }
        #expect(failure?.reason == "InvalidDBInstanceState")
    }

    @Test func createSnapshotWaitsUntilAvailableAndAdoptsItsOwnSnapshotOnRetry() async throws {
        let h = try Harness()
        try await h.createAvailable()
        let input: JSONValue = ["region": "us-east-1", "identifier": "orders", "snapshotIdentifier": "orders-before-change"]
        let context = h.context(activity: "snapshot")
        let output = try await h.runDriving("rds.createSnapshot", input, context: context)
        #expect(keys(output) == Set(spec("rds.createSnapshot").outputFields!))
        #expect(output["status"] == "available")
        #expect(output["sourceIdentifier"] == "orders")
        #expect(output["snapshotArn"] == "arn:aws:rds:us-east-1:123456789012:snapshot:orders-before-change")
        #expect(try await h.runDriving("rds.createSnapshot", input, context: context) == output)
        let foreign = await h.failure { try await h.runDriving("rds.createSnapshot", input, context: h.context(execution: "other")) }
        #expect(foreign?.reason == "ResourceNotOwned")
        #expect(foreign?.details.hasPrefix("DB snapshot orders-before-change already exists") == true)
    }

    @Test func restoreFromSnapshotIsIdempotentAndInheritsUsers() async throws {
        let h = try Harness()
        try h.sim.createSnapshotFixture(region: "us-east-1", snapshotIdentifier: "legacy", applicationUsers: ["app_rw", "app_ro"])
        let input: JSONValue = [
            "region": "us-east-1", "identifier": "orders-restored", "snapshotIdentifier": "legacy", "instanceClass": "db.r6g.large",
        ]
        let restored = try await h.run("rds.restoreFromSnapshot", input)
        #expect(keys(restored) == Set(spec("rds.restoreFromSnapshot").outputFields!))
        #expect(restored["instanceClass"] == "db.r6g.large")
        #expect(try await h.run("rds.restoreFromSnapshot", input) == restored)
        _ = try await h.runDriving("rds.waitAvailable", ["region": "us-east-1", "identifier": "orders-restored"])
        #expect(try await h.sim.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders-restored") == ["app_ro", "app_rw"])
        let missing = await h.failure {
            try await h.run("rds.restoreFromSnapshot", ["region": "us-east-1", "identifier": "x", "snapshotIdentifier": "nope"])
        }
        #expect(missing?.reason == "DBSnapshotNotFound")
    }
}

@Suite struct ModifyAndDeleteActivityTests {
    @Test func modifyAppliesOnceEvenWhenRetried() async throws {
        let h = try Harness()
        try await h.createAvailable()
        let input: JSONValue = [
            "region": "us-east-1", "identifier": "orders", "instanceClass": "db.r6g.large",
            "vpcSecurityGroupIds": ["sg-0aaa", "sg-0bbb"], "dbParameterGroupName": "orders-pg16",
        ]
        let modified = try await h.run("rds.modifyInstance", input)
        #expect(keys(modified) == Set(spec("rds.modifyInstance").outputFields!))
        #expect(modified["status"] == "modifying")
        let retried = try await h.run("rds.modifyInstance", input)
        #expect(retried["status"] == "modifying")
        #expect(try h.sim.callLog().filter { $0.op == "ModifyDBInstance" }.count == 1)
        let done = try await h.runDriving("rds.waitAvailable", ["region": "us-east-1", "identifier": "orders"])
        #expect(done["instanceClass"] == "db.r6g.large")
        let nothing = await h.failure { try await h.run("rds.modifyInstance", ["region": "us-east-1", "identifier": "orders"]) }
        #expect(nothing?.reason == "InvalidInput")
    }

    @Test func modifyingAnInstanceStillCreatingFails() async throws {
        let h = try Harness()
        _ = try await h.run("rds.createInstance", h.createInput())
        let failure = await h.failure {
            try await h.run("rds.modifyInstance", ["region": "us-east-1", "identifier": "orders", "instanceClass": "db.r6g.large"])
        }
        #expect(failure?.reason == "InvalidDBInstanceState")
        #expect(failure?.isNonRetryable == true)
    }

    @Test func deleteWaitsUntilGoneAndAGoneInstanceCountsAsSuccess() async throws {
        let h = try Harness()
        try await h.createAvailable()
        let input: JSONValue = ["region": "us-east-1", "identifier": "orders", "finalSnapshotIdentifier": "orders-final"]
        let output = try await h.runDriving("rds.deleteInstance", input)
        #expect(keys(output) == Set(spec("rds.deleteInstance").outputFields!))
        #expect(output == ["identifier": "orders", "region": "us-east-1", "status": "deleted", "finalSnapshotIdentifier": "orders-final"])
        #expect(h.sim.instances().isEmpty)
        #expect(try await h.runDriving("rds.deleteInstance", input) == output)
        #expect(h.sim.snapshots().map(\.identifier) == ["orders-final"])
    }

    @Test func aRetriedDeleteFindsTheDeletionInProgress() async throws {
        let h = try Harness()
        try await h.createAvailable()
        let input: JSONValue = ["region": "us-east-1", "identifier": "orders", "skipFinalSnapshot": true, "waitUntilDeleted": false]
        let first = try await h.run("rds.deleteInstance", input)
        #expect(first["status"] == "deleting")
        #expect(first["finalSnapshotIdentifier"] == .null)
        let second = try await h.run("rds.deleteInstance", input)
        #expect(second["status"] == "deleting")
        let missingFinal = await h.failure { try await h.run("rds.deleteInstance", ["region": "us-east-1", "identifier": "orders"]) }
        #expect(missingFinal?.reason == "InvalidInput")
    }
}
