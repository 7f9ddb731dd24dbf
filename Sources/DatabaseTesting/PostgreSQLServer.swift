import DatabaseAdministration
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway PostgreSQL server for one test (test support, not shipped in `cairn`): its own cluster in a fresh temporary directory,
/// listening on 127.0.0.1 only (and a Unix socket inside that directory), run as the `postgres` OS
/// user because `initdb` and `postgres` refuse to run as root.
///
/// The bootstrap superuser is called `rdsadmin`, as on RDS, so the `^rds` filter hides it the way it
/// hides the real one. TCP logins need a SCRAM-SHA-256 password; the socket, reachable only through
/// the private directory, trusts its users, for setting up.
package final class PostgreSQLServer: Sendable {
    /// The name of the cluster's bootstrap superuser.
    package static let superuser = "rdsadmin"
    /// Where Debian's packages put the server programs, one directory per major version.
    package static let installRoot = "/usr/lib/postgresql"
    /// Where the client is.
    package static let psql = "/usr/bin/psql"

    /// The directory with `initdb`, `pg_ctl` and `postgres`.
    package let binDirectory: String
    /// The temporary directory: the cluster (`data`), the server log and the Unix socket.
    package let directory: String
    /// The TCP port on 127.0.0.1.
    package let port: Int

    package var dataDirectory: String { directory + "/data" }
    package var logPath: String { directory + "/server.log" }

    private init(binDirectory: String, directory: String, port: Int) {
        self.binDirectory = binDirectory
        self.directory = directory
        self.port = port
    }

    /// Runs `body` with a started server, and stops the server and removes its directory afterwards,
    /// whether `body` returned or threw. `trustedTCPUsers` log in over TCP without a password.
    package static func with<Result>(
        trustedTCPUsers: [String] = [], _ body: (PostgreSQLServer) async throws -> Result
    ) async throws -> Result {
        let server = try await start(trustedTCPUsers: trustedTCPUsers)
        let result: Result
        do {
            result = try await body(server)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
        return result
    }

    /// The newest installed server's program directory.
    /// - Throws: ``SetupFailure`` naming the install step when there is none.
    package static func findBinDirectory() throws -> String {
        let fileManager = FileManager.default
        let versions = ((try? fileManager.contentsOfDirectory(atPath: installRoot)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() {
            let candidate = "\(installRoot)/\(version)/bin"
            if ["initdb", "pg_ctl", "postgres"].allSatisfy({ fileManager.isExecutableFile(atPath: "\(candidate)/\($0)") }) {
                return candidate
            }
        }
        throw SetupFailure(
            description: "PostgreSQL server programs (initdb, pg_ctl, postgres) were not found under \(installRoot)/<version>/bin; "
                + "`make test` installs them (apt-get install postgresql)")
    }

    /// Initialises a cluster and starts its server, waiting until it accepts connections.
    ///
    /// `trustedTCPUsers` log in over TCP without a password: for a test where the password the client
    /// holds (one moto generated, say) never reached this server.
    package static func start(trustedTCPUsers: [String] = []) async throws -> PostgreSQLServer {
        let binDirectory = try findBinDirectory()
        guard FileManager.default.isExecutableFile(atPath: psql) else {
            throw SetupFailure(description: "\(psql) was not found; `make test` installs it (apt-get install postgresql)")
        }
        let directory = try makeTemporaryDirectory(prefix: "cairn-pg")
        do {
            try handToServerUser(directory)
            try await runAsServerUser(
                "\(binDirectory)/initdb",
                ["-D", directory + "/data", "-U", superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
                in: directory)
            // Replaces initdb's: trust on the private socket for setup, SCRAM passwords over TCP.
            // The first matching line decides, so the trusted users' lines come before the SCRAM one.
            let trusted = trustedTCPUsers.map { "host all \($0) 127.0.0.1/32 trust\n" }.joined()
            let hba = """
                # Written by the Cairn tests.
                local all all trust
                \(trusted)host all all 127.0.0.1/32 scram-sha-256

                """
            try hba.write(toFile: directory + "/data/pg_hba.conf", atomically: false, encoding: .utf8)
            try handToServerUser(directory + "/data/pg_hba.conf")
            // The port is chosen by binding port 0 and closing it; should another process take it in
            // between, the server fails to bind and the next attempt picks another.
            var lastFailure = ""
            for _ in 1...3 {
                let port = try unusedLoopbackPort()
                let server = PostgreSQLServer(binDirectory: binDirectory, directory: directory, port: port)
                do {
                    try await server.startServer()
                    return server
                } catch {
                    lastFailure = "\(error)"
                    let log = (try? String(contentsOfFile: server.logPath, encoding: .utf8)) ?? ""
                    guard log.contains("could not bind") || log.contains("Address already in use") else { throw error }
                }
            }
            throw SetupFailure(description: "the PostgreSQL server did not start on a free port: \(lastFailure)")
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// `pg_ctl start -w`, which returns once the server accepts connections (or has failed).
    private func startServer() async throws {
        // pg_ctl hands these to postgres through a shell; the temporary path has no spaces or quotes.
        let options = [
            "-c listen_addresses=127.0.0.1", "-p \(port)", "-k \(directory)", "-c password_encryption=scram-sha-256",
            // Every statement is logged, so the test can check that no password reached the server.
            "-c log_statement=all", "-c fsync=off",
        ].joined(separator: " ")
        try await Self.runAsServerUser(
            "\(binDirectory)/pg_ctl", ["start", "-w", "-t", "60", "-D", dataDirectory, "-l", logPath, "-o", options], in: directory)
    }

    /// Stops the server at once (`-m immediate`: nothing in it needs keeping) and removes its directory,
    /// even when stopping failed; the failure is then thrown so the test reports it.
    package func stop() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.runAsServerUser("\(binDirectory)/pg_ctl", ["stop", "-D", dataDirectory, "-m", "immediate", "-w"], in: directory)
    }

    /// Runs `sql` as the bootstrap superuser over the Unix socket and returns stdout.
    @discardableResult
    package func superuserSQL(_ sql: String) async throws -> String {
        try await psql(conninfo: "host=\(directory) port=\(port) dbname=postgres user=\(Self.superuser)", password: nil, sql: sql)
    }

    /// Runs `sql` with `psql` under `conninfo`, the password (if any) in `PGPASSWORD`, and returns stdout.
    /// - Throws: ``SetupFailure`` with psql's stderr when it fails.
    package func psql(conninfo: String, password: String?, sql: String) async throws -> String {
        var environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C"]
        environment["PGPASSWORD"] = password
        let outcome = try await ChildProcess.run(
            executable: Self.psql, arguments: ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo],
            environment: environment, stdin: Array(sql.utf8))
        guard outcome.succeeded else {
            throw SetupFailure(
                description: "psql exited with \(outcome.status): \(String(decoding: outcome.stderr, as: UTF8.self))")
        }
        return String(decoding: outcome.stdout, as: UTF8.self)
    }

    /// Gives `path` to the `postgres` user when we are root (otherwise we already own it).
    private static func handToServerUser(_ path: String) throws {
        guard getuid() == 0 else { return }
        guard let account = getpwnam("postgres") else {
            throw SetupFailure(
                description: "there is no postgres OS user to run the server as; `make test` creates it (apt-get install postgresql)")
        }
        guard chown(path, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
            throw SetupFailure(description: "chown \(path) to postgres failed: errno \(errno)")
        }
    }

    /// Runs a server program: as the `postgres` user through `runuser` when we are root, since the
    /// server programs refuse to run as root; directly otherwise.
    private static func runAsServerUser(_ program: String, _ arguments: [String], in directory: String) async throws {
        let executable: String
        let fullArguments: [String]
        if getuid() == 0 {
            executable =
                ["/usr/sbin/runuser", "/sbin/runuser"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/runuser"
            fullArguments = ["-u", "postgres", "--", program] + arguments
        } else {
            executable = program
            fullArguments = arguments
        }
        // The working directory is one the postgres user may enter (not the root-owned checkout).
        let outcome = try await ChildProcess.run(
            executable: executable, arguments: fullArguments, environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"],
            workingDirectory: directory)
        guard outcome.succeeded else {
            let output = String(decoding: outcome.stdout + outcome.stderr, as: UTF8.self)
            throw SetupFailure(description: "\(([program] + arguments).joined(separator: " ")) exited with \(outcome.status): \(output)")
        }
    }
}

/// A test's failure to set up, with a message that says what to do about it.
package struct SetupFailure: Error, CustomStringConvertible {
    /// What failed and what to do about it.
    package var description: String

    /// A failure described by `description`.
    package init(description: String) { self.description = description }
}

/// A fresh private (0700) directory under the system's temporary directory.
package func makeTemporaryDirectory(prefix: String) throws -> String {
    var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
    let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard let created else { throw SetupFailure(description: "mkdtemp failed: errno \(errno)") }
    return String(cString: created)
}

/// A loopback TCP port nothing listens on right now: bound to port 0 to let the kernel choose, then
/// closed. Another process could take it in between, which callers must tolerate.
package func unusedLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw SetupFailure(description: "socket failed: errno \(errno)") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    guard bound == 0 else { throw SetupFailure(description: "bind failed: errno \(errno)") }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard named == 0 else { throw SetupFailure(description: "getsockname failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}
