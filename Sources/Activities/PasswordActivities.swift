import RDSCore
import StrictJSON
import WorkflowModel

/// `rds.resetMasterPassword`: generates a password, stores it in the secret store, applies it with
/// ModifyDBInstance, and returns only the secret's ARN.
///
/// The attempt first waits for the instance to be `available`: a retry after a crash then finds the
/// previous reset finished, and its own password is both stored and applied, so the secret always
/// ends up matching the database.
struct ResetMasterPasswordActivity: ActivityHandler {
    let activityType = "rds.resetMasterPassword"
    let rds: any RDSProvider
    let secrets: any SecretStore

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let input = try ActivityInput(input, type: activityType)
        let region = try input.string("region")
        let identifier = try input.string("identifier")
        let secretName = input.optionalString("secretName") ?? MasterPasswordSecret.defaultName(instanceIdentifier: identifier)
        let instance = try await RDSSupport.waitUntilAvailable(
            rds: rds, region: region, identifier: identifier, interval: rds.scaledWait(RDSSupport.defaultPollInterval),
            context: context)
        let password = PasswordGenerator.generate()
        let secretArn = try await RDSSupport.call {
            try await secrets.putSecret(
                name: secretName, value: PasswordGenerator.secretValue(username: instance.masterUsername, password: password),
                region: region, tags: RDSSupport.tags(for: context, stepTags: []))
        }
        let modified = try await RDSSupport.call {
            try await rds.modifyDBInstance(
                ModifyDBInstanceRequest(
                    region: region, dbInstanceIdentifier: identifier, masterUserPassword: password,
                    // An RDS-managed password must be released before a password can be set.
                    manageMasterUserPassword: instance.masterUserSecretArn == nil ? nil : false, applyImmediately: true))
        }
        context.report("master password of \(modified.identifier) reset; stored in \(secretArn)")
        return .object(
            JSONObject([
                ("identifier", .string(modified.identifier)), ("region", .string(region)),
                ("secretArn", .string(secretArn)), ("status", .string(modified.status)),
            ]))
    }
}

/// Where `rds.resetMasterPassword` keeps the master password unless its input names another secret;
/// `db.resetUserPasswords` on AWS logs in with it when RDS does not manage the password.
public enum MasterPasswordSecret {
    /// `cairn/<identifier>/master`.
    public static func defaultName(instanceIdentifier: String) -> String { "cairn/\(instanceIdentifier.lowercased())/master" }
}

/// `db.resetUserPasswords`: gives each application user a new password, stored in the secret store;
/// returns the users with their secrets' ARNs, sorted by user.
struct ResetUserPasswordsActivity: ActivityHandler {
    let activityType = "db.resetUserPasswords"
    let secrets: any SecretStore
    let users: any DatabaseUserAdministrator

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let input = try ActivityInput(input, type: activityType)
        let region = try input.string("region")
        let identifier = try input.string("identifier")
        let prefix = input.optionalString("secretPrefix") ?? "cairn/\(identifier.lowercased())/users/"
        let names: [String]
        if let given = input.stringArray("users") {
            names = Array(Set(given)).sorted()
        } else {
            names = try await RDSSupport.call { try await users.listApplicationUsers(region: region, instanceIdentifier: identifier) }
                .sorted()
        }
        var results: [JSONValue] = []
        for user in names {
            try Task.checkCancellation()
            let password = PasswordGenerator.generate()
            let secretArn = try await RDSSupport.call {
                try await secrets.putSecret(
                    name: prefix + user, value: PasswordGenerator.secretValue(username: user, password: password),
                    region: region, tags: RDSSupport.tags(for: context, stepTags: []))
            }
            try await RDSSupport.call {
                try await users.setPassword(region: region, instanceIdentifier: identifier, user: user, password: password)
            }
            context.report("password of \(user) reset; stored in \(secretArn)")
            results.append(.object(JSONObject([("user", .string(user)), ("secretArn", .string(secretArn))])))
        }
        return .object(
            JSONObject([
                ("identifier", .string(identifier.lowercased())), ("region", .string(region)), ("users", .array(results)),
            ]))
    }
}
