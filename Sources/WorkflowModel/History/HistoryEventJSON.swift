public import StrictJSON
public import Time

// Direct JSON for history events: the bytes `Codable` through `JSONValueEncoder` gives (keys sorted
// by their UTF-8 bytes), written without building a `JSONValue` first. Writing events is on the path
// of every activity; `Codable` cost more than the fsync. `HistoryEventJSONTests` checks every event
// type against the `Codable` bytes, so the two cannot drift apart.

extension HistoryEvent {
    /// Writes this event as one JSON object in SWF's shape, keys sorted.
    /// - Throws: ``StrictJSON/JSONWriterError`` for values JSON cannot hold exactly.
    public func writeJSON(into writer: inout JSONWriter) throws(JSONWriterError) {
        writer.beginObject()
        let key = attributes.eventType.attributesKeyLiteral
        // The attributes key sorts before `eventId` when it starts with `a` or `d`, after `eventType` otherwise.
        let attributesFirst = key.utf8Start.pointee < UInt8(ascii: "e")
        if attributesFirst { try writeAttributes(key, into: &writer) }
        writer.key("eventId")
        try writer.integer(eventId)
        writer.key("eventTimestamp")
        writer.timestamp(eventTimestamp)
        writer.key("eventType")
        writer.unescapedString { $0.append(contentsOf: eventType.rawValue.utf8) }
        if !attributesFirst { try writeAttributes(key, into: &writer) }
        writer.endObject()
    }

    private func writeAttributes(_ key: StaticString, into w: inout JSONWriter) throws(JSONWriterError) {
        w.key(key)
        w.beginObject()
        switch attributes {
        case .workflowExecutionStarted(let a):
            w.key("definition")
            try w.value(a.definition)
            w.key("definitionDigest")
            w.string(a.definitionDigest)
            if let source = a.definitionSource {
                w.key("definitionSource")
                w.string(source)
            }
            w.key("executionStartToCloseTimeout")
            w.string(a.executionStartToCloseTimeout)
            if let identity = a.identity {
                w.key("identity")
                w.string(identity)
            }
            w.key("input")
            try w.value(a.input)
            if let tags = a.tagList {
                w.key("tagList")
                w.beginArray()
                for tag in tags { w.string(tag) }
                w.endArray()
            }
            w.key("taskList")
            w.taskList(a.taskList)
            w.key("taskStartToCloseTimeout")
            w.string(a.taskStartToCloseTimeout)
            w.key("workflowExecution")
            w.beginObject()
            w.key("runId")
            w.string(a.workflowExecution.runId)
            w.key("workflowId")
            w.string(a.workflowExecution.workflowId)
            w.endObject()
            w.key("workflowType")
            w.typeName(a.workflowType)
        case .workflowExecutionCompleted(let a):
            try w.decisionTaskCompletedEventId(a.decisionTaskCompletedEventId)
            w.key("result")
            try w.value(a.result)
        case .workflowExecutionFailed(let a):
            try w.decisionTaskCompletedEventId(a.decisionTaskCompletedEventId)
            w.key("details")
            try w.value(a.details)
            w.key("reason")
            w.string(a.reason)
        case .workflowExecutionTimedOut(let a):
            w.timeoutType(a.timeoutType)
        case .workflowExecutionCanceled(let a):
            try w.decisionTaskCompletedEventId(a.decisionTaskCompletedEventId)
            w.key("details")
            try w.value(a.details)
        case .workflowExecutionCancelRequested(let a):
            if let identity = a.identity {
                w.key("identity")
                w.string(identity)
            }
        case .workflowExecutionSignaled(let a):
            try w.optional("identity", a.identity.map(JSONValue.string))
            try w.optional("input", a.input)
            w.key("signalName")
            w.string(a.signalName)
        case .workflowExecutionTerminated(let a):
            try w.optional("cause", a.cause.map(JSONValue.string))
            try w.optional("details", a.details)
            try w.optional("identity", a.identity.map(JSONValue.string))
            try w.optional("reason", a.reason.map(JSONValue.string))
        case .decisionTaskScheduled(let a):
            w.key("startToCloseTimeout")
            w.string(a.startToCloseTimeout)
            w.key("taskList")
            w.taskList(a.taskList)
        case .decisionTaskStarted(let a):
            w.key("identity")
            w.string(a.identity)
            try w.scheduledEventId(a.scheduledEventId)
        case .decisionTaskCompleted(let a):
            try w.scheduledEventId(a.scheduledEventId)
            try w.startedEventId(a.startedEventId)
        case .decisionTaskTimedOut(let a):
            try w.scheduledEventId(a.scheduledEventId)
            try w.startedEventId(a.startedEventId)
            w.timeoutType(a.timeoutType)
        case .activityTaskScheduled(let a):
            try w.activityTaskScheduled(a)
        case .activityTaskStarted(let a):
            w.key("attempt")
            try w.integer(a.attempt)
            w.key("identity")
            w.string(a.identity)
            try w.scheduledEventId(a.scheduledEventId)
        case .activityTaskCompleted(let a):
            w.key("result")
            try w.value(a.result)
            try w.scheduledEventId(a.scheduledEventId)
            try w.startedEventId(a.startedEventId)
        case .activityTaskFailed(let a):
            w.key("details")
            w.string(a.details)
            w.key("reason")
            w.string(a.reason)
            try w.scheduledEventId(a.scheduledEventId)
            try w.startedEventId(a.startedEventId)
        case .activityTaskTimedOut(let a):
            if let details = a.details {
                w.key("details")
                try w.value(details)
            }
            try w.scheduledEventId(a.scheduledEventId)
            try w.startedEventId(a.startedEventId)
            w.timeoutType(a.timeoutType)
        case .activityTaskCancelRequested(let a):
            w.key("activityId")
            w.string(a.activityId)
            try w.decisionTaskCompletedEventId(a.decisionTaskCompletedEventId)
        case .activityTaskCanceled(let a):
            if let details = a.details {
                w.key("details")
                w.string(details)
            }
            w.key("latestCancelRequestedEventId")
            try w.integer(a.latestCancelRequestedEventId)
            try w.scheduledEventId(a.scheduledEventId)
            try w.startedEventId(a.startedEventId)
        case .timerStarted(let a):
            if let control = a.control {
                w.key("control")
                try w.control(control)
            }
            try w.decisionTaskCompletedEventId(a.decisionTaskCompletedEventId)
            w.key("startToFireTimeout")
            w.string(a.startToFireTimeout)
            w.key("timerId")
            w.string(a.timerId)
        case .timerFired(let a):
            try w.startedEventId(a.startedEventId)
            w.key("timerId")
            w.string(a.timerId)
        case .timerCanceled(let a):
            try w.decisionTaskCompletedEventId(a.decisionTaskCompletedEventId)
            try w.startedEventId(a.startedEventId)
            w.key("timerId")
            w.string(a.timerId)
        case .markerRecorded(let a):
            try w.decisionTaskCompletedEventId(a.decisionTaskCompletedEventId)
            w.key("details")
            try w.value(a.details)
            w.key("markerName")
            w.string(a.markerName)
        }
        w.endObject()
    }
}

extension JSONWriter {
    /// A ``WorkflowModel/Timestamp`` as its ISO 8601 string.
    public mutating func timestamp(_ value: Timestamp) {
        unescapedString { value.writeISO8601(into: &$0) }
    }

    fileprivate mutating func activityTaskScheduled(_ a: ActivityTaskScheduledEventAttributes) throws(JSONWriterError) {
        key("activityId")
        string(a.activityId)
        key("activityType")
        typeName(a.activityType)
        key("control")
        try control(a.control)
        try decisionTaskCompletedEventId(a.decisionTaskCompletedEventId)
        key("heartbeatTimeout")
        string(a.heartbeatTimeout)
        key("input")
        try value(a.input)
        key("retryPolicy")
        beginObject()
        key("backoffCoefficient")
        try number(a.retryPolicy.backoffCoefficient)
        key("initialInterval")
        string(a.retryPolicy.initialInterval.description)
        key("maximumAttempts")
        try integer(a.retryPolicy.maximumAttempts)
        key("maximumInterval")
        string(a.retryPolicy.maximumInterval.description)
        key("nonRetryableErrors")
        beginArray()
        for reason in a.retryPolicy.nonRetryableErrors { string(reason) }
        endArray()
        endObject()
        key("scheduleToCloseTimeout")
        string(a.scheduleToCloseTimeout)
        key("scheduleToStartTimeout")
        string(a.scheduleToStartTimeout)
        key("startToCloseTimeout")
        string(a.startToCloseTimeout)
        key("taskList")
        taskList(a.taskList)
    }

    fileprivate mutating func control(_ control: ActivityControl) throws(JSONWriterError) {
        beginObject()
        if let index = control.index {
            key("index")
            try integer(index)
        }
        key("role")
        string(control.role.rawValue)
        key("step")
        string(control.step)
        endObject()
    }

    fileprivate mutating func taskList(_ list: TaskList) {
        beginObject()
        key("name")
        string(list.name)
        endObject()
    }

    fileprivate mutating func typeName(_ type: TypeName) {
        beginObject()
        key("name")
        string(type.name)
        key("version")
        string(type.version)
        endObject()
    }

    fileprivate mutating func timeoutType(_ type: TimeoutType) {
        key("timeoutType")
        string(type.rawValue)
    }

    fileprivate mutating func scheduledEventId(_ id: Int64) throws(JSONWriterError) {
        key("scheduledEventId")
        try integer(id)
    }

    fileprivate mutating func startedEventId(_ id: Int64) throws(JSONWriterError) {
        key("startedEventId")
        try integer(id)
    }

    /// Writes `key: value` when `value` is present (Codable's `encodeIfPresent`).
    fileprivate mutating func optional(_ key: StaticString, _ value: JSONValue?) throws(JSONWriterError) {
        guard let value else { return }
        self.key(key)
        try self.value(value)
    }

    fileprivate mutating func decisionTaskCompletedEventId(_ id: Int64) throws(JSONWriterError) {
        key("decisionTaskCompletedEventId")
        try integer(id)
    }
}

extension EventType {
    /// ``attributesKey`` of every type, built once: reading an event looks its key up.
    static let attributesKeys = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.attributesKey) })

    /// ``attributesKey`` as a literal, so writing an event builds no string for it.
    var attributesKeyLiteral: StaticString {
        switch self {
        case .workflowExecutionStarted: "workflowExecutionStartedEventAttributes"
        case .workflowExecutionCompleted: "workflowExecutionCompletedEventAttributes"
        case .workflowExecutionFailed: "workflowExecutionFailedEventAttributes"
        case .workflowExecutionTimedOut: "workflowExecutionTimedOutEventAttributes"
        case .workflowExecutionCanceled: "workflowExecutionCanceledEventAttributes"
        case .workflowExecutionCancelRequested: "workflowExecutionCancelRequestedEventAttributes"
        case .workflowExecutionSignaled: "workflowExecutionSignaledEventAttributes"
        case .workflowExecutionTerminated: "workflowExecutionTerminatedEventAttributes"
        case .decisionTaskScheduled: "decisionTaskScheduledEventAttributes"
        case .decisionTaskStarted: "decisionTaskStartedEventAttributes"
        case .decisionTaskCompleted: "decisionTaskCompletedEventAttributes"
        case .decisionTaskTimedOut: "decisionTaskTimedOutEventAttributes"
        case .activityTaskScheduled: "activityTaskScheduledEventAttributes"
        case .activityTaskStarted: "activityTaskStartedEventAttributes"
        case .activityTaskCompleted: "activityTaskCompletedEventAttributes"
        case .activityTaskFailed: "activityTaskFailedEventAttributes"
        case .activityTaskTimedOut: "activityTaskTimedOutEventAttributes"
        case .activityTaskCancelRequested: "activityTaskCancelRequestedEventAttributes"
        case .activityTaskCanceled: "activityTaskCanceledEventAttributes"
        case .timerStarted: "timerStartedEventAttributes"
        case .timerFired: "timerFiredEventAttributes"
        case .timerCanceled: "timerCanceledEventAttributes"
        case .markerRecorded: "markerRecordedEventAttributes"
        }
    }
}

// Reading: a parsed event object straight into a `HistoryEvent`, for loading long histories. It
// accepts exactly what `Codable` accepts or gives up (nil), and the caller then decodes with
// `Codable`, whose errors say what is wrong; `DirectEncodingTests` holds the two equal.

extension HistoryEvent {
    /// The event in `object`, or nil when anything is not as `Codable` would read it.
    public init?(directJSON object: JSONObject) {
        do throws(Mismatch) {
            let fields = Fields(object: object)
            guard let type = EventType(rawValue: try fields.string("eventType")) else { return nil }
            self.init(
                eventId: try fields.int64("eventId"), eventTimestamp: try fields.timestamp("eventTimestamp"),
                attributes: try Self.attributes(type, try fields.object(EventType.attributesKeys[type] ?? type.attributesKey)))
        } catch {
            return nil
        }
    }

    private static func attributes(_ type: EventType, _ f: Fields) throws(Mismatch) -> EventAttributes {
        switch type {
        case .workflowExecutionStarted:
            let execution = try f.object("workflowExecution")
            return .workflowExecutionStarted(
                WorkflowExecutionStartedEventAttributes(
                    workflowExecution: WorkflowExecution(
                        workflowId: try execution.string("workflowId"), runId: try execution.string("runId")),
                    workflowType: try f.typeName("workflowType"), taskList: try f.taskList("taskList"),
                    input: try f.json("input"), executionStartToCloseTimeout: try f.string("executionStartToCloseTimeout"),
                    taskStartToCloseTimeout: try f.string("taskStartToCloseTimeout"), definition: try f.json("definition"),
                    definitionDigest: try f.string("definitionDigest"), definitionSource: try f.optionalString("definitionSource"),
                    identity: try f.optionalString("identity"), tagList: try f.optionalStrings("tagList")))
        case .workflowExecutionCompleted:
            return .workflowExecutionCompleted(
                .init(result: try f.json("result"), decisionTaskCompletedEventId: try f.int64("decisionTaskCompletedEventId")))
        case .workflowExecutionFailed:
            return .workflowExecutionFailed(
                .init(
                    reason: try f.string("reason"), details: try f.json("details"),
                    decisionTaskCompletedEventId: try f.int64("decisionTaskCompletedEventId")))
        case .workflowExecutionTimedOut:
            return .workflowExecutionTimedOut(.init(timeoutType: try f.timeoutType()))
        case .workflowExecutionCanceled:
            return .workflowExecutionCanceled(
                .init(details: try f.json("details"), decisionTaskCompletedEventId: try f.int64("decisionTaskCompletedEventId")))
        case .workflowExecutionCancelRequested:
            return .workflowExecutionCancelRequested(.init(identity: try f.optionalString("identity")))
        case .workflowExecutionSignaled:
            return .workflowExecutionSignaled(
                .init(signalName: try f.string("signalName"), input: f.optionalJSON("input"), identity: try f.optionalString("identity")))
        case .workflowExecutionTerminated:
            return .workflowExecutionTerminated(
                .init(
                    reason: try f.optionalString("reason"), details: f.optionalJSON("details"), cause: try f.optionalString("cause"),
                    identity: try f.optionalString("identity")))
        case .decisionTaskScheduled:
            return .decisionTaskScheduled(
                .init(taskList: try f.taskList("taskList"), startToCloseTimeout: try f.string("startToCloseTimeout")))
        case .decisionTaskStarted:
            return .decisionTaskStarted(.init(scheduledEventId: try f.int64("scheduledEventId"), identity: try f.string("identity")))
        case .decisionTaskCompleted:
            return .decisionTaskCompleted(
                .init(scheduledEventId: try f.int64("scheduledEventId"), startedEventId: try f.int64("startedEventId")))
        case .decisionTaskTimedOut:
            return .decisionTaskTimedOut(
                .init(
                    scheduledEventId: try f.int64("scheduledEventId"), startedEventId: try f.int64("startedEventId"),
                    timeoutType: try f.timeoutType()))
        case .activityTaskScheduled:
            let retry = try f.object("retryPolicy")
            return .activityTaskScheduled(
                .init(
                    activityType: try f.typeName("activityType"), activityId: try f.string("activityId"),
                    input: try f.json("input"), control: try f.control("control"), taskList: try f.taskList("taskList"),
                    scheduleToStartTimeout: try f.string("scheduleToStartTimeout"),
                    scheduleToCloseTimeout: try f.string("scheduleToCloseTimeout"),
                    startToCloseTimeout: try f.string("startToCloseTimeout"), heartbeatTimeout: try f.string("heartbeatTimeout"),
                    retryPolicy: RetryPolicy(
                        initialInterval: try retry.interval("initialInterval"),
                        backoffCoefficient: try retry.double("backoffCoefficient"),
                        maximumInterval: try retry.interval("maximumInterval"), maximumAttempts: try retry.int("maximumAttempts"),
                        nonRetryableErrors: try retry.strings("nonRetryableErrors")),
                    decisionTaskCompletedEventId: try f.int64("decisionTaskCompletedEventId")))
        case .activityTaskStarted:
            return .activityTaskStarted(
                .init(
                    scheduledEventId: try f.int64("scheduledEventId"), identity: try f.string("identity"),
                    attempt: try f.int("attempt")))
        case .activityTaskCompleted:
            return .activityTaskCompleted(
                .init(
                    scheduledEventId: try f.int64("scheduledEventId"), startedEventId: try f.int64("startedEventId"),
                    result: try f.json("result")))
        case .activityTaskFailed:
            return .activityTaskFailed(
                .init(
                    scheduledEventId: try f.int64("scheduledEventId"), startedEventId: try f.int64("startedEventId"),
                    reason: try f.string("reason"), details: try f.string("details")))
        case .activityTaskTimedOut:
            return .activityTaskTimedOut(
                .init(
                    scheduledEventId: try f.int64("scheduledEventId"), startedEventId: try f.int64("startedEventId"),
                    timeoutType: try f.timeoutType(), details: f.optionalJSON("details")))
        case .activityTaskCancelRequested:
            return .activityTaskCancelRequested(
                .init(activityId: try f.string("activityId"), decisionTaskCompletedEventId: try f.int64("decisionTaskCompletedEventId")))
        case .activityTaskCanceled:
            return .activityTaskCanceled(
                .init(
                    scheduledEventId: try f.int64("scheduledEventId"), startedEventId: try f.int64("startedEventId"),
                    latestCancelRequestedEventId: try f.int64("latestCancelRequestedEventId"),
                    details: try f.optionalString("details")))
        case .timerStarted:
            return .timerStarted(
                .init(
                    timerId: try f.string("timerId"), control: f.isAbsent("control") ? nil : try f.control("control"),
                    startToFireTimeout: try f.string("startToFireTimeout"),
                    decisionTaskCompletedEventId: try f.int64("decisionTaskCompletedEventId")))
        case .timerFired:
            return .timerFired(.init(timerId: try f.string("timerId"), startedEventId: try f.int64("startedEventId")))
        case .timerCanceled:
            return .timerCanceled(
                .init(
                    timerId: try f.string("timerId"), startedEventId: try f.int64("startedEventId"),
                    decisionTaskCompletedEventId: try f.int64("decisionTaskCompletedEventId")))
        case .markerRecorded:
            return .markerRecorded(
                .init(
                    markerName: try f.string("markerName"), details: try f.json("details"),
                    decisionTaskCompletedEventId: try f.int64("decisionTaskCompletedEventId")))
        }
    }
}

/// Something `Codable` would refuse (or might read differently): the direct reader gives up.
package struct Mismatch: Error {
    /// Makes one.
    package init() {}
}

/// The members of one JSON object, read as `Codable`'s synthesized decoders read them: a missing
/// key or a wrong type is a mismatch; an optional is nil when absent or null; unknown keys are ignored.
package struct Fields {
    /// The object read.
    package let object: JSONObject

    /// Reads `object`.
    package init(object: JSONObject) { self.object = object }

    /// The value at `key`, which must be present.
    package func json(_ key: String) throws(Mismatch) -> JSONValue {
        guard let value = object[key] else { throw Mismatch() }
        return value
    }

    /// The value at `key`, nil when absent or null.
    package func optionalJSON(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    /// Whether `key` is absent or null.
    package func isAbsent(_ key: String) -> Bool { optionalJSON(key) == nil }

    /// A string.
    package func string(_ key: String) throws(Mismatch) -> String {
        guard case .string(let text) = try json(key) else { throw Mismatch() }
        return text
    }

    /// A string, nil when absent or null.
    package func optionalString(_ key: String) throws(Mismatch) -> String? {
        guard let value = optionalJSON(key) else { return nil }
        guard case .string(let text) = value else { throw Mismatch() }
        return text
    }

    /// An array of strings.
    package func strings(_ key: String) throws(Mismatch) -> [String] {
        guard case .array(let elements) = try json(key) else { throw Mismatch() }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let text) = element else { throw Mismatch() }
            strings.append(text)
        }
        return strings
    }

    /// An array of strings, nil when absent or null.
    package func optionalStrings(_ key: String) throws(Mismatch) -> [String]? {
        isAbsent(key) ? nil : try strings(key)
    }

    /// An integer within ±2^53.
    package func int64(_ key: String) throws(Mismatch) -> Int64 {
        guard let integer = try json(key).integerValue else { throw Mismatch() }
        return integer
    }

    /// An integer that fits `Int`.
    package func int(_ key: String) throws(Mismatch) -> Int {
        guard let integer = Int(exactly: try int64(key)) else { throw Mismatch() }
        return integer
    }

    /// A number.
    package func double(_ key: String) throws(Mismatch) -> Double {
        guard case .number(let number) = try json(key) else { throw Mismatch() }
        return number
    }

    /// A nested object.
    package func object(_ key: String) throws(Mismatch) -> Fields {
        guard case .object(let nested) = try json(key) else { throw Mismatch() }
        return Fields(object: nested)
    }

    /// An ISO 8601 timestamp.
    package func timestamp(_ key: String) throws(Mismatch) -> Timestamp {
        guard let timestamp = Timestamp(iso8601: try string(key)) else { throw Mismatch() }
        return timestamp
    }

    /// A duration such as `30s`.
    package func interval(_ key: String) throws(Mismatch) -> Interval {
        guard let interval = Interval(parsing: try string(key)) else { throw Mismatch() }
        return interval
    }

    func timeoutType() throws(Mismatch) -> TimeoutType {
        guard let type = TimeoutType(rawValue: try string("timeoutType")) else { throw Mismatch() }
        return type
    }

    func taskList(_ key: String) throws(Mismatch) -> TaskList {
        TaskList(name: try object(key).string("name"))
    }

    func typeName(_ key: String) throws(Mismatch) -> TypeName {
        let type = try object(key)
        return TypeName(name: try type.string("name"), version: try type.string("version"))
    }

    func control(_ key: String) throws(Mismatch) -> ActivityControl {
        let control = try object(key)
        guard let role = ActivityControl.Role(rawValue: try control.string("role")) else { throw Mismatch() }
        let index = control.optionalJSON("index")
        guard index == nil || index?.integerValue.flatMap({ Int(exactly: $0) }) != nil else { throw Mismatch() }
        return ActivityControl(step: try control.string("step"), index: index?.integerValue.map { Int($0) }, role: role)
    }
}
