public import RDSCore
public import WorkflowModel

/// The handlers of the built-in activity types (`BuiltInActivityTypes.all`): `rds.*`,
/// `db.resetUserPasswords`, `exec`, `sleep` and `noop`.
public enum BuiltInActivities {
    /// One handler per built-in type, in `BuiltInActivityTypes.all` order.
    /// - Parameters:
    ///   - rds: the RDS provider (the simulator or real AWS).
    ///   - secrets: where generated passwords are stored.
    ///   - users: administers database users for `db.resetUserPasswords`.
    ///   - secretResolver: resolves `masterUserPassword` references at the moment of use.
    public static func handlers(
        rds: any RDSProvider, secrets: any SecretStore, users: any DatabaseUserAdministrator, secretResolver: SecretResolver
    ) -> [any ActivityHandler] {
        let all: [any ActivityHandler] = [
            CreateInstanceActivity(rds: rds, secretResolver: secretResolver),
            CreateReadReplicaActivity(rds: rds),
            WaitAvailableActivity(rds: rds),
            CreateSnapshotActivity(rds: rds),
            RestoreFromSnapshotActivity(rds: rds),
            ModifyInstanceActivity(rds: rds),
            ResetMasterPasswordActivity(rds: rds, secrets: secrets),
            DeleteInstanceActivity(rds: rds),
            ResetUserPasswordsActivity(secrets: secrets, users: users),
            ExecActivity(),
            SleepActivity(),
            NoopActivity(),
        ]
        let order = BuiltInActivityTypes.all.map(\.name)
        return all.sorted { (order.firstIndex(of: $0.activityType) ?? .max) < (order.firstIndex(of: $1.activityType) ?? .max) }
    }
}
