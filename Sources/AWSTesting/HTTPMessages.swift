/// One HTTP request as the stand-in received it.
public struct RecordedRequest: Sendable {
    /// The request method, as sent (`POST`).
    public let method: String
    /// The request target, as sent (`/` or `/moto-api/reset?x=1`).
    public let path: String
    /// The protocol version from the request line (`HTTP/1.1`).
    public let version: String
    /// Every header field in the order received, names spelled as sent.
    public let headers: [(name: String, value: String)]
    /// The body after any chunked transfer coding was removed.
    public let body: [UInt8]
    /// Which accepted connection carried the request, counting from 0; equal numbers mean one connection.
    public let connectionNumber: Int
    /// The position of the request on its connection, counting from 0.
    public let indexOnConnection: Int

    /// Creates a request record.
    public init(
        method: String, path: String, version: String = "HTTP/1.1", headers: [(name: String, value: String)], body: [UInt8],
        connectionNumber: Int = 0, indexOnConnection: Int = 0
    ) {
        self.method = method
        self.path = path
        self.version = version
        self.headers = headers
        self.body = body
        self.connectionNumber = connectionNumber
        self.indexOnConnection = indexOnConnection
    }

    /// The first value of the header called `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of the header called `name`, in order, compared case-insensitively.
    public func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The body decoded as UTF-8 (invalid sequences repaired).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The Query API `Action` parameter from a form-encoded body (`DescribeDBInstances`), if any.
    public var queryAction: String? {
        for pair in bodyText.split(separator: "&") where pair.hasPrefix("Action=") {
            return String(pair.dropFirst("Action=".count))
        }
        return nil
    }
}

/// A complete HTTP response, as read from an upstream.
struct HTTPResponseMessage: Sendable {
    var status: Int
    var reason: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
}

/// A malformed message or a stream that ended inside one.
struct HTTPParseError: Error, CustomStringConvertible {
    let description: String
}

/// Buffered reading of HTTP/1.1 framing (lines, fixed-length and chunked bodies) from a socket.
///
/// Not thread-safe: one reader belongs to the thread serving one connection.
final class HTTPStreamReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// Bounds a header section or a chunk-size line, so a broken peer cannot grow memory without limit.
    private let maximumLineLength = 64 * 1024

    init(fd: Int32) { self.fd = fd }

    /// Whether bytes are buffered that no message has consumed yet.
    var hasBufferedBytes: Bool { start < buffer.count }

    /// Reads more bytes into the buffer; false at end of stream.
    private func fill() -> Bool {
        guard let bytes = Sockets.receive(fd) else { return false }
        if start > 0 && (start == buffer.count || start >= 65_536) {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
        return true
    }

    /// The next line without its CRLF (a bare LF is accepted too); nil when the stream ends first.
    func readLine() throws -> String? {
        // Counted from `start`, because `fill` may move the unread bytes to the front of the buffer.
        var scanned = 0
        while true {
            if let newline = buffer[(start + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                return line
            }
            scanned = buffer.count - start
            guard scanned <= maximumLineLength else { throw HTTPParseError(description: "line too long") }
            guard fill() else { return nil }
        }
    }

    /// Exactly `count` bytes; throws when the stream ends first.
    func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count - start < count {
            guard fill() else { throw HTTPParseError(description: "stream ended inside a body") }
        }
        let bytes = Array(buffer[start..<(start + count)])
        start += count
        return bytes
    }

    /// Everything until the peer closes.
    func readToEnd() -> [UInt8] {
        while fill() {}
        let bytes = Array(buffer[start...])
        start = buffer.count
        return bytes
    }

    /// Header fields up to the blank line; nil when the stream ends first.
    func readHeaders() throws -> [(name: String, value: String)]? {
        var headers: [(name: String, value: String)] = []
        while true {
            guard let line = try readLine() else { return nil }
            if line.isEmpty { return headers }
            guard let colon = line.firstIndex(of: ":") else { throw HTTPParseError(description: "header without colon: \(line)") }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingOWS()
            headers.append((name, value))
        }
    }

    /// A body in chunked transfer coding, trailers skipped.
    func readChunkedBody() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            guard let sizeLine = try readLine() else { throw HTTPParseError(description: "stream ended inside chunked body") }
            let digits = sizeLine.prefix { $0 != ";" }.trimmingOWS()
            guard let size = Int(digits, radix: 16), size >= 0 else {
                throw HTTPParseError(description: "bad chunk size: \(sizeLine)")
            }
            if size == 0 {
                _ = try readHeaders()  // Trailer fields: nothing here needs them.
                return body
            }
            body += try readExactly(size)
            guard try readLine() == "" else { throw HTTPParseError(description: "chunk not followed by CRLF") }
        }
    }
}

extension StringProtocol {
    /// Drops the optional whitespace (spaces and tabs) HTTP allows around field values.
    func trimmingOWS() -> String {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isOWS($0) }) else { return "" }
        let last = lastIndex(where: { !isOWS($0) })!
        return String(self[first...last])
    }
}

/// Header helpers over ordered `(name, value)` lists.
extension Array where Element == (name: String, value: String) {
    /// The first value of `name`, compared case-insensitively.
    func first(_ name: String) -> String? {
        first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Whether the comma-separated values of `name` include `token` (case-insensitive), as in `Connection: close`.
    func containsToken(_ token: String, in name: String) -> Bool {
        filter { $0.name.lowercased() == name.lowercased() }
            .flatMap { $0.value.split(separator: ",") }
            .contains { $0.trimmingOWS().lowercased() == token.lowercased() }
    }
}

/// HTTP/1.1 serialization and reason phrases.
enum HTTPWire {
    /// The bytes of a message head: start line, header lines, blank line.
    static func head(startLine: String, headers: [(name: String, value: String)]) -> [UInt8] {
        var text = startLine + "\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// The standard reason phrase for `status`, or a generic one.
    static func reason(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: status < 400 ? "Status \(status)" : "Error \(status)"
        }
    }

    /// Headers that describe one hop's connection or framing rather than the message; a relay writes its own.
    static let connectionAndFraming: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "expect",
        "content-length",
    ]
}
