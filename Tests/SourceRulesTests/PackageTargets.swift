import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A target as `swift package dump-package` describes it.
struct PackageTarget: Hashable {
    /// `regular`, `executable`, `test`, ...
    var name: String
    var type: String
    /// The targets it depends on, in declaration order (products are left out: Cairn has none).
    var dependencies: [String]
    /// Its `path:`, when Package.swift gives one.
    var path: String?

    var isTest: Bool { type == "test" }
    /// Its source directory, relative to the package.
    var directory: String { path ?? (isTest ? "Tests/" : "Sources/") + name }
}

/// Reading the package's targets from `swift package dump-package`.
enum PackageTargets {
    /// A failure to read the package description, with what to do.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// How long `swift package dump-package` may take before it is stopped.
    static let dumpTimeout: DispatchTimeInterval = .seconds(120)

    /// The targets of `dump-package`'s JSON output.
    static func targets(fromDumpPackageJSON data: Data) throws -> [PackageTarget] {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let targets = root["targets"] as? [[String: Any]]
        else { throw Failure(description: "dump-package printed no \"targets\" array") }
        return try targets.map { target in
            guard let name = target["name"] as? String, let type = target["type"] as? String else {
                throw Failure(description: "a target in dump-package's output has no name or type")
            }
            let dependencies = (target["dependencies"] as? [[String: Any]] ?? []).compactMap { dependency in
                (dependency["byName"] ?? dependency["target"]).flatMap { ($0 as? [Any])?.first as? String }
            }
            return PackageTarget(name: name, type: type, dependencies: dependencies, path: target["path"] as? String)
        }
    }

    /// Runs `swift package dump-package` on `package` (with a scratch directory of its own, so it
    /// never waits for the lock of the build running these tests) and reads its targets.
    static func load(package: URL) async throws -> [PackageTarget] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-dump-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = try await run(
            ["swift", "package", "--package-path", package.path, "--scratch-path", scratch.path, "dump-package"],
            timeout: dumpTimeout)
        return try targets(fromDumpPackageJSON: output)
    }

    /// Runs `arguments` (found on PATH) and returns its standard output. Nothing blocks a thread
    /// while it runs: its exit resumes the caller, and a deadline on a dispatch queue kills it.
    /// - Throws: ``Failure`` when it exits non-zero (with its standard error) or outlives `timeout`.
    static func run(_ arguments: [String], timeout: DispatchTimeInterval) async throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Files, not pipes: a child that prints more than a pipe holds never blocks.
        let stdoutURL = directory.appendingPathComponent("stdout")
        let stderrURL = directory.appendingPathComponent("stderr")
        guard FileManager.default.createFile(atPath: stdoutURL.path, contents: nil),
            FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        else { throw Failure(description: "cannot create the output files in \(directory.path)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        let timedOut = try await waitForExit(process, timeout: timeout)
        let command = arguments.joined(separator: " ")
        if timedOut { throw Failure(description: "`\(command)` did not finish within \(timeout); it was stopped") }
        guard process.terminationStatus == 0 else {
            let errors = String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self)
            throw Failure(description: "`\(command)` exited with status \(process.terminationStatus): \(errors)")
        }
        return try Data(contentsOf: stdoutURL)
    }

    /// Starts `process` and returns once it has exited; true when it was killed at `timeout`.
    private static func waitForExit(_ process: Process, timeout: DispatchTimeInterval) async throws -> Bool {
        // Whether it has exited, and whether the deadline killed it; one lock orders the two.
        let state = Mutex((exited: false, killed: false))
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in
                state.withLock { $0.exited = true }
                continuation.resume()
            }
            do { try process.run() } catch {
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                state.withLock { state in
                    guard !state.exited else { return }
                    state.killed = true
                    kill(pid, SIGKILL)
                }
            }
        }
        return state.withLock { $0.killed }
    }
}
