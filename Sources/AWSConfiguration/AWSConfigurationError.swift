/// Why credentials, a region or an endpoint could not be resolved, with what to do about it.
///
/// `message` names the places looked and the settings involved, never a secret value: lines of the
/// shared files are cited by number, not quoted.
public struct AWSConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes; messages may be reworded, codes are not.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// No credentials in any supported place.
        case credentialsNotFound = "credentials.notFound"
        /// One of an access key pair without the other.
        case credentialsIncomplete = "credentials.incomplete"
        /// The profile or environment gets credentials in a way Cairn does not support (assume role, SSO, ...).
        case credentialsUnsupportedSource = "credentials.unsupportedSource"
        /// A profile named by `--profile`, `AWS_DEFAULT_PROFILE` or `AWS_PROFILE` exists in neither shared file.
        case profileNotFound = "profile.notFound"
        /// No region anywhere.
        case regionMissing = "region.missing"
        /// A region that is not shaped like one.
        case regionInvalid = "region.invalid"
        /// A configured endpoint URL that is not an http(s) URL with a host.
        case endpointInvalid = "endpoint.invalid"
        /// A profile's `services` setting names a `[services NAME]` section that does not exist.
        case servicesNotFound = "services.notFound"
        /// A shared file that the AWS CLI could not parse either.
        case configFileMalformed = "configFile.malformed"
        /// A shared file that exists but cannot be read.
        case configFileUnreadable = "configFile.unreadable"
    }

    /// What went wrong, stable.
    public var code: Code
    /// What went wrong and what to do, for people; never contains a secret.
    public var message: String

    /// Makes an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `<code>: <message>`.
    public var description: String { "\(code.rawValue): \(message)" }
}
