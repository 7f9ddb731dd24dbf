import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What a URLSession call returned, flattened for assertions.
struct ClientResponse {
    let status: Int
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// A header value, looked up case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// One URLSession per test: its connection pool is the test's own, so keep-alive is observable, and it is
/// invalidated when the test ends.
final class TestClient: Sendable {
    let session: URLSession

    /// A session whose requests give up after `timeout` seconds without progress.
    init(timeout: TimeInterval = 30) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    /// Sends one request and waits for its answer.
    func send(
        _ url: URL, method: String = "POST", headers: [String: String] = [:], body: Data? = nil, bodyStream: InputStream? = nil
    ) async throws -> ClientResponse {
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let bodyStream {
            request.httpBodyStream = bodyStream
        } else {
            request.httpBody = body
        }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var flattened: [String: String] = [:]
        for (key, value) in http.allHeaderFields { flattened["\(key)"] = "\(value)" }
        return ClientResponse(status: http.statusCode, headers: flattened, body: data)
    }
}
