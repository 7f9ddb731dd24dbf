/// An error answered by RDS (or by the simulator, or by Secrets Manager), in the Query API's terms.
///
/// `code` is the exact AWS error code (`DBInstanceNotFound`, `Throttling`, ...), so callers match on
/// the same codes whichever provider answered. `message` is for people and never contains a
/// password or other secret value.
public struct RDSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An error code exactly as AWS spells it. AWS answers with codes Cairn has never heard of (and the
    /// simulator's fault rules take any), so the set is open: ``init(_:)`` wraps any answer. The
    /// constants are the codes Cairn makes itself (``all``, listed in docs/error-codes.md) and the AWS
    /// codes it reacts to.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Known: String, CaseIterable {
            case dbInstanceNotFound = "DBInstanceNotFound"
            case dbInstanceAlreadyExists = "DBInstanceAlreadyExists"
            case invalidDBInstanceState = "InvalidDBInstanceState"
            case dbSnapshotNotFound = "DBSnapshotNotFound"
            case dbSnapshotAlreadyExists = "DBSnapshotAlreadyExists"
            case invalidDBSnapshotState = "InvalidDBSnapshotState"
            case invalidParameterValue = "InvalidParameterValue"
            case invalidParameterCombination = "InvalidParameterCombination"
            case storageTypeNotSupported = "StorageTypeNotSupported"
            case invalidParameterException = "InvalidParameterException"
            case resourceNotFoundException = "ResourceNotFoundException"
            case userNotFound = "UserNotFound"
            case internalFailure = "InternalFailure"
            case connectionError = "ConnectionError"
            case invalidResponse = "InvalidResponse"
            case tooManyPages = "TooManyPages"
            case missingRegion = "MissingRegion"
            case unsupportedEngine = "UnsupportedEngine"
            case databaseClientMissing = "DatabaseClientMissing"
            case databaseCommandFailed = "DatabaseCommandFailed"
        }
        private enum Value: Hashable {
            case known(Known)
            case other(String)
        }
        private let value: Value

        fileprivate init(_ known: Known) { value = .known(known) }

        /// The code `name`, as an answer spells it.
        public init(_ name: String) { value = Known(rawValue: name).map(Value.known) ?? .other(name) }

        /// `DBInstanceNotFound`: No DB instance with that identifier (404).
        public static let dbInstanceNotFound = Code(.dbInstanceNotFound)
        /// `DBInstanceAlreadyExists`: A DB instance with that identifier exists.
        public static let dbInstanceAlreadyExists = Code(.dbInstanceAlreadyExists)
        /// `InvalidDBInstanceState`: The instance is not in a state that allows the call (e.g. not `available`).
        public static let invalidDBInstanceState = Code(.invalidDBInstanceState)
        /// `DBSnapshotNotFound`: No DB snapshot with that identifier (404).
        public static let dbSnapshotNotFound = Code(.dbSnapshotNotFound)
        /// `DBSnapshotAlreadyExists`: A DB snapshot with that identifier exists.
        public static let dbSnapshotAlreadyExists = Code(.dbSnapshotAlreadyExists)
        /// `InvalidDBSnapshotState`: The snapshot is not in a state that allows the call.
        public static let invalidDBSnapshotState = Code(.invalidDBSnapshotState)
        /// `InvalidParameterValue`: A parameter value RDS does not accept.
        public static let invalidParameterValue = Code(.invalidParameterValue)
        /// `InvalidParameterCombination`: Parameters that contradict each other.
        public static let invalidParameterCombination = Code(.invalidParameterCombination)
        /// `StorageTypeNotSupported`: A storage type RDS does not offer.
        public static let storageTypeNotSupported = Code(.storageTypeNotSupported)
        /// `InvalidParameterException`: (Secrets Manager) a parameter value it does not accept.
        public static let invalidParameterException = Code(.invalidParameterException)
        /// `ResourceNotFoundException`: (Secrets Manager) no secret with that name or ARN.
        public static let resourceNotFoundException = Code(.resourceNotFoundException)
        /// `UserNotFound`: (database users) no role with that name.
        public static let userNotFound = Code(.userNotFound)
        /// `InternalFailure`: A service failure (5xx), retryable.
        public static let internalFailure = Code(.internalFailure)
        /// `ConnectionError`: No HTTP answer at all (refused, reset, timed out): Cairn's own code, since botocore raises a connection error instead.
        public static let connectionError = Code(.connectionError)
        /// `InvalidResponse`: A 2xx answer that lacks what the call returns: Cairn's own code.
        public static let invalidResponse = Code(.invalidResponse)
        /// `TooManyPages`: A listing returned more pages than Cairn reads: Cairn's own code.
        public static let tooManyPages = Code(.tooManyPages)
        /// `MissingRegion`: A secret named without an ARN and no region configured: Cairn's own code.
        public static let missingRegion = Code(.missingRegion)
        /// `UnsupportedEngine`: `db.resetUserPasswords`: the instance's engine is not PostgreSQL: Cairn's own code.
        public static let unsupportedEngine = Code(.unsupportedEngine)
        /// `DatabaseClientMissing`: `db.resetUserPasswords`: `psql` is not on `PATH`: Cairn's own code.
        public static let databaseClientMissing = Code(.databaseClientMissing)
        /// `DatabaseCommandFailed`: `db.resetUserPasswords`: `psql` failed: Cairn's own code.
        public static let databaseCommandFailed = Code(.databaseCommandFailed)

        /// `Throttling`: AWS asks the caller to slow down (the simulator injects it when a fault rule names it).
        public static let throttling = Code("Throttling")
        /// `ThrottlingException`: the JSON protocols' spelling of `Throttling`.
        public static let throttlingException = Code("ThrottlingException")
        /// `ServiceUnavailable` (503).
        public static let serviceUnavailable = Code("ServiceUnavailable")
        /// `RequestExpired`: the request's signature time is too far from AWS's clock; retried with a new signature.
        public static let requestExpired = Code("RequestExpired")
        /// `ResourceExistsException`: (Secrets Manager) a secret with that name exists.
        public static let resourceExistsException = Code("ResourceExistsException")

        /// Every code Cairn makes itself (the simulator, the AWS provider, the database administrator),
        /// for the documentation check.
        public static var all: [Code] { Known.allCases.map(Code.init) }

        /// The code as AWS spells it.
        public var description: String {
            switch value {
            case .known(let known): known.rawValue
            case .other(let name): name
            }
        }
    }

    /// The AWS error code, e.g. `DBInstanceAlreadyExists`.
    public var code: Code
    /// The error message, safe to log.
    public var message: String
    /// The HTTP status the error came with (400 for most client errors, 404 for not-found faults).
    public var httpStatus: Int
    /// The request id AWS (or the simulator) gave the failed call, when known.
    public var requestId: String?

    /// Makes an error.
    public init(code: Code, message: String, httpStatus: Int = 400, requestId: String? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestId = requestId
    }

    /// A one-line summary for logs and messages.
    public var description: String { "\(code): \(message)" }

    /// Codes botocore's standard retry mode treats as throttling (rds-sigv4.md section 0 item 6).
    public static let throttlingCodes: Set<Code> = Set(
        [
            "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
            "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
            "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
            "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
        ].map(Code.init))

    /// Codes botocore's standard retry mode treats as transient.
    public static let transientCodes: Set<Code> = Set(
        ["RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"].map(Code.init))

    /// HTTP statuses botocore's standard retry mode treats as transient.
    public static let transientHTTPStatuses: Set<Int> = [500, 502, 503, 504]

    /// Whether AWS asked us to slow down.
    public var isThrottling: Bool { Self.throttlingCodes.contains(code) }

    /// Whether the failure is a passing service or network condition (a 5xx, a request timeout).
    public var isTransient: Bool {
        Self.transientCodes.contains(code) || Self.transientHTTPStatuses.contains(httpStatus)
            || code == .connectionError
    }

    /// Whether repeating the same call later may succeed: throttling or transient. Every modeled RDS
    /// fault (`DBInstanceNotFound`, `InvalidDBInstanceState`, ...) is not retryable at this level.
    public var isRetryable: Bool { isThrottling || isTransient }
}

extension RDSError {
    /// `DBInstanceNotFound` (404), with AWS's message.
    public static func dbInstanceNotFound(_ identifier: String) -> RDSError {
        RDSError(code: .dbInstanceNotFound, message: "DBInstance \(identifier) not found.", httpStatus: 404)
    }

    /// `DBSnapshotNotFound` (404), with AWS's message.
    public static func dbSnapshotNotFound(_ identifier: String) -> RDSError {
        RDSError(code: .dbSnapshotNotFound, message: "DBSnapshot \(identifier) not found.", httpStatus: 404)
    }

    /// `InvalidParameterValue` (400).
    public static func invalidParameterValue(_ message: String) -> RDSError {
        RDSError(code: .invalidParameterValue, message: message)
    }

    /// `InvalidParameterCombination` (400).
    public static func invalidParameterCombination(_ message: String) -> RDSError {
        RDSError(code: .invalidParameterCombination, message: message)
    }
}
