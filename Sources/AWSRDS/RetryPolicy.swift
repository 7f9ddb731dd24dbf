public import RDSCore
public import Time

/// How a call to AWS is repeated inside one activity attempt, as the AWS SDKs do: throttling, HTTP
/// 5xx and lost connections are retried with capped exponential backoff and full jitter; every other
/// error goes straight to the workflow.
public struct AWSRetryPolicy: Sendable, Hashable {
    /// Attempts per call, the first included (botocore's legacy mode uses 5, standard mode 3).
    public static let defaultMaxAttempts = 5
    /// The backoff of the first retry before jitter.
    public static let defaultBaseDelay = Interval.seconds(1)
    /// The longest backoff before jitter (botocore caps at 20 s).
    public static let defaultMaxDelay = Interval.seconds(20)

    /// Attempts per call, the first included; at least 1.
    public var maxAttempts: Int
    /// The backoff of the first retry before jitter.
    public var baseDelay: Interval
    /// The longest backoff before jitter.
    public var maxDelay: Interval

    /// Makes a policy; the defaults are the SDKs'.
    public init(
        maxAttempts: Int = AWSRetryPolicy.defaultMaxAttempts, baseDelay: Interval = AWSRetryPolicy.defaultBaseDelay,
        maxDelay: Interval = AWSRetryPolicy.defaultMaxDelay
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait after failed attempt `attempt` (1-based): `random × min(base × 2^(attempt-1), max)`,
    /// where `random` is in [0, 1).
    public func delay(afterAttempt attempt: Int, random: Double) -> Interval {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(baseDelay.milliseconds * (Int64(1) << exponent), maxDelay.milliseconds)
        let fraction = min(max(random, 0), 1)
        return .milliseconds(Int64((Double(ceiling) * fraction).rounded(.down)))
    }

    /// Whether an answer from AWS is worth repeating: throttling, a transient code or status, HTTP
    /// 429, or an expired signature (the next attempt is signed afresh).
    public static func isRetryable(_ error: RDSError) -> Bool {
        error.isRetryable || error.httpStatus == 429 || error.code == .requestExpired
    }
}
