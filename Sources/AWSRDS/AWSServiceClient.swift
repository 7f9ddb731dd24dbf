import AWSConfiguration
public import AWSSigning
import Foundation
public import RDSCore
public import Time

/// Where an AWS service answers in a region: `https://rds.us-east-1.amazonaws.com/`, or one endpoint
/// for every region when `AWS_ENDPOINT_URL_RDS` (or the like) points at an emulator such as moto.
public struct AWSEndpointResolver: Sendable {
    /// The service's endpoint prefix, e.g. `rds`, `secretsmanager`.
    public var endpointPrefix: String
    /// An endpoint that replaces the regional ones, when configured.
    public var override: URL?

    /// Makes a resolver.
    public init(endpointPrefix: String, override: URL? = nil) {
        self.endpointPrefix = endpointPrefix
        self.override = override
    }

    /// The endpoint for `region`.
    public func url(for region: String) -> URL {
        if let override { return override }
        // Regions come from workflow inputs validated as lowercase letters, digits and hyphens, so this parses.
        let regional = AWSConfigurationResolver.defaultEndpoint(endpointPrefix: endpointPrefix, region: region) + "/"
        return URL(string: regional) ?? URL(fileURLWithPath: "/")
    }

    /// The `Host` header value for `url`: the host, with the port when it is not the scheme's default.
    public static func hostHeader(for url: URL) -> String {
        let host = url.host ?? ""
        guard let port = url.port else { return host }
        let defaultPort = url.scheme == "http" ? 80 : 443
        return port == defaultPort ? host : "\(host):\(port)"
    }
}

/// Credentials together with where they were found, so a rejection can say where to look.
public struct CredentialsWithSource: Sendable {
    /// The credentials.
    public var credentials: AWSCredentials
    /// Where they came from, e.g. `environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`.
    public var source: String

    /// Makes the pair.
    public init(credentials: AWSCredentials, source: String) {
        self.credentials = credentials
        self.source = source
    }
}

/// Sends signed requests to one AWS service and applies the retry policy. The protocol (Query/XML or
/// JSON) is the caller's: it builds the body and turns an error answer into an ``RDSError``.
public struct AWSServiceClient: Sendable {
    /// Error codes that mean AWS did not accept the credentials: retrying cannot help.
    public static let credentialRejectionCodes: Set<RDSError.Code> = Set(
        [
            "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException", "ExpiredToken",
            "ExpiredTokenException", "AuthFailure", "IncompleteSignature", "MissingAuthenticationToken",
            "InvalidSignatureException", "InvalidAccessKeyId",
        ].map(RDSError.Code.init))

    /// The SigV4 signing name, e.g. `rds`.
    public let signingName: String
    /// The credentials and their source.
    public let credentials: CredentialsWithSource
    /// Where the service answers.
    public let endpoints: AWSEndpointResolver
    /// Sends the bytes.
    public let transport: any HTTPTransport
    /// Signing time and backoff waits.
    public let clock: any WallClock
    /// Jitter in [0, 1).
    public let random: @Sendable () -> Double
    /// How often and how patiently to retry.
    public let retryPolicy: AWSRetryPolicy

    /// Makes a client.
    public init(
        signingName: String, credentials: CredentialsWithSource, endpoints: AWSEndpointResolver, transport: any HTTPTransport,
        clock: any WallClock, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        retryPolicy: AWSRetryPolicy = AWSRetryPolicy()
    ) {
        self.signingName = signingName
        self.credentials = credentials
        self.endpoints = endpoints
        self.transport = transport
        self.clock = clock
        self.random = random
        self.retryPolicy = retryPolicy
    }

    /// The current time as SigV4 writes it.
    public func signingTime() -> SigV4Time {
        SigV4Time(secondsSince1970: clock.now().millisecondsSinceEpoch / 1000)
    }

    /// A signer for `region`.
    public func signer(region: String) -> SigV4Signer {
        SigV4Signer(credentials: credentials.credentials, region: region, service: signingName)
    }

    /// POSTs `body` with `headers` to the service in `region`, signed afresh for each attempt, and
    /// returns the first 2xx answer.
    /// - Parameters:
    ///   - action: the operation's name, for messages.
    ///   - parseError: turns a non-2xx answer into the service's error.
    /// - Throws: ``RDSError`` with the service's code once retries are used up or the error is not
    ///   retryable; `CancellationError` when cancelled.
    public func post(
        action: String, region: String, headers: [(name: String, value: String)], body: [UInt8],
        parseError: (HTTPResponse) -> RDSError
    ) async throws -> HTTPResponse {
        let url = endpoints.url(for: region)
        let host = AWSEndpointResolver.hostHeader(for: url)
        let path = url.path.isEmpty ? "/" : url.path
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let unsigned = HTTPRequestToSign(method: "POST", path: path, headers: [("Host", host)] + headers, body: body)
            let signature = signer(region: region).sign(unsigned, at: signingTime())
            let request = HTTPRequest(method: "POST", url: url, headers: headers + signature.addedHeaders, body: body)
            let error: RDSError
            do {
                let response = try await transport.send(request)
                if (200..<300).contains(response.status) { return response }
                error = parseError(response)
            } catch let failure as TransportError {
                error = RDSError(
                    code: .connectionError,
                    message: "no answer to \(action) from \(host): \(failure.message)", httpStatus: 0)
            }
            if Self.credentialRejectionCodes.contains(error.code) {
                throw rejection(error)
            }
            guard AWSRetryPolicy.isRetryable(error), attempt < retryPolicy.maxAttempts else {
                throw attempt > 1 ? Self.annotated(error, attempts: attempt) : error
            }
            try await clock.sleep(for: retryPolicy.delay(afterAttempt: attempt, random: random()))
        }
    }

    /// A credentials rejection, naming where the credentials came from; never retryable.
    func rejection(_ error: RDSError) -> RDSError {
        var rejected = error
        rejected.message =
            "AWS rejected the credentials (access key \(credentials.credentials.accessKeyId) from "
            + "\(credentials.source)): \(error.message) Check that the key is active and its secret is right, "
            + "or point AWS_PROFILE / AWS_ACCESS_KEY_ID at other credentials."
        // 403 keeps it out of every retryable class, even when the service answered 400.
        rejected.httpStatus = 403
        return rejected
    }

    static func annotated(_ error: RDSError, attempts: Int) -> RDSError {
        var annotated = error
        annotated.message += " (after \(attempts) attempts)"
        return annotated
    }
}
