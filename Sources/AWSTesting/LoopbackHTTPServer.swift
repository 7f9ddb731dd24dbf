import Dispatch
import Foundation
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 that records every request and lets a handler decide each answer:
/// respond, drop the connection, or relay to an upstream such as moto.
///
/// One thread accepts and one thread serves each connection, with keep-alive, so a client's connection
/// reuse is exercised as it would be against AWS. Call ``stop()`` (or drop the last reference) to close
/// everything; stopping does not wait for idle clients to hang up.
public final class LoopbackHTTPServer: Sendable {
    /// The port the kernel chose.
    public let port: Int
    private let core: ServerCore

    /// Starts listening on 127.0.0.1 on a free port; `handler` is asked, on a connection's thread, what to do
    /// with each request.
    ///
    /// The socket is listening when this returns, so clients can connect at once. With `keepAlive` false every
    /// answer carries `Connection: close` and the connection is closed after it, so each request arrives on a
    /// fresh connection (libcurl handles a lost response on a reused connection differently; see the tests).
    public init(keepAlive: Bool = true, handler: @escaping @Sendable (RecordedRequest) -> StandInAction) throws {
        let (fd, port) = try Sockets.listenOnLoopback()
        self.port = port
        do {
            core = try ServerCore(listener: fd, keepAlive: keepAlive, handler: handler)
        } catch {
            Sockets.close(fd)
            throw error
        }
        core.start()
    }

    /// Starts a server that answers from `script`.
    public convenience init(keepAlive: Bool = true, script: ScriptedResponses) throws {
        try self.init(keepAlive: keepAlive, handler: script.handler)
    }

    /// Starts a server that relays every request to `upstream`.
    public convenience init(keepAlive: Bool = true, forwardingTo upstream: URL) throws {
        try self.init(keepAlive: keepAlive, handler: { _ in .forward(to: upstream) })
    }

    deinit { core.stop() }

    /// `http://127.0.0.1:PORT`, with no trailing slash.
    public var baseURL: URL { URL(string: endpoint)! }

    /// `http://127.0.0.1:PORT` as a string.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far, in the order their bodies were read.
    public var requests: [RecordedRequest] { core.state.withLock { $0.requests } }

    /// How many connections were accepted so far.
    public var connectionCount: Int { core.state.withLock { $0.nextConnectionNumber } }

    /// Returns once at least `count` requests have been read in total (or the server stopped), so a test can
    /// act while a request is in the handler's hands without sleeping.
    public func waitForRequests(count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = core.state.withLock { state -> Bool in
                if state.stopping || state.requests.count + state.forgottenRequests >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Forgets the recorded requests (connection numbering continues).
    public func clearRequests() {
        core.state.withLock { state in
            state.forgottenRequests += state.requests.count
            state.requests.removeAll()
        }
    }

    /// Closes the listening socket and every connection, and returns once all server threads have finished.
    ///
    /// Idempotent. Idle and in-flight connections, relays included, are cut at once; a handler that is still
    /// running is waited for, so this must not be called from inside a handler.
    public func stop() { core.stop() }
}

/// The state the server's threads share; separate from ``LoopbackHTTPServer`` so the threads do not keep
/// the server alive and its `deinit` can stop them.
private final class ServerCore: Sendable {
    struct State {
        var stopping = false
        var closed = false
        /// Sockets a stop must wake: client connections and relays in flight to upstreams.
        var openSockets: Set<Int32> = []
        var requests: [RecordedRequest] = []
        /// Requests cleared by `clearRequests`, still counted by `waitForRequests`.
        var forgottenRequests = 0
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var nextConnectionNumber = 0
    }

    let listener: Int32
    let keepAlive: Bool
    let wake: (read: Int32, write: Int32)
    let handler: @Sendable (RecordedRequest) -> StandInAction
    let state = Mutex(State())
    /// Entered once for the accept thread and once per connection thread; `stop` waits for it to empty.
    let threads = DispatchGroup()

    init(listener: Int32, keepAlive: Bool, handler: @escaping @Sendable (RecordedRequest) -> StandInAction) throws {
        self.listener = listener
        self.keepAlive = keepAlive
        self.handler = handler
        wake = try Sockets.makeWakePipe()
    }

    func start() {
        threads.enter()
        let thread = Thread { [self] in
            acceptLoop()
            threads.leave()
        }
        thread.name = "LoopbackHTTPServer accept"
        thread.start()
    }

    func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopping = true }
            guard !state.stopping else { return false }
            // shutdown() under the lock: a serving thread removes its socket here before closing it, so the
            // descriptor cannot be closed and reused between our snapshot and the call.
            for fd in state.openSockets { Sockets.shutdownBoth(fd) }
            return true
        }
        resumeWaiters()
        if first { Sockets.signal(wake.write) }
        threads.wait()
        let closeNow = state.withLock { state -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        if closeNow {
            Sockets.close(listener)
            Sockets.close(wake.read)
            Sockets.close(wake.write)
        }
    }

    /// Resumes the `waitForRequests` callers whose count is reached, or all of them once stopping.
    private func resumeWaiters() {
        let due = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            let total = state.requests.count + state.forgottenRequests
            let due = state.waiters.filter { state.stopping || $0.count <= total }
            state.waiters.removeAll { state.stopping || $0.count <= total }
            return due.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    /// Registers a socket for waking by `stop`; false (and nothing registered) when stopping already began.
    func register(_ fd: Int32) -> Bool {
        state.withLock { state in
            guard !state.stopping else { return false }
            state.openSockets.insert(fd)
            return true
        }
    }

    func unregister(_ fd: Int32) {
        _ = state.withLock { $0.openSockets.remove(fd) }
    }

    private func acceptLoop() {
        while Sockets.waitReadable(listener, orWake: wake.read) {
            switch Sockets.accept(listener) {
            case .failed: return
            case .nothingPending: continue
            case .connection(let fd):
                let number = state.withLock { state -> Int? in
                    guard !state.stopping else { return nil }
                    state.openSockets.insert(fd)
                    defer { state.nextConnectionNumber += 1 }
                    return state.nextConnectionNumber
                }
                guard let number else {
                    Sockets.close(fd)
                    return
                }
                threads.enter()
                let thread = Thread { [self] in
                    serve(fd, connectionNumber: number)
                    unregister(fd)
                    Sockets.close(fd)
                    threads.leave()
                }
                thread.name = "LoopbackHTTPServer connection \(number)"
                thread.start()
            }
        }
    }

    /// Serves requests on one connection until the client closes it, an action closes it, or `stop` wakes it.
    private func serve(_ fd: Int32, connectionNumber: Int) {
        let reader = HTTPStreamReader(fd: fd)
        var index = 0
        while true {
            let request: RecordedRequest
            do {
                guard let read = try readRequest(reader, fd: fd, connectionNumber: connectionNumber, index: index) else { return }
                request = read
            } catch {
                respond(fd, status: 400, headers: [("Content-Type", "text/plain"), ("Connection", "close")], body: Array("\(error)".utf8))
                return
            }
            index += 1
            state.withLock { $0.requests.append(request) }
            resumeWaiters()

            let keepOpen: Bool
            switch handler(request) {
            case .respond(let status, let headers, let body):
                let named = headers.map { (name: $0.0, value: $0.1) }
                respond(fd, status: status, headers: named, body: body)
                keepOpen = !named.containsToken("close", in: "Connection")
            case .closeWithoutResponse:
                keepOpen = false
            case .forward(let upstream):
                let answer = relay(request, to: upstream)
                let headers = answer.headers.filter { !HTTPWire.connectionAndFraming.contains($0.name.lowercased()) }
                respond(fd, status: answer.status, reason: answer.reason, headers: headers, body: answer.body)
                keepOpen = true
            case .forwardThenClose(let upstream):
                _ = relay(request, to: upstream)
                keepOpen = false
            }
            if !keepOpen || !keepAlive || !clientKeepsAlive(request) { return }
        }
    }

    /// Reads one request; nil when the client closed (or `stop` woke us) between requests.
    private func readRequest(_ reader: HTTPStreamReader, fd: Int32, connectionNumber: Int, index: Int) throws -> RecordedRequest? {
        var requestLine: String
        repeat {
            // RFC 9112 §2.2: ignore empty lines before a request line.
            guard let line = try reader.readLine() else { return nil }
            requestLine = line
        } while requestLine.isEmpty
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/") else {
            throw HTTPParseError(description: "bad request line: \(requestLine)")
        }
        guard let headers = try reader.readHeaders() else { return nil }
        let version = String(parts[2])

        // URLSession on Linux never sends `Expect: 100-continue`, but curl, botocore and others may, and then
        // wait (curl up to a second) for this interim answer before sending the body.
        if version == "HTTP/1.1" && headers.first("Expect")?.lowercased() == "100-continue" {
            Sockets.send(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        let body: [UInt8]
        if headers.containsToken("chunked", in: "Transfer-Encoding") {
            body = try reader.readChunkedBody()
        } else if let lengthText = headers.first("Content-Length") {
            guard let length = Int(lengthText.trimmingOWS()), length >= 0 else {
                throw HTTPParseError(description: "bad Content-Length: \(lengthText)")
            }
            body = try reader.readExactly(length)
        } else {
            body = []
        }
        return RecordedRequest(
            method: String(parts[0]), path: String(parts[1]), version: version, headers: headers, body: body,
            connectionNumber: connectionNumber, indexOnConnection: index)
    }

    /// Whether the client asked to keep the connection (HTTP/1.1 unless `Connection: close`; 1.0 only if asked).
    private func clientKeepsAlive(_ request: RecordedRequest) -> Bool {
        if request.headers.containsToken("close", in: "Connection") { return false }
        return request.version != "HTTP/1.0" || request.headers.containsToken("keep-alive", in: "Connection")
    }

    private func respond(_ fd: Int32, status: Int, reason: String? = nil, headers: [(name: String, value: String)], body: [UInt8]) {
        var headers = headers
        if headers.first("Content-Length") == nil {
            headers.append(("Content-Length", String(body.count)))
        }
        if !keepAlive && !headers.containsToken("close", in: "Connection") {
            headers.append(("Connection", "close"))
        }
        let head = HTTPWire.head(startLine: "HTTP/1.1 \(status) \(reason ?? HTTPWire.reason(for: status))", headers: headers)
        Sockets.send(fd, head + body)
    }

    /// Sends `request` to `upstream` and returns its answer, or a 502 that says why the relay failed.
    private func relay(_ request: RecordedRequest, to upstream: URL) -> HTTPResponseMessage {
        do {
            let (host, port) = try UpstreamClient.hostAndPort(of: upstream)
            return try UpstreamClient.send(
                host: host, port: port, method: request.method, target: request.path, headers: request.headers, body: request.body,
                register: register, unregister: unregister)
        } catch {
            let text = "stand-in could not relay to \(upstream.absoluteString): \(error)"
            return HTTPResponseMessage(
                status: 502, reason: "Bad Gateway", headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
        }
    }
}
