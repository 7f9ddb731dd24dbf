public import Time

/// A fault the simulator injects, persisted in `state.json` and consumed as it fires.
public enum FaultRule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The next `times` calls of operation `op` (an RDS action name such as
    /// `CreateDBInstanceReadReplica`, or `*` for any) whose identifier matches `identifierPattern`
    /// (a glob with `*` and `?`; nil matches all) fail with error `code`
    /// (`Throttling`, `InternalFailure`, `InsufficientDBInstanceCapacity`, ...).
    case failOperation(op: String, code: String, times: Int, identifierPattern: String?)
    /// The DB instance `identifier` (in any region) goes to status `failed` `after` this much simulated
    /// time: measured from its creation when it is created later, or from now when it already exists.
    case instanceFails(identifier: String, after: Interval)

    /// A one-line summary for logs and messages.
    public var description: String {
        switch self {
        case .failOperation(let op, let code, let times, let pattern):
            "\(op) fails with \(code) \(times) more time\(times == 1 ? "" : "s")"
                + (pattern.map { " for identifiers matching \($0)" } ?? "")
        case .instanceFails(let identifier, let after):
            "instance \(identifier) fails \(after) after it exists"
        }
    }
}

/// One line of `calls.log`: an API call the simulator answered.
public struct SimulatorCall: Sendable, Hashable, Codable {
    /// When the call was answered (the simulator's clock).
    public var time: Timestamp
    /// The action name, e.g. `CreateDBInstance`, `GetSecretValue`, `SetPassword`.
    public var op: String
    /// The region the call was sent to.
    public var region: String
    /// The call's primary identifier (instance, snapshot or secret name), when it has one.
    public var identifier: String?
    /// `created` (a create succeeded), `alreadyExists`, `ok` (other successes) or `error`.
    public var outcome: String
    /// The error code when `outcome` is `error` or `alreadyExists`.
    public var errorCode: String?
    /// The request's `cairn:execution` tag value, on creating calls.
    public var execution: String?
    /// The request's `cairn:activity` tag value, on creating calls.
    public var activity: String?
    /// For calls that changed the simulator's state: their number, 1, 2, 3, ... The state file keeps
    /// the last such call, so a crash between saving the state and logging the call is repaired by
    /// logging it when the simulator is next opened; the log never misses a durable change.
    public var sequence: Int?

    /// Makes a call record.
    public init(
        time: Timestamp, op: String, region: String, identifier: String?, outcome: String,
        errorCode: String? = nil, execution: String? = nil, activity: String? = nil
    ) {
        self.time = time
        self.op = op
        self.region = region
        self.identifier = identifier
        self.outcome = outcome
        self.errorCode = errorCode
        self.execution = execution
        self.activity = activity
    }
}

/// A problem with the simulator itself (its directory, its configuration), as opposed to an
/// ``RDSCore/RDSError`` answer to an API call.
public struct SimulatorError: Error, Sendable, CustomStringConvertible {
    /// A stable code (`sim.invalidFault`, ...): it appears unchanged in CLI output and docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case speedConflict = "sim.speedConflict"
            case invalidSpeed = "sim.invalidSpeed"
            case invalidFault = "sim.invalidFault"
            case corruptState = "sim.corruptState"
            case io = "sim.io"
        }
        fileprivate let value: Value

        /// ``RDSSimulator/setSpeed(_:override:)`` without `override` asked for another speed than the remembered one.
        public static let speedConflict = Code(value: .speedConflict)
        /// A speed outside 0.001...1,000,000.
        public static let invalidSpeed = Code(value: .invalidSpeed)
        /// A fault rule that can never fire.
        public static let invalidFault = Code(value: .invalidFault)
        /// `state.json` or `secrets.json` cannot be decoded, or has another format version.
        public static let corruptState = Code(value: .corruptState)
        /// The simulator's files cannot be read or written.
        public static let io = Code(value: .io)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What kind of problem.
    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The underlying error, kept as a value (not flattened into a string).
    public var cause: (any Error & Sendable)?

    /// Makes an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `code: message (cause: ...)`.
    public var description: String { "\(code): \(message)" + (cause.map { " (cause: \($0))" } ?? "") }
}
