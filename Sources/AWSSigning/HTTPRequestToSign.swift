/// An HTTP request as the signer sees it.
public struct HTTPRequestToSign: Sendable {
    /// The method, e.g. `POST`, signed as given.
    public var method: String
    /// The path as written on the request line, e.g. `/` (may contain %XX or non-ASCII).
    ///
    /// SigV4 for every service but S3 normalizes it and encodes each segment once more, so an
    /// existing `%XX` is signed as `%25XX`: that double encoding is what AWS expects.
    public var path: String
    /// The query as decoded pairs, in any order (the canonical query sorts them).
    public var query: [(name: String, value: String)]
    /// The headers to send; must include `Host` (with `:port` when the port is not the scheme's default).
    public var headers: [(name: String, value: String)]
    /// The exact body bytes, hashed into the signature.
    public var body: [UInt8]

    /// Makes a request to sign.
    public init(
        method: String, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// The outcome of signing, with the intermediate strings (tests compare them to vectors).
public struct SigV4Signature: Sendable, Hashable {
    /// The canonical request (task 1 of SigV4).
    public var canonicalRequest: String
    /// The string to sign (task 2): algorithm, timestamp, credential scope and the canonical request's hash.
    public var stringToSign: String
    /// The signature, 64 lowercase hex digits.
    public var signature: String
    /// `AWS4-HMAC-SHA256 Credential=AK/scope, SignedHeaders=..., Signature=...`.
    ///
    /// For a presigned URL this is the same summary for logs; nothing sends it as a header.
    public var authorization: String
    /// Headers the caller must send in addition to its own: X-Amz-Date, then X-Amz-Security-Token when a token is used, then Authorization.
    ///
    /// Empty for a presigned URL, which carries everything in its query.
    public var addedHeaders: [(name: String, value: String)]

    /// Makes a signature from its parts.
    public init(
        canonicalRequest: String, stringToSign: String, signature: String, authorization: String,
        addedHeaders: [(name: String, value: String)]
    ) {
        self.canonicalRequest = canonicalRequest
        self.stringToSign = stringToSign
        self.signature = signature
        self.authorization = authorization
        self.addedHeaders = addedHeaders
    }

    /// Equal when every string and every added header (in order) is equal.
    public static func == (lhs: SigV4Signature, rhs: SigV4Signature) -> Bool {
        lhs.canonicalRequest == rhs.canonicalRequest && lhs.stringToSign == rhs.stringToSign && lhs.signature == rhs.signature
            && lhs.authorization == rhs.authorization && lhs.addedHeaders.elementsEqual(rhs.addedHeaders, by: { $0 == $1 })
    }

    /// Hashes the same fields `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(canonicalRequest)
        hasher.combine(stringToSign)
        hasher.combine(signature)
        hasher.combine(authorization)
        hasher.combine(addedHeaders.count)
        for header in addedHeaders {
            hasher.combine(header.name)
            hasher.combine(header.value)
        }
    }
}
