import Foundation

/// Runs `body`, which blocks (a process to start, a pipe to read), on a thread of its own and
/// returns its result to the caller's task.
///
/// Swift's cooperative pool has one thread per core (two on CI): a test that blocks one for seconds
/// while moto starts stalls every other test, and tests with a time limit then fail for nothing.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

extension MotoServer {
    /// ``start()`` off the cooperative pool: moto takes seconds to import.
    public static func start() async throws -> MotoServer {
        try await offThePool { try MotoServer.start() }
    }

    /// ``boto3(_:environment:)`` off the cooperative pool: each script starts a Python process.
    public func boto3(_ script: String, environment: [String: String] = [:]) async throws -> String {
        try await offThePool { try self.boto3(script, environment: environment) }
    }

    /// ``reset()`` off the cooperative pool.
    public func reset() async throws {
        try await offThePool { try self.reset() }
    }

    /// ``enableSignatureChecking()`` off the cooperative pool.
    public func enableSignatureChecking() async throws -> (accessKeyId: String, secretAccessKey: String) {
        let key = try await offThePool { () throws -> [String] in
            let key = try self.enableSignatureChecking()
            return [key.accessKeyId, key.secretAccessKey]
        }
        return (key[0], key[1])
    }

    /// ``disableSignatureChecking()`` off the cooperative pool.
    public func disableSignatureChecking() async throws {
        try await offThePool { try self.disableSignatureChecking() }
    }
}
