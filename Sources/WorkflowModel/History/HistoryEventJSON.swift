public import StrictJSON

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

    fileprivate mutating func decisionTaskCompletedEventId(_ id: Int64) throws(JSONWriterError) {
        key("decisionTaskCompletedEventId")
        try integer(id)
    }
}

extension EventType {
    /// ``attributesKey`` as a literal, so writing an event builds no string for it.
    var attributesKeyLiteral: StaticString {
        switch self {
        case .workflowExecutionStarted: "workflowExecutionStartedEventAttributes"
        case .workflowExecutionCompleted: "workflowExecutionCompletedEventAttributes"
        case .workflowExecutionFailed: "workflowExecutionFailedEventAttributes"
        case .workflowExecutionTimedOut: "workflowExecutionTimedOutEventAttributes"
        case .workflowExecutionCanceled: "workflowExecutionCanceledEventAttributes"
        case .workflowExecutionCancelRequested: "workflowExecutionCancelRequestedEventAttributes"
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
