import EngineTesting
import RDSCore
import RDSSimulator
import Testing
import Time

@Suite struct SimulatorTimelineTests {
    @Test func singleAZCreateMovesThroughCreatingBackingUpAvailableAtExactBoundaries() async throws {
        let f = try Fixture()
        let created = try await f.create("orders")
        #expect(created.status == "creating")
        #expect(created.endpoint == nil)
        #expect(created.arn == "arn:aws:rds:us-east-1:123456789012:db:orders")
        f.clock.advance(by: .minutes(4) - .milliseconds(1))
        #expect(try await f.status("orders") == "creating")
        f.clock.advance(by: .milliseconds(1))
        #expect(try await f.status("orders") == "backing-up")
        f.clock.advance(by: .minutes(1) - .milliseconds(1))
        #expect(try await f.status("orders") == "backing-up")
        f.clock.advance(by: .milliseconds(1))
        let available = try await f.sim.describeDBInstance(region: "us-east-1", identifier: "orders")
        #expect(available.status == "available")
        #expect(available.endpoint?.port == 5432)
    }

    @Test func multiAZAddsThreeMinutesToCreating() async throws {
        let f = try Fixture()
        try await f.create("orders", multiAZ: true)
        f.clock.advance(by: .minutes(7) - .milliseconds(1))
        #expect(try await f.status("orders") == "creating")
        f.clock.advance(by: .milliseconds(1))
        #expect(try await f.status("orders") == "backing-up")
        f.clock.advance(by: .minutes(1))
        #expect(try await f.status("orders") == "available")
    }

    @Test func endpointIsDeterministicAndPortFollowsEngine() async throws {
        let f = try Fixture()
        try await f.create("shop", engine: "mysql")
        f.clock.advance(by: .minutes(5))
        let instance = try await f.sim.describeDBInstance(region: "us-east-1", identifier: "shop")
        let endpoint = try #require(instance.endpoint)
        #expect(endpoint.port == 3306)
        let labels = endpoint.address.split(separator: ".").map(String.init)
        #expect(labels.count == 6)
        #expect(labels[0] == "shop")
        #expect(labels[1].count == 12)
        #expect(labels[1].allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber })
        #expect(labels[2...].joined(separator: ".") == "us-east-1.rds.amazonaws.com")
        // Same id and region, another simulator: same endpoint.
        let other = try Fixture(seed: 7)
        try await other.create("shop", engine: "mysql")
        other.clock.advance(by: .minutes(5))
        #expect(try await other.sim.describeDBInstance(region: "us-east-1", identifier: "shop").endpoint == endpoint)
    }

    @Test func snapshotTakesTwoMinutesWhileTheSourceIsBackingUp() async throws {
        let f = try Fixture()
        try await f.createAvailable("orders")
        let snapshot = try await f.sim.createDBSnapshot(
            CreateDBSnapshotRequest(region: "us-east-1", dbSnapshotIdentifier: "orders-snap", dbInstanceIdentifier: "orders"))
        #expect(snapshot.status == "creating")
        #expect(snapshot.arn == "arn:aws:rds:us-east-1:123456789012:snapshot:orders-snap")
        #expect(try await f.status("orders") == "backing-up")
        f.clock.advance(by: .minutes(2) - .milliseconds(1))
        #expect(try await f.sim.describeDBSnapshot(region: "us-east-1", identifier: "orders-snap").status == "creating")
        f.clock.advance(by: .milliseconds(1))
        #expect(try await f.sim.describeDBSnapshot(region: "us-east-1", identifier: "orders-snap").status == "available")
        #expect(try await f.status("orders") == "available")
    }

    @Test func modifyClassIsPendingWhileModifyingThenApplied() async throws {
        let f = try Fixture()
        try await f.createAvailable("orders")
        let modified = try await f.sim.modifyDBInstance(
            ModifyDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "orders", dbInstanceClass: "db.r6g.large"))
        #expect(modified.status == "modifying")
        #expect(modified.instanceClass == "db.t3.micro")
        #expect(modified.pendingModifiedValues.instanceClass == "db.r6g.large")
        f.clock.advance(by: .minutes(2))
        let done = try await f.sim.describeDBInstance(region: "us-east-1", identifier: "orders")
        #expect(done.status == "available")
        #expect(done.instanceClass == "db.r6g.large")
        #expect(done.pendingModifiedValues == PendingModifiedValues())
    }

    @Test func parameterGroupChangeLeavesPendingReboot() async throws {
        let f = try Fixture()
        try await f.createAvailable("orders")
        let modified = try await f.sim.modifyDBInstance(
            ModifyDBInstanceRequest(
                region: "us-east-1", dbInstanceIdentifier: "orders", dbParameterGroupName: "orders-pg16",
                vpcSecurityGroupIds: ["sg-0123456789abcdef0"]))
        #expect(modified.status == "modifying")
        #expect(modified.dbParameterGroupName == "orders-pg16")
        #expect(modified.parameterApplyStatus == "pending-reboot")
        #expect(modified.vpcSecurityGroups == ["sg-0123456789abcdef0"])
        f.clock.advance(by: .minutes(2))
        #expect(try await f.status("orders") == "available")
    }

    @Test func masterPasswordResetTakesOneMinute() async throws {
        let f = try Fixture()
        try await f.createAvailable("orders")
        let reset = try await f.sim.modifyDBInstance(
            ModifyDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "orders", masterUserPassword: "new-Passw0rd-1"))
        #expect(reset.status == "resetting-master-credentials")
        #expect(reset.pendingModifiedValues.masterUserPassword)
        f.clock.advance(by: .minutes(1))
        #expect(try await f.status("orders") == "available")
    }

    @Test func deleteTakesTwoMinutesThenTheInstanceIsGoneAndTheIdentifierFree() async throws {
        let f = try Fixture()
        try await f.createAvailable("orders")
        let deleting = try await f.sim.deleteDBInstance(
            DeleteDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "orders", finalDBSnapshotIdentifier: "orders-final"))
        #expect(deleting.status == "deleting")
        let again = await rdsError {
            _ = try await f.sim.deleteDBInstance(
                DeleteDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "orders", skipFinalSnapshot: true))
        }
        #expect(again?.code == .invalidDBInstanceState)
        f.clock.advance(by: .minutes(2) - .milliseconds(1))
        #expect(try await f.status("orders") == "deleting")
        f.clock.advance(by: .milliseconds(1))
        let gone = await rdsError { _ = try await f.status("orders") }
        #expect(gone?.code == .dbInstanceNotFound)
        #expect(gone?.httpStatus == 404)
        #expect(try await f.sim.describeDBSnapshot(region: "us-east-1", identifier: "orders-final").status == "available")
        #expect(f.sim.instances().isEmpty)
        try await f.create("orders")
        #expect(try await f.status("orders") == "creating")
    }

    @Test func deleteRequiresAFinalSnapshotDecision() async throws {
        let f = try Fixture()
        try await f.createAvailable("orders")
        let error = await rdsError {
            _ = try await f.sim.deleteDBInstance(DeleteDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "orders"))
        }
        #expect(error?.code == .invalidParameterCombination)
    }

    @Test func speedDividesDurationsAndScaledWait() async throws {
        let f = try Fixture()
        try f.sim.setSpeed(60)
        #expect(f.sim.scaledWait(.seconds(30)) == .milliseconds(500))
        try await f.create("orders")
        f.clock.advance(by: .seconds(4) - .milliseconds(1))
        #expect(try await f.status("orders") == "creating")
        f.clock.advance(by: .milliseconds(1))
        #expect(try await f.status("orders") == "backing-up")
        f.clock.advance(by: .seconds(1))
        #expect(try await f.status("orders") == "available")
    }

    @Test func speedIsPersistedAndADifferentValueIsRefusedUnlessOverridden() async throws {
        let f = try Fixture()
        try f.sim.setSpeed(100)
        try f.sim.setSpeed(100)
        let reopened = try f.reopen()
        #expect(reopened.speed == 100)
        #expect(throws: SimulatorError.self) { try reopened.setSpeed(10) }
        do {
            try reopened.setSpeed(10)
        } catch let error as SimulatorError {
            #expect(error.code == .speedConflict)
            #expect(error.message.contains("100"))
        }
        try reopened.setSpeed(10, override: true)
        #expect(try f.reopen().speed == 10)
        #expect(throws: SimulatorError.self) { try reopened.setSpeed(0) }
    }

    @Test func anOverrideKeepsSchedulesAlreadyRecorded() async throws {
        let f = try Fixture()
        try f.sim.setSpeed(1)
        try await f.create("orders")
        try f.sim.setSpeed(1000, override: true)
        f.clock.advance(by: .minutes(4) - .milliseconds(1))
        #expect(try await f.status("orders") == "creating")
    }
}
