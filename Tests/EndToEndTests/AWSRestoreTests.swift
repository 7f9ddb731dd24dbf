#if os(Linux)
    import AWSTesting
    import DatabaseTesting
    import Foundation
    import Synchronization
    import Testing

    /// `restore-and-configure.json` with `--rds-provider aws` to its end: moto plays RDS and Secrets
    /// Manager, and a throwaway PostgreSQL on 127.0.0.1 plays the restored instance's engine, reached
    /// through `CAIRN_DB_ENDPOINT` as a user reaches a private instance through a tunnel.
    extension EndToEnd {
        @Suite struct AWSRestoreTests {
            /// The master user the snapshot was taken with; the restored instance keeps it.
            static let master = "cairn_master"
            /// The application users `db.resetUserPasswords` must find and give new passwords.
            static let users = ["app_reader", "app_writer"]
            /// The users' passwords before the workflow runs.
            static let oldPassword = "Old-pw-1b2e"

            @Test func restoreAndConfigureResetsEveryApplicationUser() async throws {
                // moto's ModifyDBInstance cannot change the local server's master password, so the master
                // logs in over TCP by trust; the password Cairn reads from Secrets Manager is still sent.
                try await PostgreSQLServer.with(trustedTCPUsers: [Self.master]) { server in
                    var setup = "CREATE ROLE \(Self.master) LOGIN CREATEROLE;\n"
                    for user in Self.users { setup += "CREATE ROLE \(user) LOGIN PASSWORD '\(Self.oldPassword)';\n" }
                    // A role that cannot log in is not an application user and keeps no secret.
                    setup += "CREATE ROLE reporting NOLOGIN;\n"
                    try await server.superuserSQL(setup)

                    let newPasswords = Mutex<[String: String]>([:])
                    await E2E.run(
                        "aws-restore", workflow: "restore-and-configure.json", executionId: "aws-restore",
                        inputs: ["identifier=orders-restored", "snapshotIdentifier=orders-snap"]
                    ) { s in
                        let found = try Self.runWorkflow(s, databaseEndpoint: "127.0.0.1:\(server.port)")
                        newPasswords.withLock { $0 = found }
                    }

                    let passwords = newPasswords.withLock { $0 }
                    #expect(passwords.keys.sorted() == Self.users, "each application user should get a secret: \(passwords.keys.sorted())")
                    for (user, password) in passwords.sorted(by: { $0.key < $1.key }) {
                        let conninfo = "host=127.0.0.1 port=\(server.port) dbname=postgres user=\(user) sslmode=disable"
                        let who = try await server.psql(conninfo: conninfo, password: password, sql: "SELECT current_user;\n")
                        #expect(who.trimmingCharacters(in: .whitespacesAndNewlines) == user, "\(user) should log in with its new password")
                        await #expect(throws: SetupFailure.self, "\(user)'s old password should no longer work") {
                            try await server.psql(conninfo: conninfo, password: Self.oldPassword, sql: "SELECT 1;\n")
                        }
                    }
                    let serverLog = (try? String(contentsOfFile: server.logPath, encoding: .utf8)) ?? ""
                    #expect(serverLog.contains("ALTER ROLE"), "the server log should show the password changes")
                    for password in passwords.values {
                        #expect(!serverLog.contains(password), "a new password reached the server in plain text")
                    }
                }
            }

            /// Sets up moto as a user's account would be (a PostgreSQL instance, its snapshot, the parameter
            /// group the workflow attaches), runs the workflow, checks the outcome with boto3, and returns
            /// the users' new passwords as Secrets Manager holds them.
            static func runWorkflow(_ s: Scenario, databaseEndpoint: String) throws -> [String: String] {
                let moto = try AWSE2E.startMoto()
                defer { moto.stop() }
                _ = try moto.boto3(
                    """
                    rds = client("rds")
                    rds.create_db_instance(DBInstanceIdentifier="orders", Engine="postgres", DBInstanceClass="db.r6g.large",
                        AllocatedStorage=20, MasterUsername="\(master)", MasterUserPassword="Source-pw-9c1d")
                    rds.create_db_snapshot(DBInstanceIdentifier="orders", DBSnapshotIdentifier="orders-snap")
                    rds.create_db_parameter_group(DBParameterGroupName="orders-postgres16", DBParameterGroupFamily="postgres16",
                        Description="orders")
                    """)
                var environment = AWSE2E.awsEnvironment(
                    s, moto: moto, accessKeyId: "AKIDRESTORETEST", secretAccessKey: "restore-secret-key")
                environment["CAIRN_DB_ENDPOINT"] = databaseEndpoint
                // The local server has no TLS; against RDS, Cairn's default of sslmode=require stands.
                environment["PGSSLMODE"] = "disable"
                let run = try AWSE2E.cairn(
                    s,
                    ["run", s.workflowPath, "--rds-provider", "aws", "--id", s.executionId] + s.inputs.flatMap { ["--input", $0] },
                    environment: environment)
                s.expect(
                    run.status == 0, "restore-and-configure should complete against moto; exit \(run.status)\n\(run.stdout)\n\(run.stderr)")

                let found = try moto.boto3(
                    """
                    db = client("rds").describe_db_instances(DBInstanceIdentifier="orders-restored")["DBInstances"][0]
                    sm = client("secretsmanager")
                    users = {}
                    for user in \(users):
                        value = json.loads(sm.get_secret_value(SecretId="cairn/orders-restored/users/" + user)["SecretString"])
                        users[user] = value["password"]
                    master = json.loads(sm.get_secret_value(SecretId="cairn/orders-restored/master")["SecretString"])
                    print(json.dumps({"groups": sorted(g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]),
                        "parameterGroup": db["DBParameterGroups"][0]["DBParameterGroupName"],
                        "masterUser": master["username"], "users": users}, sort_keys=True))
                    """)
                let outcome = try JSONSerialization.jsonObject(with: Data(found.utf8)) as? [String: Any] ?? [:]
                s.note("moto holds: security groups \(outcome["groups"] ?? "?"), parameter group \(outcome["parameterGroup"] ?? "?")")
                s.expect(outcome["groups"] as? [String] == ["sg-0a1b2c3d4e5f67890"], "the security groups should be attached")
                s.expect(outcome["parameterGroup"] as? String == "orders-postgres16", "the parameter group should be attached")
                s.expect(outcome["masterUser"] as? String == master, "the master secret should name the master user")
                let passwords = outcome["users"] as? [String: String] ?? [:]
                for (user, password) in passwords {
                    AWSE2E.checkNoLeak(s, of: password, named: "\(user)'s new password")
                }
                let history = String(decoding: s.fileBytes(s.historyPath), as: UTF8.self)
                s.expect(history.contains("secretsmanager"), "the history should record the secrets' ARNs")
                return passwords
            }
        }
    }
#endif
