import Hashing

/// AWS Signature Version 4 for one set of credentials, region and service: header signing and query presigning.
///
/// Pure: the caller supplies the time, and nothing here reads a clock, the environment or files.
/// Output never depends on dictionary order; headers and query pairs are sorted by their UTF-8 bytes.
public struct SigV4Signer: Sendable {
    /// The algorithm name that starts the string to sign and the Authorization header.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// Headers botocore never signs: hop-by-hop headers a proxy may rewrite, and ones an HTTP stack
    /// adds or changes on its own (`user-agent`, `x-amzn-trace-id`). Signing one would break the
    /// signature when it changes in transit.
    public static let unsignedHeaderNames: Set<String> = [
        "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// The credentials that sign; a session token is sent and signed as `X-Amz-Security-Token`.
    public let credentials: AWSCredentials
    /// The region in the credential scope, e.g. `us-west-2`.
    public let region: String
    /// The signing name of the service in the credential scope, e.g. `rds`.
    public let service: String

    /// A signer for `service` in `region`.
    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Header signing (Authorization header), adding x-amz-date and any session token to the signed headers.
    ///
    /// Signs the request's headers plus `x-amz-date`, and `x-amz-security-token` when the credentials
    /// carry a token, but never hop-by-hop headers or user-agent (``unsignedHeaderNames``). Any
    /// `Authorization` in `request` is ignored, and so are `X-Amz-Date` and, when the credentials carry
    /// a token, `X-Amz-Security-Token`: the signer's values replace them (as botocore does), so the
    /// caller must send only ``SigV4Signature/addedHeaders`` for those names. A security token already
    /// in `request` while the credentials have none is signed like any other header.
    public func sign(_ request: HTTPRequestToSign, at time: SigV4Time) -> SigV4Signature {
        let replaced: Set<String> =
            credentials.sessionToken == nil ? ["authorization", "x-amz-date"] : ["authorization", "x-amz-date", "x-amz-security-token"]
        var headers = request.headers.filter { !replaced.contains($0.name.lowercased()) }
        var addedHeaders = [(name: "X-Amz-Date", value: time.amzDate)]
        if let token = credentials.sessionToken {
            addedHeaders.append((name: "X-Amz-Security-Token", value: token))
        }
        headers.append(contentsOf: addedHeaders)

        var signature = signParts(
            method: request.method, path: request.path, query: request.query, headers: headers, body: request.body, at: time)
        addedHeaders.append((name: "Authorization", value: signature.authorization))
        signature.addedHeaders = addedHeaders
        return signature
    }

    /// Query presigning (SigV4QueryAuth as botocore does it): returns the full URL "scheme://host/path?query&X-Amz-Signature=...".
    ///
    /// Query order in the URL: `parameters` in order, then X-Amz-Algorithm, X-Amz-Credential,
    /// X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Security-Token (if any), then
    /// X-Amz-Signature; names and values encoded with ``AWSPercentEncoding/rfc3986(_:)``. Signs only
    /// `host` and an empty body with method GET. `path` is copied into the URL as given (already
    /// encoded, as on a request line; empty means `/`); `expires` is in seconds (AWS allows up to 604800).
    public func presignedURL(
        scheme: String, host: String, path: String, parameters: [(name: String, value: String)], at time: SigV4Time, expires: Int
    ) -> (url: String, signature: SigV4Signature) {
        var query = parameters
        query.append((name: "X-Amz-Algorithm", value: Self.algorithm))
        query.append((name: "X-Amz-Credential", value: credentials.accessKeyId + "/" + credentialScope(dateStamp: time.dateStamp)))
        query.append((name: "X-Amz-Date", value: time.amzDate))
        query.append((name: "X-Amz-Expires", value: String(expires)))
        query.append((name: "X-Amz-SignedHeaders", value: "host"))
        if let token = credentials.sessionToken {
            query.append((name: "X-Amz-Security-Token", value: token))
        }
        let urlPath = path.isEmpty ? "/" : path
        let signature = signParts(method: "GET", path: urlPath, query: query, headers: [(name: "host", value: host)], body: [], at: time)
        query.append((name: "X-Amz-Signature", value: signature.signature))
        let encodedQuery = query.map { AWSPercentEncoding.rfc3986($0.name) + "=" + AWSPercentEncoding.rfc3986($0.value) }
        return (url: scheme + "://" + host + urlPath + "?" + encodedQuery.joined(separator: "&"), signature: signature)
    }

    /// The signing key for a date (cacheable per date/region/service).
    ///
    /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, dateStamp), region), service), "aws4_request")`.
    public func signingKey(dateStamp: String) -> [UInt8] {
        var key = Array(("AWS4" + credentials.secretAccessKey).utf8)
        for part in [dateStamp, region, service, "aws4_request"] {
            key = HMACSHA256.authenticationCode(key: key, message: Array(part.utf8))
        }
        return key
    }

    /// `dateStamp/region/service/aws4_request`, the credential scope.
    public func credentialScope(dateStamp: String) -> String {
        dateStamp + "/" + region + "/" + service + "/aws4_request"
    }

    // MARK: Canonicalization (SigV4 task 1), usable on its own for diagnostics

    /// The canonical URI of a request-line path for every service but S3: dot segments removed,
    /// repeated slashes collapsed, then each segment encoded with ``AWSPercentEncoding/rfc3986(_:)``.
    ///
    /// A port of botocore's `remove_dot_segments`: `..` above the root is dropped, a trailing slash
    /// survives only when a segment remains, and an empty path is `/`.
    public static func canonicalURI(path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                _ = segments.popLast()
            } else {
                segments.append(segment)
            }
        }
        let leading = path.hasPrefix("/") ? "/" : ""
        let trailing = path.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return leading + segments.map { AWSPercentEncoding.rfc3986(String($0)) }.joined(separator: "/") + trailing
    }

    /// The canonical query: names and values encoded with ``AWSPercentEncoding/rfc3986(_:)``, sorted by
    /// encoded name then encoded value, joined as `name=value` with `&` (`name=` for an empty value).
    public static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { (name: AWSPercentEncoding.rfc3986($0.name), value: AWSPercentEncoding.rfc3986($0.value)) }
            .sorted { lhs, rhs in
                lhs.name == rhs.name
                    ? lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8) : lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
            }
            .map { $0.name + "=" + $0.value }
            .joined(separator: "&")
    }

    /// The canonical headers block (each `name:value\n`, sorted by lowercased name) and the signed-headers list.
    ///
    /// Values are trimmed and inner whitespace runs collapse to one space. Repeated headers join
    /// with `,` in the order given. A value with line breaks (obsolete line folding, as in the AWS
    /// suite's `get-header-value-multiline`) is canonicalized the classic suite's way: each line
    /// trimmed and the lines joined with `,`. Headers in ``unsignedHeaderNames`` are left out.
    public static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (block: String, signedHeaders: String) {
        var names: [String] = []
        var valuesByName: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased()
            guard !unsignedHeaderNames.contains(name) else { continue }
            if valuesByName[name] == nil {
                names.append(name)
            }
            valuesByName[name, default: []].append(canonicalHeaderValue(header.value))
        }
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let block = names.map { $0 + ":" + (valuesByName[$0] ?? []).joined(separator: ",") + "\n" }.joined()
        return (block: block, signedHeaders: names.joined(separator: ";"))
    }

    // MARK: Private

    /// The canonical request, string to sign, signature and Authorization value (no added headers) for
    /// headers that are already final, the signer's own x-amz-* included.
    private func signParts(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)], body: [UInt8],
        at time: SigV4Time
    ) -> SigV4Signature {
        let (headerBlock, signedHeaders) = Self.canonicalHeaders(headers)
        // The header block ends with "\n" and the separator adds another: the blank line SigV4 requires.
        let canonicalRequest = [
            method, Self.canonicalURI(path: path), Self.canonicalQuery(query), headerBlock, signedHeaders, SHA256.hexDigest(body),
        ].joined(separator: "\n")
        let scope = credentialScope(dateStamp: time.dateStamp)
        let stringToSign = [Self.algorithm, time.amzDate, scope, SHA256.hexDigest(Array(canonicalRequest.utf8))].joined(separator: "\n")
        let signature = Hex.encode(
            HMACSHA256.authenticationCode(key: signingKey(dateStamp: time.dateStamp), message: Array(stringToSign.utf8)))
        let authorization =
            Self.algorithm + " Credential=" + credentials.accessKeyId + "/" + scope + ", SignedHeaders=" + signedHeaders + ", Signature="
            + signature
        return SigV4Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature, authorization: authorization,
            addedHeaders: [])
    }

    /// One header value in canonical form (see ``canonicalHeaders(_:)``).
    private static func canonicalHeaderValue(_ value: String) -> String {
        let lineBreaks: Set<UInt8> = [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
        // botocore collapses with " ".join(v.split()); Python splits on these and on non-ASCII spaces,
        // which an HTTP header value should not contain.
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]
        let lines = value.utf8.split(whereSeparator: { lineBreaks.contains($0) })
        let collapsed = lines.map { line in
            line.split(whereSeparator: { whitespace.contains($0) }).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        }
        return collapsed.filter { !$0.isEmpty }.joined(separator: ",")
    }
}
