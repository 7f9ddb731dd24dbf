import Foundation
import StrictJSON
import Testing

/// Failing runs, rollback and retries, driven by the simulator's fault injection.
@Suite struct FailureAndRetryTests {
    @Test func aNonRetryableFaultFailsTheRun() async throws {
        try await Sandbox.with { sandbox in
            let fault = await sandbox.cairn("sim", "fault", "--operation", "CreateDBInstance", "--code", "InvalidParameterValue")
            try #require(fault.status == 0, "\(fault)")
            #expect(fault.out.contains("CreateDBInstance fails with InvalidParameterValue"), "\(fault)")
            let run = await sandbox.cairn(
                "run", workflowPath("create-instance"), "--input", "identifier=bad", "--id", "bad", "--sim-speed", "600")
            #expect(run.status == 1, "\(run)")
            #expect(run.out.hasPrefix("execution bad (run "), "\(run)")
            #expect(run.out.contains("instance  failed"), "\(run)")
            #expect(run.out.contains("\nfailed bad: StepFailed\n"), "\(run)")
            #expect(run.out.contains("InvalidParameterValue"), "\(run)")

            let shown = try await sandbox.showJSON("bad")
            #expect(shown["status"] == "failed")
            #expect(shown["failure"]?["reason"] == "StepFailed")
            #expect(shown["failure"]?["details"]?["cause"] == "InvalidParameterValue")
            #expect(shown["failure"]?["details"]?["step"] == "instance")
            #expect(shown.stepStatuses["instance"] == "failed")
            #expect(try await sandbox.instances().isEmpty)

            // Resuming a closed execution prints it and exits with its outcome.
            let resume = await sandbox.cairn("resume", "bad")
            #expect(resume.status == 1, "\(resume)")
            #expect(resume.out.contains("status    failed"), "\(resume)")
            #expect(resume.out.contains("failure: StepFailed"), "\(resume)")
        }
    }

    @Test func aFailedReplicaRollsEverythingBack() async throws {
        try await Sandbox.with { sandbox in
            let fault = await sandbox.cairn(
                "sim", "fault", "--operation", "CreateDBInstanceReadReplica", "--code", "InvalidParameterValue",
                "--identifier", "*ap-southeast-2*")
            try #require(fault.status == 0, "\(fault)")
            let run = await sandbox.cairn(
                "run", workflowPath("multi-region-rollout"), "--input", "identifier=orders", "--id", "rollout",
                "--sim-speed", "600")
            #expect(run.status == 1, "\(run)")
            #expect(run.out.contains("\nfailed rollout: StepFailed\n"), "\(run)")

            let shown = try await sandbox.showJSON("rollout")
            #expect(shown["status"] == "failed")
            let details = try #require(shown["failure"]?["details"], "\(shown)")
            #expect(details["rollback"] == "completed", "\(details)")
            #expect(details["activityId"] == "replicas[1]", "\(details)")
            #expect(details["compensated"] == ["replicas[0]", "primary"], "\(details)")
            #expect(shown.stepStatuses["primary"] == "compensated", "\(shown)")
            #expect(shown.stepStatuses["replicasAvailable"] == "pending", "\(shown)")
            let left = try await sandbox.instances().filter { executionTag($0) == "rollout" }
            #expect(left.isEmpty, "the primary and the other replica are deleted: \(left)")
        }
    }

    @Test func throttlingIsRetriedAndTheHistoryShowsTheAttempts() async throws {
        try await Sandbox.with { sandbox in
            let fault = await sandbox.cairn(
                "sim", "fault", "--operation", "CreateDBInstanceReadReplica", "--code", "Throttling", "--times", "2")
            try #require(fault.status == 0, "\(fault)")
            let run = await sandbox.cairn(
                "run", workflowPath("multi-region-rollout"), "--input", "identifier=orders", "--id", "retried",
                "--sim-speed", "600")
            #expect(run.status == 0, "\(run)")
            #expect(run.out.contains("\ncompleted retried\n"), "\(run)")
            let faults = await sandbox.cairn("sim", "faults")
            #expect(faults.out == "no fault rules\n", "both faults were used: \(faults)")

            let text = await sandbox.cairn("history", "retried")
            #expect(text.status == 0, "\(text)")
            let attempts = text.out.split(separator: "\n").filter { $0.contains(" failed: Throttling") }
            #expect(attempts.count == 2, "\(text)")
            #expect(attempts.allSatisfy { $0.contains("attempt 1 of replicas[") && $0.contains("; retry at ") }, "\(attempts)")
            #expect(text.out.contains("ActivityTaskStarted  scheduledEventId=17 attempt=2"), "\(text)")

            // --json holds the same records in the same order: events, and the retries as their history lines hold them.
            let json = await sandbox.cairn("history", "retried", "--json")
            #expect(json.status == 0)
            let lines = json.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            let shown = try await sandbox.showJSON("retried")
            var events = 0
            var retries: [JSONValue] = []
            var order: [String] = []
            for line in lines {
                let record = try JSONValue(parsing: Array(line.utf8))
                let object = try #require(record.objectValue, "\(line)")
                if record["record"] == "ActivityAttemptFailed" {
                    #expect(
                        object.keys.sorted()
                            == ["activityId", "attempt", "details", "nextAttemptAt", "reason", "record", "scheduledEventId", "timestamp"],
                        "\(line)")
                    #expect(record["reason"] == "Throttling" && record["attempt"] == 1, "\(line)")
                    #expect(record["nextAttemptAt"]?.stringValue?.hasSuffix("Z") == true, "\(line)")
                    retries.append(record)
                    order.append("retry \(record["activityId"]?.stringValue ?? "?")")
                    continue
                }
                events += 1
                #expect(record["eventId"]?.integerValue == Int64(events), "\(line)")
                let type = try #require(record["eventType"]?.stringValue, "\(line)")
                #expect(record["eventTimestamp"]?.stringValue?.hasSuffix("Z") == true, "\(line)")
                let attributesKey = type.prefix(1).lowercased() + type.dropFirst() + "EventAttributes"
                #expect(object[attributesKey]?.objectValue != nil, "\(line)")
                #expect(object.keys.sorted() == [attributesKey, "eventId", "eventTimestamp", "eventType"].sorted(), "\(line)")
                order.append("event \(events)")
            }
            #expect(Double(events) == shown["events"]?.numberValue, "one line per event: \(json.out)")
            #expect(retries.count == 2, "one line per retried attempt: \(json.out)")
            let textOrder = text.out.split(separator: "\n").map { line -> String in
                guard let retried = line.firstMatch(of: /attempt \d+ of (\S+) failed/) else { return "event" }
                return "retry \(retried.1)"
            }
            #expect(order.map { $0.hasPrefix("event") ? "event" : $0 } == textOrder, "the text form's order:\n\(text.out)")

            // show --json lists the same retries, in the same order and shape.
            #expect(shown["retries"]?.arrayValue == retries, "\(shown)")
        }
    }
}
