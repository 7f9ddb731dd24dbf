import DatabaseAdministration
import DatabaseTesting
import Foundation
import RDSCore
import Testing

/// The administrator against a shell script standing in for `psql`, which records its arguments,
/// stdin and environment and answers as `FAKE_PSQL_MODE` says: what reaches the child, and how its
/// failures are reported, without a server.
@Suite struct FakePSQLTests {
    static let masterPassword = "Master-Pa55word-Do-Not-Leak"
    static let userPassword = "User-Pa55word-Do-Not-Leak"

    static let script = """
        #!/bin/sh
        # Stands in for psql: records how it was run, then behaves as FAKE_PSQL_MODE says.
        dir=$(dirname "$0")
        for argument in "$@"; do printf '%s\\n' "$argument"; done > "$dir/argv"
        cat > "$dir/stdin"
        env > "$dir/env"
        case "$FAKE_PSQL_MODE" in
        refused)
            echo 'psql: error: connection to server at "db" (10.0.0.1), port 5432 failed: Connection refused' >&2
            exit 2 ;;
        auth)
            echo 'psql: error: connection to server at "db" (10.0.0.1), port 5432 failed: FATAL:  password authentication failed for user "cairn_master"' >&2
            exit 2 ;;
        echo-error)
            # A server error quoting the statement back, as PostgreSQL does for a syntax error.
            printf 'psql:<stdin>:1: ERROR:  syntax error\\nLINE 1: ' >&2
            cat "$dir/stdin" >&2
            printf 'password was %s\\n' "$PGPASSWORD" >&2
            exit 3 ;;
        chatty)
            # More than a pipe buffer on both outputs before exiting: only concurrent reads finish.
            head -c 300000 /dev/zero | tr '\\0' e >&2
            head -c 300000 /dev/zero | tr '\\0' o
            exit 0 ;;
        esac
        if grep -q pg_roles "$dir/stdin"; then printf 'app_writer\\napp_reader\\n'; fi
        exit 0
        """

    /// A directory holding the fake `psql`, and an administrator that runs it.
    struct Fixture {
        let directory: String
        let administrator: PSQLUserAdministrator

        init(mode: String = "ok", environment extra: [String: String] = [:], endpointOverride: String? = nil) throws {
            directory = try makeTemporaryDirectory(prefix: "cairn-fake-psql")
            try writeExecutable(FakePSQLTests.script, to: directory + "/psql")
            var environment = ["PATH": "\(directory):/usr/bin:/bin", "FAKE_PSQL_MODE": mode]
            environment.merge(extra) { $1 }
            administrator = PSQLUserAdministrator(
                rds: SingleInstanceRDS(instance: SingleInstanceRDS.instance()),
                masterPassword: { _ in FakePSQLTests.masterPassword }, endpointOverride: endpointOverride,
                environment: environment)
        }

        func recorded(_ name: String) throws -> String {
            try String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test func passwordsNeverAppearInArgumentsOrStdin() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try await fixture.administrator.setPassword(
            region: "us-east-1", instanceIdentifier: "orders", user: "app_writer", password: Self.userPassword)

        let argv = try fixture.recorded("argv")
        let stdin = try fixture.recorded("stdin")
        let environment = try fixture.recorded("env").split(separator: "\n").map(String.init)
        for secret in [Self.masterPassword, Self.userPassword] {
            #expect(!argv.contains(secret))
            #expect(!stdin.contains(secret))
        }
        #expect(!argv.contains("PGPASSWORD"))
        #expect(!argv.contains("password"))
        // The master password is in the environment, once, as PGPASSWORD; the user's is nowhere.
        #expect(environment.filter { $0.contains(Self.masterPassword) } == ["PGPASSWORD=\(Self.masterPassword)"])
        #expect(!environment.contains { $0.contains(Self.userPassword) })

        #expect(
            argv.split(separator: "\n").map(String.init) == [
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d",
                "host='orders.abc123.us-east-1.rds.amazonaws.com' port='5432' dbname='postgres' user='cairn_master' "
                    + "connect_timeout='10' application_name='cairn' sslmode='require'",
            ])

        // stdin holds a verifier of the user's password, not the password: rebuilding it from the
        // salt it carries gives the same text.
        let match = try #require(stdin.wholeMatch(of: #/ALTER ROLE "app_writer" PASSWORD '(SCRAM-SHA-256\$4096:([^$]+)\$[^']+)';\n/#))
        let salt = try #require(Data(base64Encoded: String(match.output.2)))
        #expect(String(match.output.1) == SCRAMSHA256Verifier(password: Self.userPassword, salt: Array(salt)).encoded)
    }

    @Test func listingSendsTheQueryAndParsesLines() async throws {
        let fixture = try Fixture(environment: ["PGSSLMODE": "disable"], endpointOverride: "127.0.0.1:15432")
        defer { fixture.remove() }
        let users = try await fixture.administrator.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders")
        #expect(users == ["app_reader", "app_writer"])
        #expect(
            try fixture.recorded("stdin")
                == "SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname <> current_user AND rolname !~ '^(rds|pg_)' ORDER BY 1;\n")
        // The tunnel's end replaces the instance endpoint; PGSSLMODE in the environment replaces sslmode=require.
        let conninfo = try #require(fixture.recorded("argv").split(separator: "\n").last)
        #expect(
            conninfo == "host='127.0.0.1' port='15432' dbname='postgres' user='cairn_master' connect_timeout='10' application_name='cairn'")
        #expect(try fixture.recorded("env").contains("PGSSLMODE=disable"))
    }

    @Test func errorsQuotingTheStatementAreRedacted() async throws {
        let fixture = try Fixture(mode: "echo-error")
        defer { fixture.remove() }
        let error = try await #require(throws: RDSError.self) {
            try await fixture.administrator.setPassword(
                region: "us-east-1", instanceIdentifier: "orders", user: "app_writer", password: Self.userPassword)
        }
        #expect(error.code == .databaseCommandFailed)
        #expect(error.httpStatus == 400)
        #expect(error.message.contains("syntax error"))
        #expect(error.message.contains(#"ALTER ROLE "app_writer" PASSWORD '[REDACTED]';"#))
        #expect(error.message.contains("password was [REDACTED]"))
        #expect(!error.message.contains(Self.masterPassword))
        #expect(!error.message.contains("SCRAM-SHA-256$"))
    }

    @Test func refusedConnectionsAreRetryable() async throws {
        let fixture = try Fixture(mode: "refused")
        defer { fixture.remove() }
        let error = try await #require(throws: RDSError.self) {
            try await fixture.administrator.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders")
        }
        #expect(error.code == .databaseCommandFailed)
        #expect(error.httpStatus == 503)
        #expect(error.isRetryable)
        #expect(error.message.contains("Connection refused"))
    }

    @Test func rejectedPasswordsAreNotRetryable() async throws {
        let fixture = try Fixture(mode: "auth")
        defer { fixture.remove() }
        let error = try await #require(throws: RDSError.self) {
            try await fixture.administrator.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders")
        }
        #expect(error.code == .databaseCommandFailed)
        #expect(error.httpStatus == 400)
        #expect(!error.isRetryable)
        #expect(error.message.contains("password authentication failed"))
    }

    @Test func aChattyChildDoesNotDeadlock() async throws {
        let fixture = try Fixture(mode: "chatty")
        defer { fixture.remove() }
        let users = try await fixture.administrator.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders")
        #expect(users.count == 1)
        #expect(users.first?.count == 300_000)
    }

    @Test(arguments: ["mysql", "mariadb"])
    func otherEnginesFailWithUnsupportedEngine(engine: String) async throws {
        let administrator = PSQLUserAdministrator(
            rds: SingleInstanceRDS(instance: SingleInstanceRDS.instance(engine: engine)),
            masterPassword: { _ in
                Issue.record("the master password was fetched for a \(engine) instance"); return ""
            })
        let error = try await #require(throws: RDSError.self) {
            try await administrator.setPassword(region: "us-east-1", instanceIdentifier: "orders", user: "app", password: "p")
        }
        #expect(error.code == .unsupportedEngine)
        #expect(error.message.contains(engine))
        #expect(error.message.contains("only PostgreSQL"))
        #expect(error.message.contains("AWS"))
    }

    @Test func anInstanceWithoutEndpointIsInTheWrongState() async throws {
        let administrator = PSQLUserAdministrator(
            rds: SingleInstanceRDS(instance: SingleInstanceRDS.instance(endpoint: nil)), masterPassword: { _ in "m" })
        let error = try await #require(throws: RDSError.self) {
            try await administrator.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders")
        }
        #expect(error.code == .invalidDBInstanceState)
        #expect(error.message.contains("creating"))
    }

    @Test func aMissingClientFailsWithDatabaseClientMissing() async throws {
        let empty = try makeTemporaryDirectory(prefix: "cairn-no-psql")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let administrator = PSQLUserAdministrator(
            rds: SingleInstanceRDS(instance: SingleInstanceRDS.instance()), masterPassword: { _ in "m" },
            environment: ["PATH": empty])
        let error = try await #require(throws: RDSError.self) {
            try await administrator.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders")
        }
        #expect(error.code == .databaseClientMissing)
        #expect(
            error.message == "psql was not found on PATH; install the PostgreSQL client (Debian: apt-get install postgresql-client)")

        let explicit = PSQLUserAdministrator(
            rds: SingleInstanceRDS(instance: SingleInstanceRDS.instance()), masterPassword: { _ in "m" },
            psqlPath: empty + "/psql")
        let explicitError = try await #require(throws: RDSError.self) {
            try await explicit.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders")
        }
        #expect(explicitError.code == .databaseClientMissing)
    }

    @Test func malformedEndpointOverridesAreRejected() async throws {
        let fixture = try Fixture(endpointOverride: "localhost")
        defer { fixture.remove() }
        let error = try await #require(throws: RDSError.self) {
            try await fixture.administrator.listApplicationUsers(region: "us-east-1", instanceIdentifier: "orders")
        }
        #expect(error.code == .invalidParameterValue)
    }

    @Test func overlongAndEmptyRoleNamesAreRejectedBeforeConnecting() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        // 64 bytes: PostgreSQL would truncate it to 63, which could name another role.
        for user in [String(repeating: "a", count: 64), ""] {
            let error = try await #require(throws: RDSError.self) {
                try await fixture.administrator.setPassword(region: "us-east-1", instanceIdentifier: "orders", user: user, password: "p")
            }
            #expect(error.code == .invalidParameterValue)
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.directory + "/argv"))
        try await fixture.administrator.setPassword(
            region: "us-east-1", instanceIdentifier: "orders", user: String(repeating: "a", count: 63), password: "p")
    }
}
