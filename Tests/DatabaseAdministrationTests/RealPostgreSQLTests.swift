import DatabaseAdministration
import DatabaseTesting
import Foundation
import RDSCore
import Testing

/// The administrator against a real PostgreSQL server and the real `psql`.
@Suite struct RealPostgreSQLTests {
    static let masterPassword = "Master-0ld-Secret"
    static let writerOldPassword = "Writer-0ld-Secret"
    static let writerNewPassword = "Writer-N3w-Secret-From-Cairn"

    /// An administrator for an instance whose endpoint is the test server, TLS off (the test server
    /// has no certificate; `PGSSLMODE` in the environment is how an operator would say so too).
    static func administrator(for server: PostgreSQLServer, masterPassword: String = masterPassword) -> PSQLUserAdministrator {
        let instance = SingleInstanceRDS.instance(
            endpoint: Endpoint(address: "127.0.0.1", port: server.port), masterUsername: "cairn_master")
        return PSQLUserAdministrator(
            rds: SingleInstanceRDS(instance: instance), masterPassword: { _ in masterPassword },
            environment: ["PATH": "/usr/bin:/bin", "PGSSLMODE": "disable", "LC_ALL": "C"])
    }

    /// Logs in over TCP as `user` with `password` and returns `current_user`.
    static func logIn(_ server: PostgreSQLServer, user: String, password: String) async throws -> String {
        let conninfo =
            "host='127.0.0.1' port='\(server.port)' dbname='postgres' sslmode='disable' user="
            + conninfoQuoted(user)
        return try await server.psql(conninfo: conninfo, password: password, sql: "SELECT current_user;\n")
            .trimmingCharacters(in: .newlines)
    }

    /// Single-quoted for a connection string, written out again here rather than borrowed from the
    /// code under test.
    static func conninfoQuoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    @Test func listsUsersAndSetsAPasswordTheServerAccepts() async throws {
        try await PostgreSQLServer.with { server in
            // Like RDS: the master can create roles but is not a superuser, and (on PostgreSQL 16 and
            // later, where that matters) administers the roles because it created them.
            try await server.superuserSQL(
                """
                CREATE ROLE cairn_master LOGIN CREATEROLE PASSWORD '\(Self.masterPassword)';
                SET ROLE cairn_master;
                CREATE ROLE app_writer LOGIN PASSWORD '\(Self.writerOldPassword)';
                CREATE ROLE app_reader LOGIN PASSWORD 'Reader-0ld-Secret';
                CREATE ROLE rds_ignored LOGIN PASSWORD 'Ignored-Secret';
                CREATE ROLE app_group NOLOGIN;

                """)
            let administrator = Self.administrator(for: server)

            let users = try await administrator.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders")
            #expect(users == ["app_reader", "app_writer"])

            #expect(try await Self.logIn(server, user: "app_writer", password: Self.writerOldPassword) == "app_writer")
            try await administrator.setPassword(
                region: "us-east-1", instanceIdentifier: "orders", user: "app_writer", password: Self.writerNewPassword)
            #expect(try await Self.logIn(server, user: "app_writer", password: Self.writerNewPassword) == "app_writer")
            let rejected = try await #require(throws: SetupFailure.self) {
                try await Self.logIn(server, user: "app_writer", password: Self.writerOldPassword)
            }
            #expect(rejected.description.contains("password authentication failed"))

            // The server stored the verifier as given, and its statement log (every statement) never saw the password.
            let stored = try await server.superuserSQL("SELECT rolpassword FROM pg_authid WHERE rolname = 'app_writer';\n")
            #expect(stored.hasPrefix("SCRAM-SHA-256$4096:"))
            let log = try String(contentsOfFile: server.logPath, encoding: .utf8)
            #expect(log.contains(#"ALTER ROLE "app_writer" PASSWORD 'SCRAM-SHA-256$4096:"#))
            #expect(!log.contains(Self.writerNewPassword))

            // A name that needs quoting in SQL and in the connection string alike.
            let awkward = #"we"ird\ro'le x"#
            try await server.superuserSQL("SET ROLE cairn_master;\nCREATE ROLE \"we\"\"ird\\ro'le x\" LOGIN;\n")
            try await administrator.setPassword(
                region: "us-east-1", instanceIdentifier: "orders", user: awkward, password: "Awkward-N3w-Secret")
            #expect(try await Self.logIn(server, user: awkward, password: "Awkward-N3w-Secret") == awkward)

            // An SQL error: not retryable, and its message names the problem without any secret.
            let missing = try await #require(throws: RDSError.self) {
                try await administrator.setPassword(
                    region: "us-east-1", instanceIdentifier: "orders", user: "ghost", password: Self.writerNewPassword)
            }
            #expect(missing.code == .databaseCommandFailed)
            #expect(!missing.isRetryable)
            #expect(missing.message.contains(#"role "ghost" does not exist"#))
            #expect(!missing.message.contains("SCRAM"))

            // A wrong master password is rejected by the server, and trying again would not help.
            let wrongMaster = Self.administrator(for: server, masterPassword: "not-the-master-password")
            let denied = try await #require(throws: RDSError.self) {
                try await wrongMaster.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders")
            }
            #expect(denied.code == .databaseCommandFailed)
            #expect(denied.message.contains("password authentication failed"))
            #expect(!denied.message.contains("not-the-master-password"))
            #expect(!denied.isRetryable)
        }
    }

    @Test func aPortNobodyListensOnIsARetryableFailure() async throws {
        guard FileManager.default.isExecutableFile(atPath: PostgreSQLServer.psql) else {
            throw SetupFailure(description: "\(PostgreSQLServer.psql) was not found; `make test` installs it (apt-get install postgresql)")
        }
        let port = try unusedLoopbackPort()
        let administrator = PSQLUserAdministrator(
            rds: SingleInstanceRDS(instance: SingleInstanceRDS.instance(endpoint: Endpoint(address: "127.0.0.1", port: port))),
            masterPassword: { _ in "m" }, environment: ["PATH": "/usr/bin:/bin", "PGSSLMODE": "disable"])
        let error = try await #require(throws: RDSError.self) {
            try await administrator.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders")
        }
        #expect(error.code == .databaseCommandFailed)
        #expect(error.isRetryable)
        #expect(error.httpStatus == 503)
        #expect(error.message.contains("Connection refused"))
    }
}
