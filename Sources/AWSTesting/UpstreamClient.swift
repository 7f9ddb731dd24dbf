import Foundation

/// A minimal, synchronous HTTP/1.1 client: one request per connection, `Connection: close`.
///
/// The stand-in forwards with it instead of URLSession so relaying stays on the serving thread, keeps the
/// request bytes under our control (method, target and headers exactly as received), and adds no dependency.
enum UpstreamClient {
    /// Sends one request to `host:port` and reads the whole response.
    ///
    /// `register` is called with the connected socket before anything is sent and `unregister` after it is
    /// closed, so a stopping server can wake a relay blocked on a slow upstream.
    static func send(
        host: String, port: Int, method: String, target: String, headers: [(name: String, value: String)], body: [UInt8],
        register: (Int32) -> Bool = { _ in true }, unregister: (Int32) -> Void = { _ in }
    ) throws -> HTTPResponseMessage {
        let fd = try Sockets.connect(host: host, port: port)
        defer {
            unregister(fd)
            Sockets.close(fd)
        }
        guard register(fd) else { throw HTTPParseError(description: "the stand-in is stopping") }

        // The framing is ours: the body was already de-chunked and any 100-continue handshake is done.
        var outgoing = headers.filter { !HTTPWire.connectionAndFraming.contains($0.name.lowercased()) }
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method.uppercased()) {
            outgoing.append(("Content-Length", String(body.count)))
        }
        outgoing.append(("Connection", "close"))
        guard Sockets.send(fd, HTTPWire.head(startLine: "\(method) \(target) HTTP/1.1", headers: outgoing) + body) else {
            throw HTTPParseError(description: "upstream \(host):\(port) closed while the request was sent")
        }
        return try readResponse(HTTPStreamReader(fd: fd), requestMethod: method)
    }

    /// Reads one response, skipping interim 1xx responses (werkzeug answers `Expect: 100-continue` itself).
    static func readResponse(_ reader: HTTPStreamReader, requestMethod: String) throws -> HTTPResponseMessage {
        while true {
            guard let statusLine = try reader.readLine() else { throw HTTPParseError(description: "upstream sent no response") }
            let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
                throw HTTPParseError(description: "bad status line: \(statusLine)")
            }
            guard let headers = try reader.readHeaders() else {
                throw HTTPParseError(description: "upstream closed inside the response headers")
            }
            if (100..<200).contains(status) && status != 101 { continue }
            let reason = parts.count > 2 ? String(parts[2]) : HTTPWire.reason(for: status)
            let body: [UInt8]
            if requestMethod.uppercased() == "HEAD" || status == 204 || status == 304 {
                body = []
            } else if headers.containsToken("chunked", in: "Transfer-Encoding") {
                body = try reader.readChunkedBody()
            } else if let length = headers.first("Content-Length").flatMap({ Int($0.trimmingOWS()) }) {
                body = try reader.readExactly(length)
            } else {
                body = reader.readToEnd()
            }
            return HTTPResponseMessage(status: status, reason: reason, headers: headers, body: body)
        }
    }

    /// Splits `http://host:port` into its parts; only plain HTTP to an IPv4 literal or `localhost` is supported.
    static func hostAndPort(of url: URL) throws -> (host: String, port: Int) {
        guard url.scheme?.lowercased() == "http", let host = url.host else {
            throw HTTPParseError(description: "upstream must be http://127.0.0.1:PORT, got \(url.absoluteString)")
        }
        return (host, url.port ?? 80)
    }

    /// A one-shot request to `url` (path and query taken from it), for control calls such as moto's reset.
    static func request(
        _ method: String, _ url: URL, headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) throws -> HTTPResponseMessage {
        let (host, port) = try hostAndPort(of: url)
        var target = url.path.isEmpty ? "/" : url.path
        if let query = url.query { target += "?" + query }
        let hostHeader = url.port.map { "\(host):\($0)" } ?? host
        return try send(host: host, port: port, method: method, target: target, headers: [("Host", hostHeader)] + headers, body: body)
    }
}
