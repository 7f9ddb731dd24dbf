#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A socket call failed; `operation` names the call and `code` is its `errno`.
public struct SocketError: Error, CustomStringConvertible {
    /// The system call that failed (`socket`, `bind`, `connect`, …).
    public let operation: String
    /// The `errno` it left.
    public let code: Int32

    /// Captures `errno` for `operation`.
    init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    /// The call and the system's text for the error.
    public var description: String { "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))" }
}

/// Thin wrappers over the BSD socket calls the stand-in and its upstream client need.
///
/// Everything is IPv4 on the loopback interface: tests must not listen on, or talk to, anything else.
enum Sockets {
    #if canImport(Glibc)
        /// Writes to a peer that has gone must fail with EPIPE, not raise SIGPIPE and kill the test process.
        private static let sendFlags = Int32(MSG_NOSIGNAL)
        private static let streamType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    #else
        private static let sendFlags: Int32 = 0
        private static let streamType = SOCK_STREAM
    #endif

    /// A stream socket that child processes (moto, boto3 helpers) do not inherit: an inherited
    /// listening socket would keep a stopped server's port accepting.
    private static func makeStreamSocket() throws -> Int32 {
        let fd = socket(AF_INET, streamType, 0)
        guard fd >= 0 else { throw SocketError("socket") }
        #if canImport(Darwin)
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        #endif
        return fd
    }

    /// The sockaddr for `host:port`; only IPv4 literals and `localhost` are accepted.
    private static func address(host: String, port: Int) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
        let literal = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, literal, &address.sin_addr) == 1 else {
            throw SocketError("inet_pton(\(host))", code: EINVAL)
        }
        return address
    }

    /// Binds a listening socket to 127.0.0.1 on a port the kernel picks; returns the descriptor and the port.
    static func listenOnLoopback(backlog: Int32 = 64) throws -> (fd: Int32, port: Int) {
        let fd = try makeStreamSocket()
        do {
            var address = try address(host: "127.0.0.1", port: 0)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw SocketError("bind") }
            guard listen(fd, backlog) == 0 else { throw SocketError("listen") }
            // Non-blocking so a connection the peer abandons between poll and accept cannot block the
            // accept thread past stop().
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var actual = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &actual) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard named == 0 else { throw SocketError("getsockname") }
            return (fd, Int(UInt16(bigEndian: actual.sin_port)))
        } catch {
            close(fd)
            throw error
        }
    }

    /// What one `accept` on a non-blocking listener gave.
    enum AcceptResult {
        /// A new connection, blocking and close-on-exec.
        case connection(Int32)
        /// Nothing to accept right now (the peer gave up between poll and accept).
        case nothingPending
        /// The listener is broken or closed.
        case failed
    }

    /// Accepts one connection from a non-blocking listener, retrying on EINTR.
    static func accept(_ listener: Int32) -> AcceptResult {
        while true {
            // accept4(SOCK_CLOEXEC) is a GNU extension the Glibc module does not export; the window between
            // accept and fcntl only matters if a child is spawned in it, and such a child exits on its own.
            let fd = systemAccept(listener)
            if fd >= 0 {
                #if canImport(Darwin)
                    var one: Int32 = 1
                    _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
                #endif
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                // Linux does not pass O_NONBLOCK from the listener to the accepted socket, BSDs do.
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
                return .connection(fd)
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK, ECONNABORTED: return .nothingPending
            default: return .failed
            }
        }
    }

    /// A blocking connection to `host:port`.
    static func connect(host: String, port: Int) throws -> Int32 {
        let fd = try makeStreamSocket()
        do {
            var address = try address(host: host, port: port)
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else { throw SocketError("connect to \(host):\(port)") }
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    /// Writes all of `bytes`; false when the peer is gone.
    @discardableResult
    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                systemSend(fd, buffer.baseAddress! + offset, buffer.count - offset, sendFlags)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Reads what is available (blocking until something is); nil at end of stream or on error.
    static func receive(_ fd: Int32, maximum: Int = 65_536) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRecv(fd, $0.baseAddress!, maximum, 0) }
            if count > 0 { return Array(buffer[0..<count]) }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// Wakes every thread blocked reading or writing `fd` (they see end of stream) without releasing the
    /// descriptor number, so it cannot be reused under the owning thread's feet.
    static func shutdownBoth(_ fd: Int32) {
        _ = shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Releases the descriptor.
    static func close(_ fd: Int32) {
        _ = systemClose(fd)
    }

    /// A pipe whose ends are not inherited by child processes: the read end wakes a poll, the write end signals.
    static func makeWakePipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw SocketError("pipe") }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        return (ends[0], ends[1])
    }

    /// Writes one byte to a wake pipe.
    static func signal(_ wakeWrite: Int32) {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// Blocks until `fd` is readable or `wake` (the read end of a pipe) is; true when `fd` is the ready one.
    static func waitReadable(_ fd: Int32, orWake wake: Int32) -> Bool {
        var descriptors = [
            pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let result = poll(&descriptors, nfds_t(descriptors.count), -1)
            if result < 0 && errno == EINTR { continue }
            if result < 0 { return false }
            if descriptors[1].revents != 0 { return false }
            return descriptors[0].revents != 0
        }
    }
}

// The wrappers above are named like the system calls; these aliases reach the system ones.
private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}

private func systemAccept(_ listener: Int32) -> Int32 {
    accept(listener, nil, nil)
}

private func systemSend(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int, _ flags: Int32) -> Int {
    send(fd, pointer, count, flags)
}

private func systemRecv(_ fd: Int32, _ pointer: UnsafeMutableRawPointer, _ count: Int, _ flags: Int32) -> Int {
    recv(fd, pointer, count, flags)
}

private func systemClose(_ fd: Int32) -> Int32 {
    close(fd)
}
