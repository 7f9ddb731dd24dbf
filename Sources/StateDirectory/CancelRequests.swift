import StrictJSON
import SystemIO
public import Time

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Cancel requests queued on disk by a process that cannot take the lock (`cairn cancel` while an
/// engine runs); the engine holding the lock applies and removes them.
///
/// Each request is one file, `requests/cancel.<executionId>.<milliseconds>.<pid>.json`, holding
/// `{"action":"cancel","executionId":…,"identity":…}`, written atomically: a reader sees a whole
/// request or none. Files it cannot read as a request are ignored and left in place.
public struct CancelRequests: Sendable {
    /// One queued request.
    public struct Request: Sendable, Hashable {
        /// The execution to cancel.
        public var executionId: String
        /// Who asked, recorded in `WorkflowExecutionCancelRequested`.
        public var identity: String
        /// The request's file name in `requests/`.
        public var fileName: String
    }

    /// The state directory the requests live in.
    public let directory: StateDirectory

    /// The identity of a request whose file records none.
    static let defaultIdentity = "cairn cancel"

    /// Queues a request durably; `now` orders it among the others.
    /// - Throws: `state.io` when the request cannot be written.
    public func enqueue(executionId: String, identity: String, now: Timestamp) throws(StateDirectoryError) {
        let fileSystem = directory.fileSystem
        let requestsPath = directory.requestsPath
        let name = "cancel.\(executionId).\(now.millisecondsSinceEpoch).\(getpid()).json"
        let body: JSONValue = ["action": "cancel", "executionId": .string(executionId), "identity": .string(identity)]
        do {
            if !fileSystem.directoryExists(at: requestsPath) { try fileSystem.createDirectory(at: requestsPath) }
            try fileSystem.replaceFile(at: requestsPath + "/" + name, contents: body.canonicalBytes() + [10])
        } catch {
            throw StateDirectoryError(
                code: .io, message: "cannot queue the cancel request for \(executionId) in \(requestsPath)", cause: error)
        }
    }

    /// The requests waiting, for every execution, in file-name order (for one execution: oldest first).
    public func pending() -> [Request] {
        let fileSystem = directory.fileSystem
        let requestsPath = directory.requestsPath
        guard fileSystem.directoryExists(at: requestsPath), let names = try? fileSystem.listDirectory(at: requestsPath)
        else { return [] }
        return names.filter { $0.hasPrefix("cancel.") && $0.hasSuffix(".json") }.compactMap { name in
            guard let bytes = try? fileSystem.readFile(at: requestsPath + "/" + name),
                let value = try? JSONValue(parsing: bytes),
                let executionId = value["executionId"]?.stringValue
            else { return nil }
            return Request(executionId: executionId, identity: value["identity"]?.stringValue ?? Self.defaultIdentity, fileName: name)
        }
    }

    /// The requests waiting for `executionId`, oldest first.
    public func pending(for executionId: String) -> [Request] {
        pending().filter { $0.executionId == executionId }
    }

    /// Removes a request once it is applied (or has nothing left to do). Best effort: a request
    /// that cannot be removed is seen again by the next reader.
    public func remove(_ request: Request) {
        try? directory.fileSystem.removeFile(at: directory.requestsPath + "/" + request.fileName)
    }
}

extension StateDirectory {
    /// The cancel requests queued in this directory.
    public var cancelRequests: CancelRequests { CancelRequests(directory: self) }
}
