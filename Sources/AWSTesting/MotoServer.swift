import Foundation
import Synchronization

/// Why a moto server or a Python helper could not do what a test asked.
public struct MotoServerError: Error, CustomStringConvertible {
    /// What went wrong and, where it helps, how to fix it.
    public let description: String
}

/// A moto_server (the Python AWS emulator) on 127.0.0.1, run by a `python3` child process for one test.
///
/// The child starts `moto.server.ThreadedMotoServer` on a free port, prints the port, and then waits for
/// end of file on its stdin. ``stop()`` closes that pipe; if the test process dies instead, the kernel closes
/// it, so no server outlives its test.
public final class MotoServer: Sendable {
    /// The launcher: it prints the port once the server accepts connections, moves its own later output to
    /// stderr (so nothing can fill the stdout pipe nobody reads), and stops the server at EOF on stdin.
    static let launcherScript = """
        import os, sys
        from moto.server import ThreadedMotoServer
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        print(server.get_host_and_port()[1], flush=True)
        sys.stdout = sys.stderr
        sys.stdin.read()
        server.stop()
        sys.stderr.flush()
        os._exit(0)
        """

    /// Defines `ENDPOINT` and `client(service, **kwargs)` for ``boto3(_:environment:)`` snippets.
    static let boto3Prelude = """
        import os, json, boto3
        ENDPOINT = os.environ["ENDPOINT"]
        def client(service, **kwargs):
            kwargs.setdefault("region_name", "us-east-1")
            return boto3.client(service, endpoint_url=ENDPOINT, **kwargs)

        """

    private struct Credentials {
        var accessKeyId: String
        var secretAccessKey: String
    }

    /// The port moto listens on.
    public let port: Int
    private let process: Process
    private let stdin: FileHandle
    private let stderrFile: URL
    /// The key pair from ``enableSignatureChecking()`` while checking is on; ``boto3(_:environment:)`` signs with it.
    private let credentials = Mutex<Credentials?>(nil)
    private let stopped = Mutex(false)

    private init(port: Int, process: Process, stdin: FileHandle, stderrFile: URL) {
        self.port = port
        self.process = process
        self.stdin = stdin
        self.stderrFile = stderrFile
    }

    deinit { stop() }

    /// Whether `python3` can import moto's server and boto3.
    ///
    /// Tests that need moto should fail, not skip, when this is false: ``start()`` throws an error that says
    /// how to install it.
    public static let isAvailable: Bool = {
        (try? runPython("import moto.server, boto3", environment: [:]).status) == 0
    }()

    /// The message tests fail with when moto is missing.
    public static let notInstalledMessage =
        "python3 cannot import moto (moto[server]) and boto3; run `make test`, which installs them, or `pip install 'moto[server]' boto3`"

    /// Starts moto on a free port and returns once it accepts connections.
    ///
    /// Sets `MOTO_ALLOW_NONEXISTENT_REGION=true` so tests may use any Region name.
    public static func start() throws -> MotoServer {
        guard isAvailable else { throw MotoServerError(description: notInstalledMessage) }
        let stderrFile = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: stderrFile.path, contents: nil) else {
            throw MotoServerError(description: "cannot create \(stderrFile.path)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", launcherScript]
        var environment = ProcessInfo.processInfo.environment
        environment["MOTO_ALLOW_NONEXISTENT_REGION"] = "true"
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        // Werkzeug logs every request; a file never blocks the server the way an unread pipe would.
        let stderrHandle = try FileHandle(forWritingTo: stderrFile)
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrHandle
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: stderrFile)
            throw MotoServerError(description: "cannot launch python3: \(error)")
        }
        try? stderrHandle.close()
        try? stdoutPipe.fileHandleForWriting.close()
        try? stdinPipe.fileHandleForReading.close()

        // Blocks on the pipe until the launcher prints the port, or until it exits (EOF) having failed.
        var output = Data()
        while !output.contains(UInt8(ascii: "\n")) {
            let chunk = stdoutPipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output += chunk
        }
        try? stdoutPipe.fileHandleForReading.close()
        let line = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(line) else {
            try? stdinPipe.fileHandleForWriting.close()
            process.waitUntilExit()
            let log = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: stderrFile)
            throw MotoServerError(
                description: "moto did not start (exit status \(process.terminationStatus), stdout \(line.debugDescription)):\n\(log)")
        }
        return MotoServer(port: port, process: process, stdin: stdinPipe.fileHandleForWriting, stderrFile: stderrFile)
    }

    /// `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// ``endpoint`` as a URL.
    public var baseURL: URL { URL(string: endpoint)! }

    /// Whether the launcher process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Everything moto wrote to stderr so far (werkzeug's request log and any tracebacks), for diagnosing a test.
    public var log: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Deletes every resource in every service and turns signature checking off (the IAM user that
    /// ``enableSignatureChecking()`` made is deleted with the rest).
    public func reset() throws {
        try disableSignatureChecking()
        try control("/moto-api/reset", body: "")
    }

    /// Makes moto verify SigV4 signatures and returns the only key pair it will then accept.
    ///
    /// While checking is still off, creates an IAM user with an allow-everything policy and an access key,
    /// then sets moto's unauthenticated-request allowance to 0 (`POST /moto-api/reset-auth`, body `0`).
    /// Later ``boto3(_:environment:)`` calls sign with the returned key unless told otherwise.
    public func enableSignatureChecking() throws -> (accessKeyId: String, secretAccessKey: String) {
        let output = try boto3(
            """
            import uuid
            iam = client("iam")
            name = "awstesting-" + uuid.uuid4().hex[:12]
            iam.create_user(UserName=name)
            policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
            iam.put_user_policy(UserName=name, PolicyName="allow-everything", PolicyDocument=json.dumps(policy))
            key = iam.create_access_key(UserName=name)["AccessKey"]
            print(key["AccessKeyId"])
            print(key["SecretAccessKey"])
            """)
        let lines = output.split(whereSeparator: \.isNewline).map(String.init)
        guard lines.count == 2 else { throw MotoServerError(description: "unexpected create_access_key output: \(output)") }
        // Flask would parse a form-typed body and hand moto an empty one; text/plain keeps the `0`.
        try control("/moto-api/reset-auth", body: "0")
        credentials.withLock { $0 = Credentials(accessKeyId: lines[0], secretAccessKey: lines[1]) }
        return (lines[0], lines[1])
    }

    /// Stops verifying signatures (moto's default): `POST /moto-api/reset-auth` with body `inf`.
    public func disableSignatureChecking() throws {
        try control("/moto-api/reset-auth", body: "inf")
        credentials.withLock { $0 = nil }
    }

    /// Runs a Python snippet with boto3 against this server and returns its stdout.
    ///
    /// The snippet sees `ENDPOINT`, `json`, `boto3` and `client(service, **kwargs)` (Region us-east-1 by
    /// default). AWS settings come only from the environment given here: the key pair defaults to
    /// `testing`/`testing` (or the one from ``enableSignatureChecking()``), Region us-east-1, and the user's
    /// `~/.aws` files are ignored. Throws with the snippet's stderr when it exits non-zero.
    public func boto3(_ script: String, environment: [String: String] = [:]) throws -> String {
        let key = credentials.withLock { $0 } ?? Credentials(accessKeyId: "testing", secretAccessKey: "testing")
        var merged = [
            "ENDPOINT": endpoint,
            "AWS_ACCESS_KEY_ID": key.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": key.secretAccessKey,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            // botocore's own retries would hide what moto answered the first time.
            "AWS_MAX_ATTEMPTS": "1",
        ]
        merged.merge(environment) { _, given in given }
        let result = try Self.runPython(Self.boto3Prelude + script, environment: merged)
        guard result.status == 0 else {
            throw MotoServerError(description: "boto3 snippet exited with status \(result.status):\n\(result.stderr)")
        }
        return result.stdout
    }

    /// Stops moto and waits for the launcher to exit; its port then refuses connections. Idempotent.
    public func stop() {
        let first = stopped.withLock { stopped -> Bool in
            defer { stopped = true }
            return !stopped
        }
        if first { try? stdin.close() }
        process.waitUntilExit()
        if first { try? FileManager.default.removeItem(at: stderrFile) }
    }

    /// POSTs `body` as text/plain to a moto control path, failing unless moto answers 200.
    private func control(_ path: String, body: String) throws {
        let url = baseURL.appendingPathComponent(String(path.dropFirst()))
        let response = try UpstreamClient.request("POST", url, headers: [("Content-Type", "text/plain")], body: Array(body.utf8))
        guard response.status == 200 else {
            throw MotoServerError(
                description: "POST \(path) answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
    }

    /// Runs `python3 -c script` with these variables added to the current environment; output goes through
    /// files so neither stream can fill up and stall the child.
    static func runPython(_ script: String, environment: [String: String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let directory = FileManager.default.temporaryDirectory
        let stdoutFile = directory.appendingPathComponent("python-\(UUID().uuidString).out")
        let stderrFile = directory.appendingPathComponent("python-\(UUID().uuidString).err")
        defer {
            try? FileManager.default.removeItem(at: stdoutFile)
            try? FileManager.default.removeItem(at: stderrFile)
        }
        guard FileManager.default.createFile(atPath: stdoutFile.path, contents: nil),
            FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        else { throw MotoServerError(description: "cannot create output files in \(directory.path)") }
        let stdoutHandle = try FileHandle(forWritingTo: stdoutFile)
        let stderrHandle = try FileHandle(forWritingTo: stderrFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        do {
            try process.run()
        } catch {
            throw MotoServerError(description: "cannot launch python3: \(error)")
        }
        try? stdoutHandle.close()
        try? stderrHandle.close()
        process.waitUntilExit()
        let stdout = (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, stdout, stderr)
    }
}
