/// Why credentials, a region or an endpoint could not be resolved, with what to do about it.
///
/// `message` names the places looked and the settings involved, never a secret value: lines of the
/// shared files are cited by number, not quoted.
public struct AWSConfigurationError: Error, Sendable, CustomStringConvertible {
    /// A stable code (`credentials.notFound`, ...): it appears unchanged in docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case credentialsNotFound = "credentials.notFound"
            case credentialsIncomplete = "credentials.incomplete"
            case credentialsUnsupportedSource = "credentials.unsupportedSource"
            case profileNotFound = "profile.notFound"
            case regionMissing = "region.missing"
            case regionInvalid = "region.invalid"
            case endpointInvalid = "endpoint.invalid"
            case servicesNotFound = "services.notFound"
            case configFileMalformed = "configFile.malformed"
            case configFileUnreadable = "configFile.unreadable"
        }
        fileprivate let value: Value

        /// No credentials in any supported place.
        public static let credentialsNotFound = Code(value: .credentialsNotFound)
        /// One of an access key pair without the other.
        public static let credentialsIncomplete = Code(value: .credentialsIncomplete)
        /// The profile or environment gets credentials in a way Cairn does not support (assume role, SSO, ...).
        public static let credentialsUnsupportedSource = Code(value: .credentialsUnsupportedSource)
        /// A profile named by `--profile`, `AWS_DEFAULT_PROFILE` or `AWS_PROFILE` exists in neither shared file.
        public static let profileNotFound = Code(value: .profileNotFound)
        /// No region anywhere.
        public static let regionMissing = Code(value: .regionMissing)
        /// A region that is not shaped like one.
        public static let regionInvalid = Code(value: .regionInvalid)
        /// A configured endpoint URL that is not an http(s) URL with a host.
        public static let endpointInvalid = Code(value: .endpointInvalid)
        /// A profile's `services` setting names a `[services NAME]` section that does not exist.
        public static let servicesNotFound = Code(value: .servicesNotFound)
        /// A shared file that the AWS CLI could not parse either.
        public static let configFileMalformed = Code(value: .configFileMalformed)
        /// A shared file that exists but cannot be read.
        public static let configFileUnreadable = Code(value: .configFileUnreadable)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What went wrong, stable.
    public var code: Code
    /// What went wrong and what to do, for people; never contains a secret.
    public var message: String
    /// The underlying error (a file that cannot be read), kept as a value.
    public var cause: (any Error & Sendable)?

    /// Makes an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `<code>: <message>`; the cause, when there is one, is named in the message.
    public var description: String { "\(code): \(message)" }
}
