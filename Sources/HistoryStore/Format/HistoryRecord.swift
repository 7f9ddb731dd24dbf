import StrictJSON
import Time
public import WorkflowModel

/// One record of a history file after the header: an SWF history event, or an engine bookkeeping
/// record that is not an event.
public enum HistoryRecord: Sendable, Hashable {
    /// A history event; its JSON is SWF's (`eventId`, `eventTimestamp`, `eventType`, attributes).
    case event(HistoryEvent)
    /// A failed activity attempt the engine will retry.
    case attemptFailed(ActivityAttemptFailed)

    /// The event, if this record is one.
    public var event: HistoryEvent? {
        if case .event(let event) = self { return event }
        return nil
    }

    /// True for an event, false for a bookkeeping record; unlike `event != nil`, it copies nothing.
    public var isEvent: Bool {
        if case .event = self { return true }
        return false
    }
}

extension HistoryRecord: Codable {
    /// The value of the `record` key that marks an ``ActivityAttemptFailed`` record.
    static let attemptFailedKind = "ActivityAttemptFailed"

    /// Keys of a bookkeeping record; written by hand so the bytes never depend on how an encoder
    /// merges two containers.
    private enum Key: String, CodingKey {
        case record, eventId
        case scheduledEventId, activityId, attempt, reason, details, timestamp, nextAttemptAt
    }

    /// Decodes a bookkeeping record when the object has a `record` key, an event otherwise.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        guard container.contains(.record) else {
            self = .event(try HistoryEvent(from: decoder))
            return
        }
        let kind = try container.decode(String.self, forKey: .record)
        guard kind == Self.attemptFailedKind else {
            throw DecodingError.dataCorruptedError(
                forKey: .record, in: container, debugDescription: "unknown record type \"\(kind)\"")
        }
        guard !container.contains(.eventId) else {
            throw DecodingError.dataCorruptedError(
                forKey: .eventId, in: container, debugDescription: "a bookkeeping record has no eventId")
        }
        self = .attemptFailed(
            ActivityAttemptFailed(
                scheduledEventId: try container.decode(Int64.self, forKey: .scheduledEventId),
                activityId: try container.decode(String.self, forKey: .activityId),
                attempt: try container.decode(Int.self, forKey: .attempt),
                reason: try container.decode(String.self, forKey: .reason),
                details: try container.decode(String.self, forKey: .details),
                timestamp: try container.decode(Timestamp.self, forKey: .timestamp),
                nextAttemptAt: try container.decodeIfPresent(Timestamp.self, forKey: .nextAttemptAt)))
    }

    /// Encodes an event in SWF's shape, or a bookkeeping record with its `record` key.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .event(let event):
            try event.encode(to: encoder)
        case .attemptFailed(let failure):
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(Self.attemptFailedKind, forKey: .record)
            try container.encode(failure.scheduledEventId, forKey: .scheduledEventId)
            try container.encode(failure.activityId, forKey: .activityId)
            try container.encode(failure.attempt, forKey: .attempt)
            try container.encode(failure.reason, forKey: .reason)
            try container.encode(failure.details, forKey: .details)
            try container.encode(failure.timestamp, forKey: .timestamp)
            try container.encodeIfPresent(failure.nextAttemptAt, forKey: .nextAttemptAt)
        }
    }
}

extension HistoryRecord {
    /// Writes the record's JSON directly; the same bytes as its `Codable` encoding (keys sorted).
    func writeJSON(into writer: inout JSONWriter) throws(JSONWriterError) {
        switch self {
        case .event(let event):
            try event.writeJSON(into: &writer)
        case .attemptFailed(let failure):
            writer.beginObject()
            writer.key("activityId")
            writer.string(failure.activityId)
            writer.key("attempt")
            try writer.integer(failure.attempt)
            writer.key("details")
            writer.string(failure.details)
            if let next = failure.nextAttemptAt {
                writer.key("nextAttemptAt")
                writer.timestamp(next)
            }
            writer.key("reason")
            writer.string(failure.reason)
            writer.key("record")
            writer.string(Self.attemptFailedKind)
            writer.key("scheduledEventId")
            try writer.integer(failure.scheduledEventId)
            writer.key("timestamp")
            writer.timestamp(failure.timestamp)
            writer.endObject()
        }
    }
}

extension HistoryRecord {
    /// The record in a parsed payload, read without `Codable`; nil when anything is not as the
    /// `Codable` decoder would read it (the caller then decodes with it, for its error).
    init?(directJSON value: JSONValue) {
        guard case .object(let object) = value else { return nil }
        guard object["record"] != nil else {
            guard let event = HistoryEvent(directJSON: object) else { return nil }
            self = .event(event)
            return
        }
        let fields = Fields(object: object)
        do throws(Mismatch) {
            guard try fields.string("record") == Self.attemptFailedKind, object["eventId"] == nil else { return nil }
            self = .attemptFailed(
                ActivityAttemptFailed(
                    scheduledEventId: try fields.int64("scheduledEventId"), activityId: try fields.string("activityId"),
                    attempt: try fields.int("attempt"), reason: try fields.string("reason"), details: try fields.string("details"),
                    timestamp: try fields.timestamp("timestamp"),
                    nextAttemptAt: fields.isAbsent("nextAttemptAt") ? nil : try fields.timestamp("nextAttemptAt")))
        } catch {
            return nil
        }
    }
}
