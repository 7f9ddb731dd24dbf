import EngineTesting
import StateDirectory
import StrictJSON
import SystemIO
import Testing
import Time

/// The on-disk protocol by which `cairn cancel` asks the engine holding the lock to cancel.
@Suite struct CancelRequestsTests {
    let fileSystem = InMemoryFileSystem()
    var requests: CancelRequests { StateDirectory(path: "/state", fileSystem: fileSystem).cancelRequests }

    static let t1 = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)
    static let t2 = Timestamp(millisecondsSinceEpoch: 1_767_225_600_001)

    @Test func nothingQueuedWhenThereIsNoRequestsDirectory() {
        #expect(requests.pending().isEmpty)
        #expect(!fileSystem.fileExists(at: "/state/requests"))
    }

    @Test func twoRequestsAreQueuedDurablyAndRemovedOneByOne() throws {
        try requests.enqueue(executionId: "a", identity: "cairn cancel (pid 1)", now: Self.t2)
        try requests.enqueue(executionId: "a", identity: "cairn cancel (pid 2)", now: Self.t1)
        try requests.enqueue(executionId: "b", identity: "cairn cancel (pid 3)", now: Self.t1)

        let forA = requests.pending(for: "a")
        #expect(forA.map(\.identity) == ["cairn cancel (pid 2)", "cairn cancel (pid 1)"], "oldest first")
        #expect(requests.pending().count == 3)
        for request in forA {
            let path = "/state/requests/" + request.fileName
            #expect(request.fileName.hasPrefix("cancel.a."))
            // Written atomically and fsynced: it survives a power loss as written.
            let durable = try #require(fileSystem.durableContents(of: path))
            let value = try JSONValue(parsing: durable)
            #expect(value["action"] == "cancel")
            #expect(value["executionId"] == "a")
            #expect(value["identity"]?.stringValue == request.identity)
        }

        requests.remove(forA[0])
        #expect(requests.pending(for: "a").map(\.identity) == ["cairn cancel (pid 1)"])
        requests.remove(forA[1])
        #expect(requests.pending(for: "a").isEmpty)
        #expect(requests.pending().map(\.executionId) == ["b"])
    }

    @Test func aMalformedRequestIsIgnoredAndLeftInPlace() throws {
        try requests.enqueue(executionId: "a", identity: "cairn cancel", now: Self.t1)
        let malformed = [
            "cancel.a.1.2.json": "not json", "cancel.a.3.4.json": #"{"action":"cancel"}"#,
            "other.a.json": #"{"executionId":"a"}"#,
        ]
        for (name, text) in malformed { fileSystem.setContents(of: "/state/requests/" + name, to: Array(text.utf8)) }
        #expect(requests.pending().map(\.executionId) == ["a"])
        for name in malformed.keys { #expect(fileSystem.fileExists(at: "/state/requests/" + name)) }
    }

    @Test func aRequestWithoutIdentityIsStillApplied() throws {
        try fileSystem.createDirectory(at: "/state/requests")
        fileSystem.setContents(of: "/state/requests/cancel.a.1.2.json", to: Array(#"{"executionId":"a"}"#.utf8))
        #expect(requests.pending(for: "a").map(\.identity) == ["cairn cancel"])
    }

    @Test func aRequestThatCannotBeWrittenIsAnIOError() throws {
        try fileSystem.createDirectory(at: "/state")
        fileSystem.setContents(of: "/state/requests", to: [1])
        let error = try #require(throws: StateDirectoryError.self) {
            try requests.enqueue(executionId: "a", identity: "cairn cancel", now: Self.t1)
        }
        #expect(error.code == .io)
        #expect(error.message.contains("/state/requests"))
        #expect(error.cause is SystemError)
    }
}
