import Foundation
import GoldenRecording
import HistoryStore
import HistoryTesting
import StrictJSON
import Testing
import Time
import WorkflowDecider
import WorkflowModel

/// A negative fixture: a golden history edited so that replay (or the recovery scan) must refuse
/// it. Its name is `bad-<what>.<expected>`, where `<expected>` is a `replay.*` code or
/// `quarantined` (the scan sets the file aside).
struct BadFixture: Sendable, CustomTestStringConvertible {
    var name: String
    /// The golden history it is derived from.
    var source: String
    /// The event (in the edited history) where replay must stop; for `quarantined`, the record.
    var failsAt: Int64
    /// Makes the edited file from the source's records.
    var make: @Sendable ([HistoryRecord]) throws -> [UInt8]

    var testDescription: String { name }
    var expected: String { String(name.split(separator: ".").last ?? "") }

    static func edited(_ records: [HistoryRecord], _ edit: ([HistoryEditing.Entry]) -> [HistoryEditing.Entry]) throws -> [UInt8] {
        try HistoryEditing.file(
            executionId: GoldenHistories.executionId, records: HistoryEditing.renumbered(records: records, editing: edit))
    }

    /// Changes the attributes of event `id` in place.
    static func changing(_ id: Int64, _ change: @escaping (EventAttributes) -> EventAttributes)
        -> ([HistoryEditing.Entry]) -> [HistoryEditing.Entry]
    {
        { entries in
            entries.map { entry in
                guard entry.oldId == id else { return entry }
                var entry = entry
                entry.event.attributes = change(entry.event.attributes)
                return entry
            }
        }
    }

    static let all: [BadFixture] = [
        BadFixture(name: "bad-changed-activity-type.decisionMismatch", source: "create-instance.completed", failsAt: 11) {
            try edited(
                $0,
                changing(11) { attributes in
                    guard case .activityTaskScheduled(var a) = attributes else { return attributes }
                    a.activityType.name = "rds.createSnapshot"
                    return .activityTaskScheduled(a)
                })
        },
        BadFixture(name: "bad-changed-input.decisionMismatch", source: "create-instance.completed", failsAt: 5) {
            try edited(
                $0,
                changing(5) { attributes in
                    guard case .activityTaskScheduled(var a) = attributes, var input = a.input.objectValue else { return attributes }
                    input["identifier"] = "orders-db-2"
                    a.input = .object(input)
                    return .activityTaskScheduled(a)
                })
        },
        // The `available` step's schedule (and its outcome) removed: its decision task records
        // nothing (as if cut by a crash), and the next one closes where the decider schedules it.
        BadFixture(name: "bad-removed-step.decisionMismatch", source: "create-instance.completed", failsAt: 14) {
            try edited($0) { entries in entries.filter { ![11, 12, 13].contains($0.oldId ?? 0) } }
        },
        BadFixture(name: "bad-extra-decision.unexpectedDecision", source: "create-instance.completed", failsAt: 6) {
            try edited($0) { entries in
                var entries = entries
                let extra = HistoryEvent(
                    eventId: 0, eventTimestamp: entries[4].event.eventTimestamp,
                    attributes: .markerRecorded(
                        MarkerRecordedEventAttributes(markerName: "Extra", details: .null, decisionTaskCompletedEventId: 4)))
                entries.insert(HistoryEditing.Entry(oldId: nil, event: extra), at: 5)
                return entries
            }
        },
        BadFixture(name: "bad-reordered-decisions.decisionMismatch", source: "multi-region-rollout.completed", failsAt: 17) {
            try edited($0) { entries in
                var entries = entries
                let first = entries[16].event.attributes
                entries[16].event.attributes = entries[17].event.attributes
                entries[17].event.attributes = first
                return entries
            }
        },
        // Ids jump from 11 to 13; references follow, so only the gap is wrong.
        BadFixture(name: "bad-noncontiguous-ids.invalidHistory", source: "create-instance.completed", failsAt: 13) { records in
            let shift: (Int64) -> Int64 = { $0 >= 12 ? $0 + 1 : $0 }
            let shifted = records.map { record -> HistoryRecord in
                guard case .event(let event) = record else { return record }
                return .event(
                    HistoryEvent(
                        eventId: shift(event.eventId), eventTimestamp: event.eventTimestamp,
                        attributes: HistoryEditing.remap(event.attributes, shift)))
            }
            return try HistoryEditing.file(executionId: GoldenHistories.executionId, records: shifted)
        },
        // Event 12 rewritten as a type this Cairn does not know (checksum still valid).
        BadFixture(name: "bad-unknown-event-type.quarantined", source: "create-instance.completed", failsAt: 12) { records in
            var bytes = try HistoryEditing.file(executionId: GoldenHistories.executionId, records: [])
            for record in records {
                if case .event(let event) = record, event.eventId == 12 {
                    bytes += HistoryEditing.framedLine(
                        payload:
                            #"{"activityTaskProgressedEventAttributes":{"scheduledEventId":11},"eventId":12,"eventTimestamp":"\#(event.eventTimestamp.iso8601)","eventType":"ActivityTaskProgressed"}"#
                    )
                } else {
                    bytes += try HistoryFormat.line(for: record)
                }
            }
            return bytes
        },
        // A decision event outside any decision task's batch: an activity no decider scheduled,
        // claiming to come from decision task 4, placed after an activity outcome.
        BadFixture(
            name: "bad-stray-decision.unexpectedDecision", source: "create-instance.completed", failsAt: 8,
            make: { records in
                try edited(records) { entries in
                    var entries = entries
                    let stray = HistoryEvent(
                        eventId: 0, eventTimestamp: entries[6].event.eventTimestamp,
                        attributes: .activityTaskScheduled(
                            ActivityTaskScheduledEventAttributes(
                                activityType: TypeName(name: "noop", version: "1"), activityId: "rogue", input: [:],
                                control: ActivityControl(step: "rogue"), taskList: TaskList(name: "default"),
                                scheduleToStartTimeout: "NONE", scheduleToCloseTimeout: "NONE", startToCloseTimeout: "1m",
                                heartbeatTimeout: "NONE", retryPolicy: .standard, decisionTaskCompletedEventId: 4)))
                    entries.insert(HistoryEditing.Entry(oldId: nil, event: stray), at: 7)
                    return entries
                }
            }),
    ]
}

/// Negative replay fixtures (reliability T12): each must be refused with its named error.
@Suite("Negative fixtures") struct BadFixtureTests {
    /// The committed file is what the edit makes of the current golden (so the two stay in step);
    /// `CAIRN_RECORD_GOLDENS=1` rewrites it.
    @Test(arguments: BadFixture.all)
    func fixtureIsDerivedFromItsGolden(_ bad: BadFixture) throws {
        let source = try ScannedFixture.load(bad.source)
        let bytes = try bad.make(source.records)
        let url = GoldenPaths.history(bad.name)
        if GoldenPaths.isRecording {
            try Data(bytes).write(to: url)
            return
        }
        let committed = try #require(try? Data(contentsOf: url), "\(bad.name).history is missing; \(GoldenPaths.acceptHint)")
        #expect(Array(committed) == bytes, "\(bad.name) no longer matches its golden; \(GoldenPaths.acceptHint)")
    }

    @Test(arguments: BadFixture.all)
    func fixtureIsRefusedWithItsNamedError(_ bad: BadFixture) throws {
        let bytes = Array(try Data(contentsOf: GoldenPaths.history(bad.name)))
        let scanned = HistoryRecovery.scan(bytes, file: bad.name + ".history", expectedExecutionId: GoldenHistories.executionId)
        if bad.expected == "quarantined" {
            guard case .quarantined(let quarantine) = scanned.outcome else {
                Issue.record("\(bad.name) scanned as \(scanned.outcome)")
                return
            }
            #expect(quarantine.reason.contains("record \(bad.failsAt)"), "\(quarantine.reason)")
            #expect(quarantine.reason.contains("unknown event type"), "\(quarantine.reason)")
            return
        }
        let events: [HistoryEvent]
        if bad.expected == "invalidHistory" {
            // The scan refuses it first; the verifier, handed the events anyway, refuses them too.
            guard case .quarantined(let quarantine) = scanned.outcome else {
                Issue.record("\(bad.name) scanned as \(scanned.outcome)")
                return
            }
            #expect(quarantine.reason.contains("event id \(bad.failsAt) follows \(bad.failsAt - 2)"), "\(quarantine.reason)")
            events = try HistoryFile.events(in: bytes)
        } else {
            #expect(scanned.outcome == .intact)
            events = scanned.events
        }
        let definition = try GoldenHistories.load(bad.source).definition
        let check = {
            do throws(ReplayError) {
                try ReplayVerifier.verify(definition: definition, history: events)
                Issue.record("\(bad.name) replayed without an error")
            } catch {
                #expect(error.code.description == "replay." + bad.expected, "\(error)")
                #expect(error.eventId == bad.failsAt, "\(error)")
            }
        }
        check()
    }
}
