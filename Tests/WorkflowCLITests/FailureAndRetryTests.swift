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

            let json = await sandbox.cairn("history", "retried", "--json")
            #expect(json.status == 0)
            let lines = json.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            let shown = try await sandbox.showJSON("retried")
            #expect(Double(lines.count) == shown["events"]?.numberValue, "one line per event, no attempt records")
            for (index, line) in lines.enumerated() {
                let event = try JSONValue(parsing: Array(line.utf8))
                let object = try #require(event.objectValue, "\(line)")
                #expect(event["eventId"]?.integerValue == Int64(index + 1), "\(line)")
                let type = try #require(event["eventType"]?.stringValue, "\(line)")
                #expect(event["eventTimestamp"]?.stringValue?.hasSuffix("Z") == true, "\(line)")
                let attributesKey = type.prefix(1).lowercased() + type.dropFirst() + "EventAttributes"
                #expect(object[attributesKey]?.objectValue != nil, "\(line)")
                #expect(object.keys.sorted() == [attributesKey, "eventId", "eventTimestamp", "eventType"].sorted(), "\(line)")
            }
            #expect(!json.out.contains("Throttling"), "failed attempts are engine records, not events")
        }
    }
}
