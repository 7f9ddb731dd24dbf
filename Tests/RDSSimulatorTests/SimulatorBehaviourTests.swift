import EngineTesting
import Foundation
import RDSCore
import SystemIO
import Testing
import Time

@testable import RDSSimulator

@Suite struct SimulatorPersistenceTests {
    @Test func aNewSimulatorOnTheSameDirectorySeesTheSameInstancesAndStatuses() async throws {
        let f = try Fixture()
        try await f.create("orders")
        try await f.create("billing", region: "eu-west-1", password: nil)
        f.clock.advance(by: .minutes(4))
        let before = f.sim.instances()
        let reopened = try f.reopen()
        #expect(reopened.instances() == before)
        #expect(before.map(\.region) == ["eu-west-1", "us-east-1"])
        #expect(before.map(\.status) == ["backing-up", "backing-up"])
        f.clock.advance(by: .minutes(1))
        #expect(try await reopened.describeDBInstance(region: "us-east-1", identifier: "orders").status == "available")
        // The managed secret survives too.
        let arn = try #require(before.first?.masterUserSecretArn)
        #expect(try await reopened.getSecretValue(arn: arn).contains("\"username\":\"cairn_admin\""))
    }

    @Test func stateIsWrittenWithSortedKeysBeforeTheCallReturns() async throws {
        let f = try Fixture()
        try await f.create("orders")
        let state = String(decoding: try f.fileSystem.readFile(at: "/state/sim/state.json"), as: UTF8.self)
        #expect(state.contains("\"identifier\" : \"orders\""))
        let top = state.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { String($0.dropFirst(3).prefix { $0 != "\"" }) }
        #expect(top == top.sorted())
    }

    @Test func generatedNamesDoNotRepeatAfterARestart() async throws {
        let f = try Fixture(seed: 1)
        let first = try await f.create("a1", password: nil)
        let reopened = try RDSSimulator(directory: f.directory, fileSystem: f.fileSystem, clock: f.clock, seed: 1)
        let second = try await reopened.createDBInstance(
            CreateDBInstanceRequest(
                region: "us-east-1", dbInstanceIdentifier: "a2", engine: "postgres", dbInstanceClass: "db.t3.micro",
                masterUsername: "cairn_admin", manageMasterUserPassword: true))
        #expect(first.masterUserSecretArn != second.masterUserSecretArn)
    }

    @Test func aTornLastCallLogLineIsDroppedOnOpen() async throws {
        let f = try Fixture()
        try await f.create("orders")
        let path = "/state/sim/calls.log"
        let file = try f.fileSystem.openForAppending(at: path)
        try file.append(Array("{\"op\":\"Crea".utf8))
        let reopened = try f.reopen()
        _ = try await reopened.describeDBInstances(DescribeDBInstancesRequest(region: "us-east-1"))
        #expect(try reopened.callLog().map(\.op) == ["CreateDBInstance", "DescribeDBInstances"])
    }
}

@Suite struct SimulatorCallLogTests {
    @Test func everyCallIsLoggedWithOutcomeAndOwnershipTags() async throws {
        let f = try Fixture()
        let tags = [RDSCore.Tag(key: "cairn:execution", value: "exec-1"), RDSCore.Tag(key: "cairn:activity", value: "primary")]
        try await f.create("orders", tags: tags)
        let duplicate = await rdsError { try await f.create("orders", tags: tags) }
        #expect(duplicate?.code == .dbInstanceAlreadyExists)
        _ = try await f.sim.describeDBInstances(DescribeDBInstancesRequest(region: "us-east-1", dbInstanceIdentifier: "orders"))
        _ = await rdsError { _ = try await f.status("nope") }
        let log = try f.sim.callLog()
        #expect(log.map(\.op) == ["CreateDBInstance", "CreateDBInstance", "DescribeDBInstances", "DescribeDBInstances"])
        #expect(log.map(\.outcome) == ["created", "alreadyExists", "ok", "error"])
        #expect(log[1].errorCode == "DBInstanceAlreadyExists")
        #expect(log[3].errorCode == "DBInstanceNotFound")
        #expect(log[0].execution == "exec-1")
        #expect(log[0].activity == "primary")
        #expect(log[0].identifier == "orders")
        #expect(log.filter { $0.op == "CreateDBInstance" && $0.outcome == "created" }.count == 1)
        let raw = String(decoding: try f.fileSystem.readFile(at: "/state/sim/calls.log"), as: UTF8.self)
        #expect(raw.split(separator: "\n").count == 4)
        #expect(raw.hasPrefix("{\"activity\":\"primary\""))
    }
}

@Suite struct SimulatorFaultTests {
    @Test func throttledNTimesThenSucceedsAndTheCountIsDurable() async throws {
        let f = try Fixture()
        try await f.createAvailable("orders")
        try f.sim.addFault(.failOperation(op: "CreateDBInstanceReadReplica", code: "Throttling", times: 2, identifierPattern: nil))
        let request = CreateDBInstanceReadReplicaRequest(
            region: "eu-west-1", dbInstanceIdentifier: "orders-eu",
            sourceDBInstanceIdentifier: "arn:aws:rds:us-east-1:123456789012:db:orders")
        let first = await rdsError { _ = try await f.sim.createDBInstanceReadReplica(request) }
        #expect(first?.code == .throttling)
        #expect(first?.isThrottling == true)
        #expect(first?.isRetryable == true)
        #expect(first?.message == "Rate exceeded")
        #expect(first?.requestId != nil)
        // The consumed use is on disk.
        #expect(
            try f.reopen().faults() == [
                .failOperation(op: "CreateDBInstanceReadReplica", code: "Throttling", times: 1, identifierPattern: nil)
            ])
        let second = await rdsError { _ = try await f.sim.createDBInstanceReadReplica(request) }
        #expect(second?.code == .throttling)
        let replica = try await f.sim.createDBInstanceReadReplica(request)
        #expect(replica.status == "creating")
        #expect(f.sim.faults().isEmpty)
    }

    @Test func identifierPatternsLimitWhichCallsFail() async throws {
        let f = try Fixture()
        try f.sim.addFault(
            .failOperation(op: "CreateDBInstance", code: "InsufficientDBInstanceCapacity", times: 1, identifierPattern: "big-*"))
        try await f.create("small")
        let error = await rdsError { try await f.create("big-one") }
        #expect(error?.code == RDSError.Code("InsufficientDBInstanceCapacity"))
        #expect(error?.isRetryable == false)
        try await f.create("big-one")
    }

    @Test func anInstanceFailsAfterTheGivenTimeAndCanThenOnlyBeDeletedWithoutSnapshot() async throws {
        let f = try Fixture()
        try f.sim.addFault(.instanceFails(identifier: "orders", after: .minutes(3)))
        try await f.create("orders")
        #expect(f.sim.faults().isEmpty)
        f.clock.advance(by: .minutes(3) - .milliseconds(1))
        #expect(try await f.status("orders") == "creating")
        f.clock.advance(by: .milliseconds(1))
        #expect(try await f.status("orders") == "failed")
        f.clock.advance(by: .hours(1))
        #expect(try await f.status("orders") == "failed")
        let withSnapshot = await rdsError {
            _ = try await f.sim.deleteDBInstance(
                DeleteDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "orders", finalDBSnapshotIdentifier: "final"))
        }
        #expect(withSnapshot?.code == .invalidDBInstanceState)
        let deleting = try await f.sim.deleteDBInstance(
            DeleteDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "orders", skipFinalSnapshot: true))
        #expect(deleting.status == "deleting")
    }

    @Test func aFailureFaultForAnExistingInstanceStartsNow() async throws {
        let f = try Fixture()
        try await f.createAvailable("orders")
        try f.sim.addFault(.instanceFails(identifier: "orders", after: .minutes(1)))
        #expect(try await f.status("orders") == "available")
        f.clock.advance(by: .minutes(1))
        #expect(try await f.status("orders") == "failed")
    }

    @Test func invalidFaultsAreRefused() throws {
        let f = try Fixture()
        #expect(throws: SimulatorError.self) {
            try f.sim.addFault(.failOperation(op: "CreateDBInstance", code: "Throttling", times: 0, identifierPattern: nil))
        }
        #expect(throws: SimulatorError.self) { try f.sim.addFault(.instanceFails(identifier: "1bad", after: .zero)) }
    }
}

@Suite struct SimulatorStateRuleTests {
    @Test func operationsInTheWrongStateFailWithInvalidDBInstanceState() async throws {
        let f = try Fixture()
        try await f.create("orders")
        let modify = await rdsError {
            _ = try await f.sim.modifyDBInstance(
                ModifyDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "orders", dbInstanceClass: "db.r6g.large"))
        }
        #expect(modify?.code == .invalidDBInstanceState)
        let replica = await rdsError {
            _ = try await f.sim.createDBInstanceReadReplica(
                CreateDBInstanceReadReplicaRequest(
                    region: "us-east-1", dbInstanceIdentifier: "orders-r", sourceDBInstanceIdentifier: "orders"))
        }
        #expect(replica?.code == .invalidDBInstanceState)
        let snapshot = await rdsError {
            _ = try await f.sim.createDBSnapshot(
                CreateDBSnapshotRequest(region: "us-east-1", dbSnapshotIdentifier: "s1", dbInstanceIdentifier: "orders"))
        }
        #expect(snapshot?.code == .invalidDBInstanceState)
        let users = await rdsError { _ = try await f.sim.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders") }
        #expect(users?.code == .invalidDBInstanceState)
    }

    @Test func aReplicaNeedsBackupsOnTheSource() async throws {
        let f = try Fixture()
        try await f.create("nobackup", backupRetention: 0)
        f.clock.advance(by: .minutes(5))
        let error = await rdsError {
            _ = try await f.sim.createDBInstanceReadReplica(
                CreateDBInstanceReadReplicaRequest(region: "us-east-1", dbInstanceIdentifier: "r", sourceDBInstanceIdentifier: "nobackup"))
        }
        #expect(error?.code == .invalidDBInstanceState)
    }

    @Test func restoringFromASnapshotStillBeingCreatedFails() async throws {
        let f = try Fixture()
        try await f.createAvailable("orders")
        _ = try await f.sim.createDBSnapshot(
            CreateDBSnapshotRequest(region: "us-east-1", dbSnapshotIdentifier: "s1", dbInstanceIdentifier: "orders"))
        let error = await rdsError {
            _ = try await f.sim.restoreDBInstanceFromDBSnapshot(
                RestoreDBInstanceFromDBSnapshotRequest(region: "us-east-1", dbInstanceIdentifier: "copy", dbSnapshotIdentifier: "s1"))
        }
        #expect(error?.code == .invalidDBSnapshotState)
        let duplicate = await rdsError {
            _ = try await f.sim.createDBSnapshot(
                CreateDBSnapshotRequest(region: "us-east-1", dbSnapshotIdentifier: "s1", dbInstanceIdentifier: "orders"))
        }
        #expect(duplicate?.code == .dbSnapshotAlreadyExists)
    }

    @Test func crossRegionReplicaFromAnARN() async throws {
        let f = try Fixture()
        let source = try await f.createAvailable("orders")
        let replica = try await f.sim.createDBInstanceReadReplica(
            CreateDBInstanceReadReplicaRequest(region: "eu-west-1", dbInstanceIdentifier: "orders", sourceDBInstanceIdentifier: source.arn))
        #expect(replica.region == "eu-west-1")
        #expect(replica.arn == "arn:aws:rds:eu-west-1:123456789012:db:orders")
        #expect(replica.readReplicaSourceArn == source.arn)
        #expect(replica.engine == "postgres")
        let updatedSource = try await f.sim.describeDBInstance(region: "us-east-1", identifier: "orders")
        #expect(updatedSource.readReplicaIdentifiers == [replica.arn])
        f.clock.advance(by: .minutes(7) - .milliseconds(1))
        #expect(try await f.status("orders", region: "eu-west-1") == "creating")
        f.clock.advance(by: .milliseconds(1))
        #expect(try await f.status("orders", region: "eu-west-1") == "available")
    }

    @Test func sameRegionReplicaTakesFiveMinutesAndIsListedById() async throws {
        let f = try Fixture()
        try await f.createAvailable("orders")
        _ = try await f.sim.createDBInstanceReadReplica(
            CreateDBInstanceReadReplicaRequest(region: "us-east-1", dbInstanceIdentifier: "orders-r1", sourceDBInstanceIdentifier: "orders")
        )
        #expect(try await f.sim.describeDBInstance(region: "us-east-1", identifier: "orders").readReplicaIdentifiers == ["orders-r1"])
        f.clock.advance(by: .minutes(5))
        #expect(try await f.status("orders-r1") == "available")
    }

    @Test func aReplicaOfAMissingSourceIsDBInstanceNotFound() async throws {
        let f = try Fixture()
        let error = await rdsError {
            _ = try await f.sim.createDBInstanceReadReplica(
                CreateDBInstanceReadReplicaRequest(
                    region: "eu-west-1", dbInstanceIdentifier: "r",
                    sourceDBInstanceIdentifier: "arn:aws:rds:us-east-1:123456789012:db:ghost"))
        }
        #expect(error?.code == .dbInstanceNotFound)
    }

    @Test func identifiersAreValidatedAndLowercased() async throws {
        let f = try Fixture()
        for bad in ["", "1orders", "orders-", "or--ders", "or_ders", String(repeating: "a", count: 64), "ordérs"] {
            let error = await rdsError { try await f.create(bad) }
            #expect(error?.code == .invalidParameterValue, "identifier \(bad)")
        }
        let created = try await f.create("Orders-Primary-1")
        #expect(created.identifier == "orders-primary-1")
        #expect(try await f.status("ORDERS-PRIMARY-1") == "creating")
        try await f.create(String(repeating: "a", count: 63))
    }

    @Test func tagsAreListedForInstancesBySortedKey() async throws {
        let f = try Fixture()
        let instance = try await f.create("orders", tags: [RDSCore.Tag(key: "team", value: "db"), RDSCore.Tag(key: "env", value: "prod")])
        let tags = try await f.sim.listTagsForResource(ListTagsForResourceRequest(region: "us-east-1", resourceName: instance.arn))
        #expect(tags.map(\.key) == ["env", "team"])
        let notArn = await rdsError {
            _ = try await f.sim.listTagsForResource(ListTagsForResourceRequest(region: "us-east-1", resourceName: "orders"))
        }
        #expect(notArn?.code == .invalidParameterValue)
    }
}

@Suite struct SimulatorUserAndSecretTests {
    @Test func restoredInstancesInheritTheSnapshotsUsers() async throws {
        let f = try Fixture()
        let snapshot = try f.sim.createSnapshotFixture(
            region: "us-east-1", snapshotIdentifier: "legacy-2025", engine: "postgres", applicationUsers: ["app_rw", "app_ro"])
        #expect(snapshot.status == "available")
        // Same call again (the CLI may repeat it) is harmless.
        #expect(
            try f.sim.createSnapshotFixture(region: "us-east-1", snapshotIdentifier: "legacy-2025", applicationUsers: ["app_ro", "app_rw"])
                == snapshot)
        let restored = try await f.sim.restoreDBInstanceFromDBSnapshot(
            RestoreDBInstanceFromDBSnapshotRequest(region: "us-east-1", dbInstanceIdentifier: "orders", dbSnapshotIdentifier: snapshot.arn))
        #expect(restored.status == "creating")
        #expect(restored.masterUsername == "cairn_admin")
        f.clock.advance(by: .minutes(5))
        #expect(try await f.status("orders") == "backing-up")
        f.clock.advance(by: .minutes(1))
        #expect(try await f.status("orders") == "available")
        #expect(try await f.sim.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders") == ["app_ro", "app_rw"])
        try await f.createAvailable("fresh")
        #expect(try await f.sim.listApplicationUsers(region: "us-east-1", instanceIdentifier: "fresh") == [])
        let missing = await rdsError {
            try await f.sim.setPassword(region: "us-east-1", instanceIdentifier: "orders", user: "nobody", password: "x-Passw0rd")
        }
        #expect(missing?.code == .userNotFound)
    }

    @Test func passwordsAreStoredOnlyAsSaltedHashes() async throws {
        let f = try Fixture()
        let masterPlain = "MasterPlaintext-8f3a"
        let appPlain = "AppPlaintext-77c1"
        let resetPlain = "ResetPlaintext-5d0e"
        try f.sim.createSnapshotFixture(region: "us-east-1", snapshotIdentifier: "legacy", applicationUsers: ["app_rw"])
        try await f.create("orders", password: masterPlain)
        _ = try await f.sim.restoreDBInstanceFromDBSnapshot(
            RestoreDBInstanceFromDBSnapshotRequest(region: "us-east-1", dbInstanceIdentifier: "restored", dbSnapshotIdentifier: "legacy"))
        f.clock.advance(by: .minutes(6))
        try await f.sim.setPassword(region: "us-east-1", instanceIdentifier: "restored", user: "app_rw", password: appPlain)
        _ = try await f.sim.modifyDBInstance(
            ModifyDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "orders", masterUserPassword: resetPlain))
        let state = String(decoding: try f.fileSystem.readFile(at: "/state/sim/state.json"), as: UTF8.self)
        #expect(state.contains("passwordHash"))
        #expect(f.sim.checkPassword(region: "us-east-1", instanceIdentifier: "orders", user: "cairn_admin", password: resetPlain))
        #expect(!f.sim.checkPassword(region: "us-east-1", instanceIdentifier: "orders", user: "cairn_admin", password: masterPlain))
        #expect(f.sim.checkPassword(region: "us-east-1", instanceIdentifier: "restored", user: "app_rw", password: appPlain))
        for (path, bytes) in f.fileSystem.allFiles {
            let text = String(decoding: bytes, as: UTF8.self)
            for secret in [masterPlain, appPlain, resetPlain] {
                #expect(!text.contains(secret), "\(path) contains a plaintext password")
            }
        }
    }

    @Test func managedMasterPasswordsLiveInTheSecretStore() async throws {
        let f = try Fixture()
        let instance = try await f.create("orders", password: nil)
        let arn = try #require(instance.masterUserSecretArn)
        #expect(arn.hasPrefix("arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-"))
        let suffix = arn.split(separator: "-").last.map(String.init) ?? ""
        #expect(suffix.count == 6)
        let value = try await f.sim.getSecretValue(arn: arn)
        let object = try JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String: String]
        #expect(object?["username"] == "cairn_admin")
        #expect((object?["password"]?.count ?? 0) >= 20)
        let missing = await rdsError {
            _ = try await f.sim.getSecretValue(arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:none-AbCdEf")
        }
        #expect(missing?.code == .resourceNotFoundException)
        // A managed instance refuses a plain password reset unless management is turned off.
        f.clock.advance(by: .minutes(5))
        let refused = await rdsError {
            _ = try await f.sim.modifyDBInstance(
                ModifyDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "orders", masterUserPassword: "Another-Passw0rd"))
        }
        #expect(refused?.code == .invalidParameterCombination)
        let off = try await f.sim.modifyDBInstance(
            ModifyDBInstanceRequest(
                region: "us-east-1", dbInstanceIdentifier: "orders", masterUserPassword: "Another-Passw0rd", manageMasterUserPassword: false
            ))
        #expect(off.masterUserSecretArn == nil)
    }

    @Test func putSecretIsAnUpsertKeepingTheARN() async throws {
        let f = try Fixture()
        let arn1 = try await f.sim.putSecret(name: "cairn/orders/master", value: "one", region: "us-east-1", tags: [])
        let arn2 = try await f.sim.putSecret(name: "cairn/orders/master", value: "two", region: "us-east-1", tags: [])
        #expect(arn1 == arn2)
        #expect(try await f.sim.getSecretValue(arn: arn1) == "two")
        let other = try await f.sim.putSecret(name: "cairn/orders/master", value: "three", region: "eu-west-1", tags: [])
        #expect(other != arn1)
        #expect(try await f.reopen().getSecretValue(arn: arn1) == "two")
    }

    @Test func passwordErrorsNeverQuoteThePassword() async throws {
        let f = try Fixture()
        for bad in ["short1", "has@at-sign-123", "has space 12345", "has/slash-12345"] {
            let error = await rdsError { try await f.create("orders", password: bad) }
            #expect(error?.code == .invalidParameterValue)
            #expect(error.map { !$0.message.contains(bad) && !$0.description.contains(bad) } == true)
        }
        let request = CreateDBInstanceRequest(
            region: "us-east-1", dbInstanceIdentifier: "x", engine: "postgres", dbInstanceClass: "db.t3.micro",
            masterUsername: "cairn_admin", masterUserPassword: "Visible-If-Leaked-1")
        #expect(!"\(request)".contains("Visible-If-Leaked-1"))
        #expect(!String(reflecting: request).contains("Visible-If-Leaked-1"))
        let modify = ModifyDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "x", masterUserPassword: "Visible-If-Leaked-2")
        #expect(!"\(modify)".contains("Visible-If-Leaked-2"))
    }
}

/// Names derived with SHA-256 are persisted in `state.json` and shown to users, so they must not
/// change when the hash implementation does (the vectors themselves are tested in `HashingTests`).
@Suite struct DerivedNameTests {
    @Test func endpointAndSecurityGroupNamesAreStable() {
        #expect(
            SimulatorModel.endpointAddress(identifier: "orders", region: "us-east-1") == "orders.54mqzgsk7mst.us-east-1.rds.amazonaws.com")
        #expect(SimulatorModel.defaultSecurityGroup(region: "us-east-1") == "sg-c7cd5bb96d6a3567b")
    }
}

@Suite struct GlobTests {
    @Test func globPatterns() {
        #expect(globMatches("big-*", "big-one"))
        #expect(!globMatches("big-*", "small"))
        #expect(globMatches("*-r?", "orders-r1"))
        #expect(globMatches("*", ""))
    }
}
