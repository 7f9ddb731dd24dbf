import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP request, fully formed and signed.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`.
    public var method: String
    /// The absolute URL.
    public var url: URL
    /// Headers in the order they were added.
    public var headers: [(name: String, value: String)]
    /// The body bytes, sent exactly.
    public var body: [UInt8]

    /// Makes a request.
    public init(method: String, url: URL, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Headers with lowercase names.
    public var headers: [String: String]
    /// The body bytes.
    public var body: [UInt8]

    /// Makes a response.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A request that got no HTTP answer: refused, reset, timed out, or the connection dropped before the
/// response arrived. The request may or may not have taken effect. The AWS clients report it as the
/// RDS error `ConnectionError`, with this message.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// A stable code (`transport.noAnswer`, ...): it appears unchanged in docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case noAnswer = "transport.noAnswer"
            case notHTTP = "transport.notHTTP"
        }
        fileprivate let value: Value

        /// No answer arrived: the connection was refused, reset or timed out.
        public static let noAnswer = Code(value: .noAnswer)
        /// Something answered, but not with HTTP.
        public static let notHTTP = Code(value: .notHTTP)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What kind of failure.
    public var code: Code
    /// What went wrong, from the networking layer.
    public var message: String
    /// The networking layer's error (a `URLError`), kept as a value.
    public var cause: (any Error & Sendable)?

    /// Makes an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The message (the clients add the call and the host).
    public var description: String { message }
}

/// Sends HTTP requests. The real one uses URLSession; tests send through a loopback stand-in.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the answer, whatever its status.
    /// - Throws: ``TransportError`` when no answer arrived; `CancellationError` when cancelled.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// URLSession over FoundationNetworking (libcurl on Linux): no caches, no cookies, a timeout per
/// request, and a fresh connection per request.
///
/// Why no keep-alive: when a reused connection drops, libcurl resends the request on a new one, but
/// URLSession on Linux cannot rewind the body, so the resend carries headers and no body and the call
/// hangs until its timeout. With `Connection: close` a lost answer is an immediate error that the
/// retry policy handles. Cairn's calls are seconds apart, so the extra handshakes cost nothing.
public final class URLSessionTransport: HTTPTransport {
    /// Seconds a request may wait for its answer before it counts as lost.
    public static let requestTimeoutSeconds: TimeInterval = 60

    private let session: URLSession

    /// Makes a transport with its own ephemeral session.
    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = Self.requestTimeoutSeconds
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    /// Sends the request with URLSession.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, timeoutInterval: Self.requestTimeoutSeconds)
        urlRequest.httpMethod = request.method
        for header in request.headers where header.name.lowercased() != "host" {
            // URLSession derives Host from the URL; the signer signed that same value.
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        urlRequest.setValue("close", forHTTPHeaderField: "Connection")
        if !request.body.isEmpty || request.method == "POST" { urlRequest.httpBody = Data(request.body) }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch let error as URLError where error.code == .cancelled {
            throw CancellationError()
        } catch {
            try Task.checkCancellation()
            throw TransportError(code: .noAnswer, message: Self.describe(error), cause: error)
        }
        guard let http = response as? HTTPURLResponse else {
            throw TransportError(code: .notHTTP, message: "the answer from \(request.url.host ?? "the endpoint") was not HTTP")
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: Array(data))
    }

    private static func describe(_ error: any Error) -> String {
        if let urlError = error as? URLError {
            return "\(urlError.localizedDescription) (URLError \(urlError.code.rawValue))"
        }
        return String(describing: error)
    }
}
