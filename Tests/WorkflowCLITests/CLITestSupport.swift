import Foundation
import StrictJSON
import Testing
import WorkflowCLI

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// `Workflows/<name>.json`.
func workflowPath(_ name: String) -> String { repositoryRoot + "/Workflows/\(name).json" }

/// Every workflow file shipped in `Workflows/`, sorted.
func shippedWorkflows() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/Workflows").filter { $0.hasSuffix(".json") }
        .sorted().map { repositoryRoot + "/Workflows/" + $0 }
}

/// What one `cairn` invocation printed and returned.
struct CLIResult: CustomStringConvertible {
    var status: Int32
    var out: String
    var err: String

    var description: String { "exit \(status)\n--- stdout\n\(out)--- stderr\n\(err)" }

    /// stdout parsed as one JSON value.
    func json() throws -> JSONValue { try JSONValue(parsing: Array(out.utf8)) }
}

/// A temporary directory holding a state directory (`state`, not created up front) and scratch files.
/// Every `cairn` call passes `--state-dir` for it and runs in this process through `CairnCLI.run`.
final class Sandbox: Sendable {
    let root: String
    let stateDir: String

    init() throws {
        root = FileManager.default.temporaryDirectory.path + "/cairn-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        stateDir = root + "/state"
    }

    /// Removes the sandbox.
    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// Runs `body` with a fresh sandbox and removes it afterwards, even when `body` throws.
    static func with<T>(_ body: (Sandbox) async throws -> T) async throws -> T {
        let sandbox = try Sandbox()
        do {
            let result = try await body(sandbox)
            sandbox.remove()
            return result
        } catch {
            sandbox.remove()
            throw error
        }
    }

    /// `cairn ARGUMENTS --state-dir <state>`.
    func cairn(_ arguments: String..., terminal: Bool = false) async -> CLIResult {
        await cairn(arguments, terminal: terminal)
    }

    /// `interrupts` stand for the process's SIGINT and SIGTERM (the test raises them by hand).
    func cairn(
        _ arguments: [String], terminal: Bool = false, environment: [String: String] = [:], interrupts: Interrupts = .manual()
    ) async -> CLIResult {
        let recorder = RecordingConsole()
        let status = await CairnCLI.run(
            arguments: arguments + ["--state-dir", stateDir], environment: environment,
            console: recorder.console(isTerminal: terminal), interrupts: interrupts)
        return CLIResult(status: status, out: recorder.out, err: recorder.err)
    }

    /// Writes a scratch file and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let path = root + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `<state>/executions/<id>.history`.
    func historyPath(_ executionId: String) -> String { stateDir + "/executions/\(executionId).history" }

    /// Every file under the state directory with its bytes (nil when the directory does not exist).
    func stateTree() -> [String: Data]? {
        guard FileManager.default.fileExists(atPath: stateDir) else { return nil }
        var tree: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: stateDir)
        while let relative = enumerator?.nextObject() as? String {
            let path = stateDir + "/" + relative
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            tree[relative] = !exists || isDirectory.boolValue ? Data("<dir>".utf8) : FileManager.default.contents(atPath: path)
        }
        return tree
    }

    /// `show ID --json`, parsed.
    func showJSON(_ executionId: String) async throws -> JSONValue {
        let result = await cairn("show", executionId, "--json")
        try #require(result.status == 0, "\(result)")
        return try result.json()
    }

    /// `sim instances --json`, parsed.
    func instances() async throws -> [JSONValue] {
        let result = await cairn("sim", "instances", "--json")
        try #require(result.status == 0, "\(result)")
        return try #require(try result.json().arrayValue)
    }

    /// Polls `show ID --json` (yielding between reads) until `condition` holds for it. Used only where
    /// a test must observe a running execution. `timeout` only guards against a hang: it is generous
    /// because a loaded machine can starve every task for many seconds (the whole package's tests run
    /// in parallel), and the state is read once more after it passes.
    func waitUntil(
        _ executionId: String, timeout: Duration = .seconds(300), _ condition: (JSONValue) -> Bool
    ) async throws -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        while true {
            let expired = ContinuousClock.now >= deadline
            let result = await cairn("show", executionId, "--json")
            if result.status == 0, let value = try? result.json(), condition(value) { return value }
            if expired { throw WaitTimedOut(executionId: executionId) }
            await Task.yield()
        }
    }
}

struct WaitTimedOut: Error, CustomStringConvertible {
    var executionId: String
    var description: String { "execution \(executionId) never reached the awaited state" }
}

extension JSONValue {
    /// The `status` of every step in `show --json`.
    var stepStatuses: [String: String] {
        var statuses: [String: String] = [:]
        for step in self["steps"]?.arrayValue ?? [] {
            if let id = step["step"]?.stringValue { statuses[id] = step["status"]?.stringValue }
        }
        return statuses
    }
}

/// The `cairn:execution` tag of a `sim instances --json` element.
func executionTag(_ instance: JSONValue) -> String? { instance["tags"]?["cairn:execution"]?.stringValue }
