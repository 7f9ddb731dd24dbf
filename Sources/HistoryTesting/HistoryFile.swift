import StrictJSON
public import WorkflowModel

/// History files read without the store, for tests that only need the events (the decider's): the
/// header and the engine's bookkeeping records are skipped, and checksums and ids are not
/// checked, so a fixture with bad ids can still be handed to the replay verifier. The store's own
/// reader, `HistoryRecovery.scan`, checks all of that; the golden-history tests run it on the same
/// files.
public enum HistoryFile {
    /// The events of the history file `bytes`, in file order.
    /// - Throws: ``StrictJSON/JSONSyntaxError`` for a record that is not JSON; `DecodingError` for an
    ///   event that does not have an event's shape.
    public static func events(in bytes: [UInt8]) throws -> [HistoryEvent] {
        var events: [HistoryEvent] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")).dropFirst() {
            // `<8 hex digits of the CRC-32C> <payload>`
            let value = try JSONValue(parsing: Array(line.dropFirst(checksumPrefixLength)), maxDepth: 512)
            guard let object = value.objectValue, object["record"] == nil else { continue }
            if let event = HistoryEvent(directJSON: object) {
                events.append(event)
            } else {
                events.append(try JSONValueDecoder().decode(HistoryEvent.self, from: value))
            }
        }
        return events
    }

    /// The bytes before a record's payload: eight hex digits and a space.
    static let checksumPrefixLength = 9

    /// The payload the store writes for `event` (a history file's line without its checksum).
    public static func payload(of event: HistoryEvent) throws -> [UInt8] {
        var writer = JSONWriter()
        try event.writeJSON(into: &writer)
        return writer.finish()
    }
}
