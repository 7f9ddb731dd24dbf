import Foundation

/// One record (line) of a history file, parsed by the test itself with `JSONSerialization`.
struct HistoryRecord {
    /// Line number: 0 is the header.
    var line: Int
    var object: [String: Any]

    var eventId: Int? { object["eventId"] as? Int }
    var eventType: String? { object["eventType"] as? String }
    /// `ActivityAttemptFailed` for a bookkeeping record, nil for an event.
    var bookkeeping: String? { object["record"] as? String }
    var isEvent: Bool { bookkeeping == nil && eventId != nil }

    /// The `<eventType with a lowercase first letter>EventAttributes` object.
    var attributes: [String: Any]? {
        guard let type = eventType, let first = type.first else { return nil }
        return object[first.lowercased() + type.dropFirst() + "EventAttributes"] as? [String: Any]
    }

    static let closingTypes: Set<String> = [
        "WorkflowExecutionCompleted", "WorkflowExecutionFailed", "WorkflowExecutionCanceled", "WorkflowExecutionTimedOut",
        "WorkflowExecutionTerminated",
    ]
    var isClosing: Bool { eventType.map { Self.closingTypes.contains($0) } ?? false }
}

/// A history file read without any of Cairn's code: framing, CRC-32C, header, event ids, closing.
struct HistoryFile {
    var records: [HistoryRecord] = []
    /// What is wrong with the file, in the words of docs/history-format.md; empty when it is valid.
    var problems: [String] = []

    /// Parses `bytes`. With `strict` every problem is reported; without (used while an engine is
    /// writing), an unterminated last line is ignored and checksums are not verified.
    init(bytes: [UInt8], executionId: String, strict: Bool = true) {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            lines.append(bytes[start..<index])
            start = index + 1
        }
        if start < bytes.count, strict {
            problems.append("the file ends with \(bytes.count - start) bytes that are not a terminated line (torn tail)")
        }
        if strict, bytes.isEmpty { problems.append("the file is empty") }
        for (number, line) in lines.enumerated() {
            guard let object = Self.parse(line, number: number, strict: strict, problems: &problems) else {
                if strict { continue } else { break }
            }
            if number == 0 {
                if strict {
                    if object["format"] as? String != "cairn.history" { problems.append("header: format is not cairn.history") }
                    if object["version"] as? Int != 1 { problems.append("header: version is not 1") }
                    if object["executionId"] as? String != executionId {
                        problems.append("header: executionId is \(object["executionId"] ?? "missing"), not \(executionId)")
                    }
                }
                continue
            }
            records.append(HistoryRecord(line: number, object: object))
        }
        if strict { problems += Self.sequenceProblems(records) }
    }

    /// Reads the file at `path`; a missing file is an empty history.
    init(path: String, executionId: String, strict: Bool = true) {
        let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        self.init(bytes: bytes, executionId: executionId, strict: strict)
    }

    /// One line's envelope, checksum and JSON payload.
    private static func parse(_ line: ArraySlice<UInt8>, number: Int, strict: Bool, problems: inout [String]) -> [String: Any]? {
        let bytes = Array(line)
        guard bytes.count >= 10, bytes[8] == 0x20, bytes[9] == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else {
            problems.append("record \(number): not `<crc> {json}`")
            return nil
        }
        let hex = bytes[0..<8]
        let lowerHex = Set("0123456789abcdef".utf8)
        guard hex.allSatisfy({ lowerHex.contains($0) }), let stored = UInt32(String(decoding: hex, as: UTF8.self), radix: 16) else {
            problems.append("record \(number): the checksum is not 8 lowercase hex digits")
            return nil
        }
        let payload = bytes[9...]
        if strict {
            let computed = TestCRC32C.checksum(payload)
            if computed != stored {
                problems.append(
                    "record \(number): checksum mismatch (stored \(String(stored, radix: 16)), computed \(String(computed, radix: 16)))")
                return nil
            }
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] else {
            problems.append("record \(number): the payload is not a JSON object")
            return nil
        }
        return object
    }

    /// docs/history-format.md section 6, plus: activity events refer to a scheduled activity,
    /// no activity completes twice, and nothing follows the closing event.
    private static func sequenceProblems(_ records: [HistoryRecord]) -> [String] {
        var problems: [String] = []
        var lastEventId = 0
        var scheduled: [Int: String] = [:]  // scheduledEventId -> activityId
        var completedActivities: Set<String> = []
        var closedAt: Int?
        for record in records {
            if let closedAt {
                problems.append("record \(record.line) follows the closing event (record \(closedAt))")
                break
            }
            if let kind = record.bookkeeping {
                if kind != "ActivityAttemptFailed" { problems.append("record \(record.line): unknown bookkeeping record \(kind)") }
                if lastEventId == 0 { problems.append("record \(record.line): a bookkeeping record before the first event") }
                guard let id = record.object["scheduledEventId"] as? Int, scheduled[id] != nil, id <= lastEventId else {
                    problems.append("record \(record.line): scheduledEventId does not name an earlier ActivityTaskScheduled")
                    continue
                }
                continue
            }
            guard let eventId = record.eventId, let type = record.eventType else {
                problems.append("record \(record.line): an event without eventId or eventType")
                continue
            }
            if eventId != lastEventId + 1 { problems.append("record \(record.line): event id \(eventId) follows \(lastEventId)") }
            lastEventId = eventId
            if eventId == 1, type != "WorkflowExecutionStarted" { problems.append("event 1 is \(type), not WorkflowExecutionStarted") }
            if record.object["eventTimestamp"] as? String == nil { problems.append("event \(eventId): no eventTimestamp") }
            guard let attributes = record.attributes else {
                problems.append("event \(eventId) (\(type)): no \(type)EventAttributes object")
                continue
            }
            switch type {
            case "ActivityTaskScheduled":
                guard let activityId = attributes["activityId"] as? String else {
                    problems.append("event \(eventId): ActivityTaskScheduled without activityId")
                    continue
                }
                scheduled[eventId] = activityId
            case "ActivityTaskStarted", "ActivityTaskCompleted", "ActivityTaskFailed", "ActivityTaskCanceled":
                guard let id = attributes["scheduledEventId"] as? Int, let activityId = scheduled[id] else {
                    problems.append("event \(eventId) (\(type)): scheduledEventId does not name an earlier ActivityTaskScheduled")
                    continue
                }
                if type == "ActivityTaskCompleted", !completedActivities.insert(activityId).inserted {
                    problems.append("event \(eventId): activity \(activityId) completed a second time")
                }
            default: break
            }
            if record.isClosing { closedAt = record.line }
        }
        if lastEventId == 0 { problems.append("the history has no events") }
        return problems
    }

    // MARK: Queries

    var events: [HistoryRecord] { records.filter(\.isEvent) }
    var eventTypes: [String] { events.compactMap(\.eventType) }
    var closingEvent: HistoryRecord? { events.last(where: \.isClosing) }

    /// ActivityTaskScheduled event id -> activity id.
    var scheduledActivities: [Int: String] {
        var map: [Int: String] = [:]
        for event in events where event.eventType == "ActivityTaskScheduled" {
            if let activityId = event.attributes?["activityId"] as? String, let id = event.eventId { map[id] = activityId }
        }
        return map
    }

    func activityIds(withEvent type: String) -> Set<String> {
        let scheduled = scheduledActivities
        if type == "ActivityTaskScheduled" { return Set(scheduled.values) }
        return Set(
            events.filter { $0.eventType == type }.compactMap { event in
                (event.attributes?["scheduledEventId"] as? Int).flatMap { scheduled[$0] }
            })
    }

    var completedActivities: Set<String> { activityIds(withEvent: "ActivityTaskCompleted") }
    var scheduledActivityIds: Set<String> { activityIds(withEvent: "ActivityTaskScheduled") }

    /// The result of the activity's ActivityTaskCompleted.
    func result(of activityId: String) -> [String: Any]? {
        let scheduled = scheduledActivities
        return events.first { event in
            event.eventType == "ActivityTaskCompleted"
                && (event.attributes?["scheduledEventId"] as? Int).flatMap { scheduled[$0] } == activityId
        }?.attributes?["result"] as? [String: Any]
    }

    func hasMarker(_ name: String) -> Bool {
        events.contains { $0.eventType == "MarkerRecorded" && $0.attributes?["markerName"] as? String == name }
    }
}
