/// An error answered by RDS (or by the simulator, or by Secrets Manager), in the Query API's terms.
///
/// `code` is the exact AWS error code (`DBInstanceNotFound`, `Throttling`, ...), so callers match on
/// the same strings whichever provider answered. `message` is for people and never contains a
/// password or other secret value.
public struct RDSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The AWS error code, e.g. `DBInstanceAlreadyExists`.
    public var code: String
    /// The error message, safe to log.
    public var message: String
    /// The HTTP status the error came with (400 for most client errors, 404 for not-found faults).
    public var httpStatus: Int
    /// The request id AWS (or the simulator) gave the failed call, when known.
    public var requestId: String?

    /// Makes an error.
    public init(code: String, message: String, httpStatus: Int = 400, requestId: String? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestId = requestId
    }

    /// A one-line summary for logs and messages.
    public var description: String { "\(code): \(message)" }

    /// Codes botocore's standard retry mode treats as throttling (rds-sigv4.md section 0 item 6).
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]

    /// Codes botocore's standard retry mode treats as transient.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    ]

    /// Cairn's own code for a call that got no HTTP answer at all (refused, reset, timed out): the
    /// request may or may not have taken effect. Not an AWS code; botocore raises a connection error.
    public static let connectionErrorCode = "ConnectionError"

    /// HTTP statuses botocore's standard retry mode treats as transient.
    public static let transientHTTPStatuses: Set<Int> = [500, 502, 503, 504]

    /// Whether AWS asked us to slow down.
    public var isThrottling: Bool { Self.throttlingCodes.contains(code) }

    /// Whether the failure is a passing service or network condition (a 5xx, a request timeout).
    public var isTransient: Bool {
        Self.transientCodes.contains(code) || Self.transientHTTPStatuses.contains(httpStatus)
            || code == Self.connectionErrorCode
    }

    /// Whether repeating the same call later may succeed: throttling or transient. Every modeled RDS
    /// fault (`DBInstanceNotFound`, `InvalidDBInstanceState`, ...) is not retryable at this level.
    public var isRetryable: Bool { isThrottling || isTransient }
}

extension RDSError {
    /// `DBInstanceNotFound` (404), with AWS's message.
    public static func dbInstanceNotFound(_ identifier: String) -> RDSError {
        RDSError(code: "DBInstanceNotFound", message: "DBInstance \(identifier) not found.", httpStatus: 404)
    }

    /// `DBSnapshotNotFound` (404), with AWS's message.
    public static func dbSnapshotNotFound(_ identifier: String) -> RDSError {
        RDSError(code: "DBSnapshotNotFound", message: "DBSnapshot \(identifier) not found.", httpStatus: 404)
    }

    /// `InvalidParameterValue` (400).
    public static func invalidParameterValue(_ message: String) -> RDSError {
        RDSError(code: "InvalidParameterValue", message: message)
    }

    /// `InvalidParameterCombination` (400).
    public static func invalidParameterCombination(_ message: String) -> RDSError {
        RDSError(code: "InvalidParameterCombination", message: message)
    }
}
