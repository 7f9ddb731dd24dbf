import Foundation
import RDSCore
import Testing

@testable import DatabaseAdministration

@Suite struct PostgreSQLTextTests {
    @Test(
        arguments: [
            ("db.example.com", "'db.example.com'"),
            ("", "''"),
            ("it's", #"'it\'s'"#),
            (#"back\slash"#, #"'back\\slash'"#),
            (#"\'"#, #"'\\\''"#),
            ("a b=c", "'a b=c'"),
        ])
    func conninfoValuesAreQuotedAndEscaped(value: String, expected: String) {
        #expect(PostgreSQLText.conninfoValue(value) == expected)
    }

    @Test func conninfoKeepsParameterOrder() {
        let conninfo = PostgreSQLText.conninfo([("host", "h"), ("user", "o'brien")])
        #expect(conninfo == #"host='h' user='o\'brien'"#)
    }

    @Test func conninfoForAnInstanceRequiresTLSUnlessTheEnvironmentChooses() {
        let instance = SingleInstanceRDS.instance(masterUsername: "master", dbName: nil)
        let required = PSQLUserAdministrator.conninfo(instance: instance, host: "db.local", port: 5433, environment: [:])
        #expect(
            required
                == "host='db.local' port='5433' dbname='postgres' user='master' connect_timeout='10' application_name='cairn' "
                + "sslmode='require'")
        let named = SingleInstanceRDS.instance(masterUsername: "master", dbName: "orders")
        let chosen = PSQLUserAdministrator.conninfo(
            instance: named, host: "db.local", port: 5433, environment: ["PGSSLMODE": "verify-full"])
        #expect(chosen == "host='db.local' port='5433' dbname='orders' user='master' connect_timeout='10' application_name='cairn'")
    }

    @Test(
        arguments: [
            ("app_user", #""app_user""#),
            ("MixedCase", #""MixedCase""#),
            (#"we"ird"#, #""we""ird""#),
            (#""; DROP ROLE x; --"#, #""""; DROP ROLE x; --""#),
            (#"back\slash"#, #""back\slash""#),
        ])
    func identifiersAreDoubleQuotedWithQuotesDoubled(name: String, expected: String) {
        #expect(PostgreSQLText.quotedIdentifier(name) == expected)
    }

    @Test func redactionRemovesEverySecretLongestFirst() {
        let verifier = SCRAMSHA256Verifier(password: "hunter2-hunter2", salt: Array(0..<16))
        let stderr = """
            psql:<stdin>:1: ERROR:  syntax error
            LINE 1: ALTER ROLE "x" PASSWORD '\(verifier.encoded)';
            salt again: \(SCRAMSHA256Verifier.base64(verifier.salt)) and hunter2-hunter2
            """
        let redacted = PostgreSQLText.redactedTail(
            stderr, secrets: ["hunter2-hunter2", ""] + verifier.secretFragments, maxUTF8Bytes: 2048)
        #expect(!redacted.contains("hunter2"))
        #expect(!redacted.contains("SCRAM-SHA-256$"))
        #expect(!redacted.contains(SCRAMSHA256Verifier.base64(verifier.salt)))
        #expect(!redacted.contains(SCRAMSHA256Verifier.base64(verifier.storedKey)))
        // The whole verifier became one marker rather than a verifier-shaped husk around marked parts.
        #expect(redacted.contains("PASSWORD '[REDACTED]';"))
        #expect(redacted.contains("salt again: [REDACTED] and [REDACTED]"))
    }

    @Test func redactionHappensBeforeTheTailIsCut() {
        // The secret straddles the cut: cutting first would leave its end, which no longer matches.
        let secret = String(repeating: "s", count: 30) + "TAILOFSECRET"
        let text = String(repeating: "x", count: 5000) + secret + String(repeating: "y", count: 2030)
        let redacted = PostgreSQLText.redactedTail(text, secrets: [secret], maxUTF8Bytes: 2048)
        #expect(!redacted.contains("TAILOFSECRET"))
        #expect(redacted.utf8.count <= 2048)
        #expect(redacted.hasPrefix("…"))
        #expect(redacted.hasSuffix("y"))
    }

    @Test func tailIsCutOnCharacterBoundaries() {
        let text = String(repeating: "é", count: 3000)  // two UTF-8 bytes each
        let redacted = PostgreSQLText.redactedTail(text, secrets: [], maxUTF8Bytes: 2048)
        #expect(redacted.utf8.count <= 2048)
        #expect(redacted.utf8.count >= 2046)
        #expect(redacted.dropFirst().allSatisfy { $0 == "é" })
        #expect(PostgreSQLText.redactedTail("short", secrets: [], maxUTF8Bytes: 2048) == "short")
    }

    @Test(
        arguments: [
            ("localhost:15432", "localhost", 15432),
            ("10.0.0.7:5432", "10.0.0.7", 5432),
            ("[::1]:6543", "::1", 6543),
        ])
    func endpointOverridesParse(text: String, host: String, port: Int) throws {
        let parsed = try #require(PSQLUserAdministrator.parseEndpoint(text))
        #expect(parsed.host == host)
        #expect(parsed.port == port)
    }

    @Test(arguments: ["localhost", ":5432", "host:", "host:0", "host:65536", "host:54x", "[::1]5432", "host:+5432"])
    func malformedEndpointOverridesAreRejected(text: String) {
        #expect(PSQLUserAdministrator.parseEndpoint(text) == nil)
    }

    @Test(arguments: ["postgres", "aurora-postgresql", "POSTGRES"])
    func postgreSQLEnginesAreSupported(engine: String) {
        #expect(PSQLUserAdministrator.isPostgreSQL(engine))
    }

    @Test(arguments: ["mysql", "mariadb", "aurora-mysql", "oracle-ee", "sqlserver-se"])
    func otherEnginesAreNot(engine: String) {
        #expect(!PSQLUserAdministrator.isPostgreSQL(engine))
    }

    @Test(
        arguments: [
            (2, #"psql: error: connection to server at "db" (10.0.0.1), port 5432 failed: Connection refused"#, true),
            (2, #"psql: error: connection to server at "db" (10.0.0.1), port 5432 failed: timeout expired"#, true),
            (2, "psql: error: connection to server at \"db\", port 5432 failed: FATAL:  the database system is starting up", true),
            (2, "server closed the connection unexpectedly", true),
            (
                2, #"psql: error: connection to server at "db", port 5432 failed: FATAL:  password authentication failed for user "m""#,
                false
            ),
            (2, #"FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "m", database "postgres", SSL off"#, false),
            (2, #"FATAL:  database "orders" does not exist"#, false),
            (3, #"psql:<stdin>:1: ERROR:  role "ghost" does not exist"#, false),
            (1, "psql: fatal: out of memory", false),
        ])
    func connectionFailuresAreRetryableAndRejectionsAreNot(status: Int32, stderr: String, retryable: Bool) {
        let outcome = ChildProcess.Outcome(status: status, exited: true, stdout: [], stderr: Array(stderr.utf8))
        let error = PSQLUserAdministrator.failure(outcome: outcome, target: "db:5432", user: "m", secrets: [])
        #expect(error.code == .databaseCommandFailed)
        #expect(error.isRetryable == retryable)
        #expect(error.httpStatus == (retryable ? 503 : 400))
        #expect(error.message.contains(stderr))
        #expect(error.message.contains("status \(status)"))
    }
}
