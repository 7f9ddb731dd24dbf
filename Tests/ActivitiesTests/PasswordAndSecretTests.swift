import Activities
import EngineTesting
import Foundation
import RDSCore
import RDSSimulator
import StrictJSON
import Testing
import WorkflowModel

/// The password in a stored secret (RDS's JSON shape).
func storedPassword(_ sim: RDSSimulator, _ arn: String) async throws -> String {
    let value = try await sim.getSecretValue(arn: arn)
    let object = try JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String: String]
    return try #require(object?["password"])
}

@Suite struct PasswordActivityTests {
    @Test func resetMasterPasswordStoresAndAppliesANewPasswordAndReturnsOnlyTheARN() async throws {
        let h = try Harness(environment: ["DB_PASSWORD": "Initial-Passw0rd"])
        _ = try await h.run("rds.createInstance", h.createInput(password: ["secretRef": "env:DB_PASSWORD"]))
        // Called before the instance is available: the activity waits for it first.
        let output = try await h.runDriving("rds.resetMasterPassword", ["region": "us-east-1", "identifier": "orders"])
        #expect(keys(output) == Set(spec("rds.resetMasterPassword").outputFields!))
        #expect(output["status"] == "resetting-master-credentials")
        let arn = try #require(output["secretArn"]?.stringValue)
        #expect(arn.hasPrefix("arn:aws:secretsmanager:us-east-1:123456789012:secret:cairn/orders/master-"))
        let password = try await storedPassword(h.sim, arn)
        #expect(password.count == 32)
        #expect(h.sim.checkPassword(region: "us-east-1", instanceIdentifier: "orders", user: "cairn_admin", password: password))
        #expect(!h.sim.checkPassword(region: "us-east-1", instanceIdentifier: "orders", user: "cairn_admin", password: "Initial-Passw0rd"))
        // A retry waits out the reset, then stores and applies a new password under the same name.
        let again = try await h.runDriving("rds.resetMasterPassword", ["region": "us-east-1", "identifier": "orders"])
        #expect(again["secretArn"] == output["secretArn"])
        let newer = try await storedPassword(h.sim, arn)
        #expect(newer != password)
        #expect(h.sim.checkPassword(region: "us-east-1", instanceIdentifier: "orders", user: "cairn_admin", password: newer))
    }

    @Test func resetMasterPasswordTakesOverAnRDSManagedPassword() async throws {
        let h = try Harness()
        let created = try await h.createAvailable()
        #expect(created["masterUserSecretArn"] != .null)
        let output = try await h.runDriving(
            "rds.resetMasterPassword", ["region": "us-east-1", "identifier": "orders", "secretName": "team/orders-admin"])
        let arn = try #require(output["secretArn"]?.stringValue)
        #expect(arn.contains(":secret:team/orders-admin-"))
        #expect(
            h.sim.checkPassword(
                region: "us-east-1", instanceIdentifier: "orders", user: "cairn_admin", password: try await storedPassword(h.sim, arn)))
        #expect(try await h.sim.describeDBInstance(region: "us-east-1", identifier: "orders").masterUserSecretArn == nil)
    }

    @Test func resetUserPasswordsGivesEveryApplicationUserAStoredPassword() async throws {
        let h = try Harness()
        try h.sim.createSnapshotFixture(
            region: "us-east-1", snapshotIdentifier: "legacy", applicationUsers: ["app_rw", "app_ro", "reporting"])
        _ = try await h.run("rds.restoreFromSnapshot", ["region": "us-east-1", "identifier": "orders", "snapshotIdentifier": "legacy"])
        _ = try await h.runDriving("rds.waitAvailable", ["region": "us-east-1", "identifier": "orders"])
        let output = try await h.run("db.resetUserPasswords", ["region": "us-east-1", "identifier": "orders"])
        #expect(keys(output) == Set(spec("db.resetUserPasswords").outputFields!))
        let users = try #require(output["users"]?.arrayValue)
        #expect(users.map { $0["user"] } == ["app_ro", "app_rw", "reporting"])
        for entry in users {
            #expect(keys(entry) == ["user", "secretArn"])
            let user = try #require(entry["user"]?.stringValue)
            let arn = try #require(entry["secretArn"]?.stringValue)
            #expect(arn.contains(":secret:cairn/orders/users/\(user)-"))
            #expect(
                h.sim.checkPassword(
                    region: "us-east-1", instanceIdentifier: "orders", user: user, password: try await storedPassword(h.sim, arn)))
        }
        let some = try await h.run(
            "db.resetUserPasswords", ["region": "us-east-1", "identifier": "orders", "users": ["app_rw"], "secretPrefix": "apps/"])
        #expect(some["users"]?.arrayValue?.count == 1)
        #expect(some["users"]?[0]?["secretArn"]?.stringValue?.contains(":secret:apps/app_rw-") == true)
        let unknown = await h.failure {
            try await h.run("db.resetUserPasswords", ["region": "us-east-1", "identifier": "orders", "users": ["ghost"]])
        }
        #expect(unknown?.reason == "UserNotFound")
    }

    @Test func secretCanaryAppearsInNoOutputFailureReportHeartbeatOrFile() async throws {
        let canary = "CANARY-\(UUID().uuidString)"
        let badCanary = "CANARY@\(UUID().uuidString)"
        let h = try Harness(environment: ["DB_PASSWORD": canary, "BAD_PASSWORD": badCanary])
        let good: JSONValue = ["secretRef": "env:DB_PASSWORD"]
        var texts: [String] = []

        // Failures on the way: an invalid password, a throttled call.
        if let failure = await h.failure({
            try await h.run("rds.createInstance", h.createInput(password: ["secretRef": "env:BAD_PASSWORD"]))
        }) {
            #expect(failure.reason == "InvalidParameterValue")
            texts.append(failure.description)
        }
        try h.sim.addFault(.failOperation(op: "CreateDBInstance", code: "Throttling", times: 1, identifierPattern: nil))
        if let failure = await h.failure({ try await h.run("rds.createInstance", h.createInput(password: good)) }) {
            texts.append(failure.description)
        }
        texts.append(try await h.run("rds.createInstance", h.createInput(password: good)).canonicalString())
        texts.append(try await h.run("rds.createInstance", h.createInput(password: good)).canonicalString())
        if let failure = await h.failure({
            try await h.run("rds.createInstance", h.createInput(password: good), context: h.context(execution: "other"))
        }) {
            texts.append(failure.description)
        }
        texts.append(try await h.runDriving("rds.waitAvailable", ["region": "us-east-1", "identifier": "orders"]).canonicalString())
        let reset = try await h.runDriving("rds.resetMasterPassword", ["region": "us-east-1", "identifier": "orders"])
        texts.append(reset.canonicalString())
        try h.sim.createSnapshotFixture(region: "us-east-1", snapshotIdentifier: "legacy", applicationUsers: ["app_rw"])
        texts.append(
            try await h.run("rds.restoreFromSnapshot", ["region": "us-east-1", "identifier": "copy", "snapshotIdentifier": "legacy"])
                .canonicalString())
        _ = try await h.runDriving("rds.waitAvailable", ["region": "us-east-1", "identifier": "copy"])
        let users = try await h.run("db.resetUserPasswords", ["region": "us-east-1", "identifier": "copy"])
        texts.append(users.canonicalString())

        texts += h.recorder.reports
        texts += h.recorder.heartbeats.map { $0?.canonicalString() ?? "" }
        for (_, bytes) in h.fileSystem.allFiles { texts.append(String(decoding: bytes, as: UTF8.self)) }
        #expect(!texts.isEmpty)
        for text in texts {
            #expect(!text.contains(canary))
            #expect(!text.contains(badCanary))
            #expect(!text.contains("CANARY"))
        }
        // Generated passwords live only in the secret store: never in outputs, reports or heartbeats.
        let generated = [
            try await storedPassword(h.sim, try #require(reset["secretArn"]?.stringValue)),
            try await storedPassword(h.sim, try #require(users["users"]?[0]?["secretArn"]?.stringValue)),
        ]
        let visible = texts.filter { !$0.contains("\"secrets\"") }  // secrets.json is the store itself
        for password in generated {
            for text in visible { #expect(!text.contains(password)) }
        }
    }
}

@Suite struct SecretResolverTests {
    final class NoSecrets: SecretStore {
        func putSecret(name: String, value: String, region: String, tags: [RDSCore.Tag]) async throws -> String { "" }
        func getSecretValue(arn: String) async throws -> String {
            if arn.hasSuffix("json-AbCdEf") { return #"{"password":"from-json","username":"u"}"# }
            if arn.hasSuffix("plain-AbCdEf") { return "plain-value" }
            throw RDSError(code: .resourceNotFoundException, message: "Secrets Manager can't find the specified secret.")
        }
    }

    let resolver = SecretResolver(
        environment: ["PW": "env-value"],
        readFile: { path in
            guard path == "/run/secrets/db" else { throw CocoaError(.fileNoSuchFile) }
            return Array("file-value\n".utf8)
        },
        secrets: NoSecrets())

    @Test func resolvesEnvironmentFilesAndSecretsManager() async throws {
        #expect(try await resolver.resolve(SecretReference(text: "env:PW")!) == "env-value")
        #expect(try await resolver.resolve(SecretReference(text: "file:/run/secrets/db")!) == "file-value")
        let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:"
        #expect(try await resolver.resolve(SecretReference(text: arn + "json-AbCdEf")!) == "from-json")
        #expect(try await resolver.resolve(SecretReference(text: arn + "plain-AbCdEf")!) == "plain-value")
    }

    @Test func errorsNameTheReferenceAndSayWhetherRetryingHelps() async throws {
        for (text, permanent) in [
            ("env:MISSING", true), ("file:/nope", false), ("arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf", true),
        ] {
            do {
                _ = try await resolver.resolve(SecretReference(text: text)!)
                Issue.record("\(text) resolved")
            } catch let error as SecretResolutionError {
                #expect(error.reference == text)
                #expect(error.description.contains(text))
                #expect(error.isPermanent == permanent)
                #expect(error.activityFailure.reason == "SecretUnavailable")
            }
        }
    }
}
