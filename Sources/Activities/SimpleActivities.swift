import StrictJSON
import Time
import WorkflowModel

/// `sleep`: waits `duration` on the context's clock, heartbeating at most every 10 s of clock time.
struct SleepActivity: ActivityHandler {
    let activityType = "sleep"
    static let heartbeatInterval = Interval.seconds(10)

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let input = try ActivityInput(input, type: activityType)
        let duration = try input.interval("duration")
        let deadline = context.clock.now().adding(duration)
        while true {
            let now = context.clock.now()
            if now >= deadline { break }
            let next = min(deadline, now.adding(Self.heartbeatInterval))
            try await context.clock.sleep(until: next)
            if context.clock.now() >= deadline { break }
            if await context.heartbeat(nil) { throw CancellationError() }
        }
        return .object(JSONObject([("sleptFor", .string(duration.description))]))
    }
}

/// `noop`: returns its input.
struct NoopActivity: ActivityHandler {
    let activityType = "noop"

    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue { input }
}
