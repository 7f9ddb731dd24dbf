/// An AWS access key pair, with the session token of temporary credentials.
///
/// `description`, `debugDescription` and reflection show only the access key id, so printing or
/// dumping credentials cannot leak the secret key or the token.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The access key id, e.g. `AKIDEXAMPLE` (not secret).
    public var accessKeyId: String
    /// The secret access key (secret).
    public var secretAccessKey: String
    /// The session token of temporary credentials (secret), signed as `X-Amz-Security-Token`.
    public var sessionToken: String?

    /// Makes credentials.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The access key id with the secrets redacted.
    public var description: String {
        "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>, sessionToken: \(sessionToken == nil ? "nil" : "<redacted>"))"
    }
    /// Same as `description`.
    public var debugDescription: String { description }
    /// Reflection shows only the redacted description.
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}
