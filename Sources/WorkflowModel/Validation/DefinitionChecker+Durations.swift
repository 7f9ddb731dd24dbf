import StrictJSON
import Time

extension DefinitionChecker {
    static let durationHelp =
        "write a duration such as \"30s\", \"5m\" or \"1h30m\" (units d, h, m, s, ms, largest first; at most 366d)"

    /// The duration member `key`; with `allowsNone`, `"NONE"` gives `.none`. Nil when absent or (reported) invalid.
    mutating func duration(_ key: String, of object: JSONObject, at pointer: JSONPointer, in what: String, allowsNone: Bool)
        -> TimeoutSetting?
    {
        guard let value = object[key] else { return nil }
        let here = pointer.appending(key)
        guard case .string(let text) = value else {
            report(Code.wrongType, at: here, "\"\(key)\" in \(what) must be a duration string, not \(value.article); \(Self.durationHelp)")
            return nil
        }
        if allowsNone, text == "NONE" { return TimeoutSetting.none }
        guard let interval = Interval(parsing: text) else {
            let none = allowsNone ? ", or \"NONE\" for no limit" : ""
            report(Code.invalidDuration, at: here, "\"\(text)\" is not a duration (\"\(key)\" in \(what)); \(Self.durationHelp)\(none)")
            return nil
        }
        return .after(interval)
    }

    /// A `timeouts` object; fields left out inherit. Invalid fields are reported and left out.
    mutating func timeoutOverrides(_ value: JSONValue, at pointer: JSONPointer, in what: String) -> TimeoutOverrides {
        let inWhat = "the timeouts of \(what)"
        guard let object = members(of: value, at: pointer, known: WorkflowFields.timeouts, in: inWhat) else {
            return TimeoutOverrides()
        }
        var overrides = TimeoutOverrides()
        overrides.scheduleToStart = duration("scheduleToStart", of: object, at: pointer, in: inWhat, allowsNone: true)
        overrides.startToClose = duration("startToClose", of: object, at: pointer, in: inWhat, allowsNone: true)
        overrides.scheduleToClose = duration("scheduleToClose", of: object, at: pointer, in: inWhat, allowsNone: true)
        overrides.heartbeat = duration("heartbeat", of: object, at: pointer, in: inWhat, allowsNone: true)
        return overrides
    }

    /// A `retry` object over `RetryPolicy`'s defaults, with its contradictions reported.
    mutating func retryPolicy(_ value: JSONValue, at pointer: JSONPointer, in what: String) -> RetryPolicy? {
        let inWhat = "the retry policy of \(what)"
        guard let object = members(of: value, at: pointer, known: WorkflowFields.retry, in: inWhat) else { return nil }
        var policy = RetryPolicy()
        let initial = duration("initialInterval", of: object, at: pointer, in: inWhat, allowsNone: false)?.interval
        let maximum = duration("maximumInterval", of: object, at: pointer, in: inWhat, allowsNone: false)?.interval
        if let initial { policy.initialInterval = initial }
        if let maximum { policy.maximumInterval = maximum }
        if let coefficient = backoffCoefficient(object, at: pointer, in: inWhat) { policy.backoffCoefficient = coefficient }
        if let attempts = maximumAttempts(object, at: pointer, in: inWhat) { policy.maximumAttempts = attempts }
        if let reasons = strings("nonRetryableErrors", of: object, at: pointer, in: inWhat) {
            policy.nonRetryableErrors = reasons
        }
        if policy.maximumInterval < policy.initialInterval {
            let key = maximum != nil || initial == nil ? "maximumInterval" : "initialInterval"
            report(
                Code.retryContradiction, at: pointer.appending(key),
                "in \(inWhat), maximumInterval \(policy.maximumInterval) is shorter than initialInterval \(policy.initialInterval); raise maximumInterval or lower initialInterval"
            )
        }
        return policy
    }

    private mutating func backoffCoefficient(_ object: JSONObject, at pointer: JSONPointer, in what: String) -> Double? {
        guard let value = object["backoffCoefficient"] else { return nil }
        let here = pointer.appending("backoffCoefficient")
        guard let coefficient = value.numberValue else {
            report(Code.wrongType, at: here, "\"backoffCoefficient\" in \(what) must be a number, not \(value.article)")
            return nil
        }
        guard coefficient >= 1 else {
            report(
                Code.retryContradiction, at: here,
                "backoffCoefficient \(JSONValue.number(coefficient).canonicalString()) in \(what) would shrink the delay; use 1 (constant delay) or more"
            )
            return nil
        }
        return coefficient
    }

    private mutating func maximumAttempts(_ object: JSONObject, at pointer: JSONPointer, in what: String) -> Int? {
        guard let value = object["maximumAttempts"] else { return nil }
        let here = pointer.appending("maximumAttempts")
        guard let attempts = value.integerValue else {
            report(Code.wrongType, at: here, "\"maximumAttempts\" in \(what) must be a whole number, not \(value.article)")
            return nil
        }
        guard (0...Int64(Limits.retryAttemptsMax)).contains(attempts) else {
            report(
                Code.retryContradiction, at: here,
                "maximumAttempts \(attempts) in \(what) is out of range; use 1 to \(Limits.retryAttemptsMax) (attempts count the first), or 0 for unlimited (bounded by scheduleToClose)"
            )
            return nil
        }
        return Int(attempts)
    }
}
