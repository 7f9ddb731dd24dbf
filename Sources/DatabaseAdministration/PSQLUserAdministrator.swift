import Foundation
public import RDSCore

#if canImport(Glibc)
    import Glibc
#endif

/// Administers the users of a PostgreSQL RDS instance by running the `psql` client, which brings the
/// TLS that RDS requires (through libpq) and that Cairn does not implement.
///
/// Each call describes the instance, fetches the master password, and runs one `psql` as the master
/// user with the SQL on stdin. The master password reaches `psql` only through its environment
/// (`PGPASSWORD`): never its arguments, which any local user can read with `ps`, nor stdin, nor logs.
/// A user's new password never leaves this process: the server receives a SCRAM-SHA-256 verifier.
public struct PSQLUserAdministrator: DatabaseUserAdministrator {
    /// Seconds libpq waits for a connection before giving up (`connect_timeout`).
    public static let connectTimeoutSeconds = 10
    /// The most stderr an error message quotes, in bytes: psql's error is at the end.
    static let errorTailBytes = 2048
    /// The longest role name PostgreSQL keeps, in bytes (`NAMEDATALEN - 1`).
    static let roleNameBytesMax = 63

    private let rds: any RDSProvider
    private let masterPassword: @Sendable (DBInstance) async throws -> String
    private let endpointOverride: String?
    private let psqlPath: String
    private let environment: [String: String]

    /// Makes an administrator that describes instances with `rds`, logs in with the password
    /// `masterPassword` returns (fetched per call, so a rotated secret is picked up), and connects to
    /// `endpointOverride` (`host:port`, e.g. a tunnel's local end) instead of the instance's endpoint
    /// when it is given. `psqlPath` is resolved through `environment["PATH"]` unless it contains a `/`;
    /// `environment` is the child's environment, `PGPASSWORD` added.
    public init(
        rds: any RDSProvider,
        masterPassword: @escaping @Sendable (DBInstance) async throws -> String,
        endpointOverride: String? = nil,
        psqlPath: String = "psql",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.rds = rds
        self.masterPassword = masterPassword
        self.endpointOverride = endpointOverride
        self.psqlPath = psqlPath
        self.environment = environment
    }

    /// The login roles other than the master user and the `rds*`/`pg_*` system roles, sorted by name.
    ///
    /// Role names are read one per line, so a role whose name contains a line break is not supported.
    public func listApplicationUsers(region: String, instanceIdentifier: String) async throws -> [String] {
        // `~` and `!~` are POSIX regular expressions; `^(rds|pg_)` leaves out rdsadmin, rds_superuser,
        // rdsrepladmin and the like, and the predefined pg_* roles (which cannot log in anyway).
        let sql = "SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname <> current_user AND rolname !~ '^(rds|pg_)' ORDER BY 1;\n"
        let output = try await runPSQL(region: region, instanceIdentifier: instanceIdentifier, sql: sql, secrets: [])
        return output.split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
            .filter { !$0.isEmpty }
            .sorted()
    }

    /// Sets `user`'s password by sending `ALTER ROLE ... PASSWORD` with a SCRAM-SHA-256 verifier
    /// computed here (fresh salt, 4096 iterations), so the plaintext never reaches the server.
    ///
    /// The password is hashed as its UTF-8 bytes, without SASLprep: the same for ASCII (all Cairn
    /// generates), but a non-ASCII password is not normalised as libpq will normalise it at login.
    public func setPassword(region: String, instanceIdentifier: String, user: String, password: String) async throws {
        // PostgreSQL silently truncates longer identifiers, which could name a different role.
        guard !user.isEmpty, user.utf8.count <= Self.roleNameBytesMax, !user.utf8.contains(0) else {
            throw RDSError.invalidParameterValue(
                "a PostgreSQL role name has 1 to \(Self.roleNameBytesMax) bytes and no NUL character")
        }
        let verifier = SCRAMSHA256Verifier(password: password)
        // The verifier is base64 and `$:`, so it needs no escaping inside the string literal.
        let sql = "ALTER ROLE \(PostgreSQLText.quotedIdentifier(user)) PASSWORD '\(verifier.encoded)';\n"
        _ = try await runPSQL(
            region: region, instanceIdentifier: instanceIdentifier, sql: sql, secrets: [password] + verifier.secretFragments)
    }

    // MARK: Connecting

    /// Whether `engine` is one `psql` can talk to: RDS PostgreSQL or Aurora PostgreSQL.
    static func isPostgreSQL(_ engine: String) -> Bool {
        let engine = engine.lowercased()
        return engine.hasPrefix("postgres") || engine.hasPrefix("aurora-postgresql")
    }

    /// `host:port` (or `[ipv6]:port`) split into its parts, or nil when it is not of that form.
    static func parseEndpoint(_ text: String) -> (host: String, port: Int)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        // Digits only: Int("+5432") would also parse.
        guard !host.isEmpty, !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard let port = Int(portText), (1...65_535).contains(port) else { return nil }
        return (String(host), port)
    }

    /// The libpq connection string for `instance` at `host:port`, as its master user.
    ///
    /// `sslmode=require` is added unless the caller's environment sets `PGSSLMODE`: RDS enforces TLS,
    /// and an explicit keyword would override whatever the operator chose in the environment.
    static func conninfo(instance: DBInstance, host: String, port: Int, environment: [String: String]) -> String {
        var parameters = [
            ("host", host), ("port", String(port)), ("dbname", instance.dbName ?? "postgres"),
            ("user", instance.masterUsername), ("connect_timeout", String(connectTimeoutSeconds)),
            ("application_name", "cairn"),
        ]
        if environment["PGSSLMODE"] == nil { parameters.append(("sslmode", "require")) }
        return PostgreSQLText.conninfo(parameters)
    }

    /// The arguments `psql` runs with: no psqlrc (`-X`), quiet, unaligned tuples only, stop at the
    /// first error, and the connection string (which never holds the password).
    static func arguments(conninfo: String) -> [String] {
        ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo]
    }

    /// `psqlPath` as an executable file: itself when it contains a `/`, else the first match on `PATH`.
    static func resolveExecutable(_ program: String, path: String?) -> String? {
        let fileManager = FileManager.default
        func isExecutableFile(_ candidate: String) -> Bool {
            var isDirectory: ObjCBool = false
            return fileManager.fileExists(atPath: candidate, isDirectory: &isDirectory) && !isDirectory.boolValue
                && fileManager.isExecutableFile(atPath: candidate)
        }
        if program.contains("/") { return isExecutableFile(program) ? program : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// The error for a missing `psql`.
    static func clientMissing(_ program: String) -> RDSError {
        let message =
            program.contains("/")
            ? "\(program) does not exist or is not executable; install the PostgreSQL client (Debian: apt-get install postgresql-client)"
            : "\(program) was not found on PATH; install the PostgreSQL client (Debian: apt-get install postgresql-client)"
        return RDSError(code: .databaseClientMissing, message: message)
    }

    /// Runs `sql` through `psql` against the instance and returns its stdout.
    ///
    /// - Parameter secrets: strings to redact from any error text, besides the master password.
    private func runPSQL(region: String, instanceIdentifier: String, sql: String, secrets: [String]) async throws -> String {
        let instance = try await rds.describeDBInstance(region: region, identifier: instanceIdentifier)
        guard Self.isPostgreSQL(instance.engine) else {
            throw RDSError(
                code: .unsupportedEngine,
                message: "DB instance \(instance.identifier) runs \(instance.engine); only PostgreSQL (postgres, "
                    + "aurora-postgresql) is supported against AWS")
        }
        guard let endpoint = instance.endpoint else {
            throw RDSError(
                code: .invalidDBInstanceState,
                message: "DB instance \(instance.identifier) has no endpoint yet (status \(instance.status)); "
                    + "wait until it is available")
        }
        var host = endpoint.address
        var port = endpoint.port
        if let endpointOverride {
            guard let parsed = Self.parseEndpoint(endpointOverride) else {
                throw RDSError.invalidParameterValue("database endpoint override \"\(endpointOverride)\" is not host:port")
            }
            (host, port) = parsed
        }
        guard let executable = Self.resolveExecutable(psqlPath, path: environment["PATH"]) else {
            throw Self.clientMissing(psqlPath)
        }
        let password = try await masterPassword(instance)

        var childEnvironment = environment
        childEnvironment["PGPASSWORD"] = password
        // These could send libpq somewhere other than the host in the connection string (PGHOSTADDR
        // takes precedence over a name) or add settings from a service file; the target is ours to pick.
        childEnvironment["PGHOSTADDR"] = nil
        childEnvironment["PGSERVICE"] = nil
        let target = "\(host):\(port)"
        let outcome: ChildProcess.Outcome
        do {
            outcome = try await ChildProcess.run(
                executable: executable,
                arguments: Self.arguments(conninfo: Self.conninfo(instance: instance, host: host, port: port, environment: environment)),
                environment: childEnvironment, stdin: Array(sql.utf8))
        } catch let failure as ChildProcess.LaunchFailure {
            // Removed between the lookup and the launch, or not a program the kernel can run.
            if [ENOENT, ENOTDIR, EACCES, ENOEXEC].contains(failure.code) { throw Self.clientMissing(executable) }
            // Out of processes, descriptors or memory: a condition of this machine that may pass.
            let passing = [EAGAIN, EMFILE, ENFILE, ENOMEM].contains(failure.code)
            throw RDSError(code: .databaseCommandFailed, message: "\(failure)", httpStatus: passing ? 503 : 400)
        }
        guard outcome.succeeded else {
            throw Self.failure(
                outcome: outcome, target: target, user: instance.masterUsername, secrets: [password] + secrets)
        }
        return String(decoding: outcome.stdout, as: UTF8.self)
    }

    // MARK: Failures

    /// Text in psql's stderr that means trying again will not help: the server (or libpq) rejected
    /// the login or the configuration, rather than the network or the server's state failing.
    static let permanentConnectionFailures = [
        "password authentication failed", "authentication failed", "no pg_hba.conf entry", "does not exist",
        "permission denied", "is not permitted to log in", "server does not support SSL", "invalid",
    ]

    /// The ``RDSError`` for a failed psql run, its message the redacted tail of stderr.
    ///
    /// psql exits 2 when the connection failed or broke; that is retryable (HTTP status 503, so
    /// ``RDSError/isRetryable``) unless stderr shows a rejection that will happen again, such as a
    /// wrong password. Exit 3 (an SQL error under `ON_ERROR_STOP`) and 1 (psql's own fatal error) are not.
    static func failure(outcome: ChildProcess.Outcome, target: String, user: String, secrets: [String]) -> RDSError {
        let stderr = String(decoding: outcome.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let lowercasedStderr = stderr.lowercased()
        let tail = PostgreSQLText.redactedTail(stderr, secrets: secrets, maxUTF8Bytes: errorTailBytes)
        let retryable: Bool
        let how: String
        if !outcome.exited {
            // Killed (not by us: cancellation is reported as such); a crash or the OOM killer may not recur.
            retryable = true
            how = "psql was killed by signal \(outcome.status)"
        } else {
            retryable = outcome.status == 2 && !permanentConnectionFailures.contains { lowercasedStderr.contains($0.lowercased()) }
            how = "psql exited with status \(outcome.status)"
        }
        return RDSError(
            code: .databaseCommandFailed,
            message: "\(how) (\(user) at \(target)): \(tail.isEmpty ? "no error output" : tail)",
            httpStatus: retryable ? 503 : 400)
    }
}
