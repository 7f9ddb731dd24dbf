#if os(Linux)
    import Foundation

    /// The checks every crash scenario ends with.
    extension Scenario {
        /// The execution closed as `expected` (`completed`, `failed`, …): exit status, the history
        /// (checked byte by byte without Cairn's code), `cairn show --json` and `cairn list --json`;
        /// and every history seen at a kill is a prefix of the final one (no acknowledged event lost).
        func checkClosed(as expected: String, exitStatus: Int32) throws {
            expect(
                exitStatus == (expected == "completed" ? 0 : 1),
                "the last engine exited with \(exitStatus); an execution that is \(expected) exits \(expected == "completed" ? 0 : 1)")
            let bytes = fileBytes(historyPath)
            let history = HistoryFile(bytes: bytes, executionId: executionId)
            for problem in history.problems { problems.append("history \(historyPath): \(problem)") }
            let closing = history.closingEvent?.eventType
            let expectedClosing = [
                "completed": "WorkflowExecutionCompleted", "failed": "WorkflowExecutionFailed", "canceled": "WorkflowExecutionCanceled",
                "timed_out": "WorkflowExecutionTimedOut",
            ][expected]
            expect(closing == expectedClosing, "the history closes with \(closing ?? "nothing"), expected \(expectedClosing ?? expected)")
            for kill in kills where !bytes.starts(with: kill.historyPrefix) {
                problems.append(
                    "the history at the kill \"\(kill.label)\" (\(kill.historyPrefix.count) bytes of complete records) "
                        + "is not a prefix of the final history: acknowledged records were changed or lost")
            }

            // Resuming a closed execution only reports it: same exit status, nothing appended or called.
            let callCount = calls().count
            let again = try cairn(["resume", executionId, "--sim-speed", simSpeed])
            expect(
                again.status == (expected == "completed" ? 0 : 1) && fileBytes(historyPath) == bytes && calls().count == callCount,
                "`cairn resume` of the closed execution should only report it (exit \(expected == "completed" ? 0 : 1), history "
                    + "and calls.log unchanged); exit \(again.status), history \(fileBytes(historyPath) == bytes ? "unchanged" : "changed"), "
                    + "\(calls().count - callCount) new calls: \(again.stderr)")

            let show = try cairn(["show", executionId, "--json"])
            let shown = (try? JSONSerialization.jsonObject(with: Data(show.stdout.utf8))) as? [String: Any]
            expect(
                show.status == 0 && shown?["status"] as? String == expected,
                "`cairn show \(executionId) --json` should say status \(expected); exit \(show.status), "
                    + "status \(shown?["status"] ?? "none"): \(show.stderr)")
            expect(
                shown?["events"] as? Int == history.events.count,
                "`cairn show --json` counts \(shown?["events"] ?? "no") events; the history has \(history.events.count)")
            let list = try cairn(["list", "--json"])
            let listed = list.stdout.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
            expect(
                listed.count == 1 && listed.first?["executionId"] as? String == executionId
                    && listed.first?["status"] as? String == expected,
                "`cairn list --json` should list only \(executionId) as \(expected): \(list.stdout)")
        }

        /// Completed work is not redone: after each kill, no call by an activity whose completion was
        /// already in the history; each resource created at most once; every `alreadyExists` is our own
        /// earlier creation, adopted by the same activity, which then completed; and every resource
        /// created by an activity that had not completed at a kill was adopted that way.
        /// - Returns: how many creations were adopted after a crash.
        @discardableResult func checkNoWorkRedone() -> Int {
            let calls = calls()
            let history = history(strict: false)
            for kill in kills {
                for call in calls[min(kill.callCount, calls.count)...] {
                    if let activity = call.activity, call.execution == executionId, kill.completedActivities.contains(activity) {
                        problems.append(
                            "activity \(activity) had completed (ActivityTaskCompleted in the history) before the kill \"\(kill.label)\", "
                                + "yet a later process called again: \(call)")
                    }
                }
            }
            var created: [String: [SimCall]] = [:]
            for call in calls where SimCall.creatingOperations.contains(call.op) && call.outcome == "created" {
                created["\(call.op) \(call.region)/\(call.identifier ?? "-")", default: []].append(call)
            }
            for (resource, creations) in created where creations.count > 1 {
                problems.append("\(resource) was created \(creations.count) times: \(creations.map(\.description))")
            }
            var adopted = 0
            for call in calls where call.outcome == "alreadyExists" {
                let result = call.activity.flatMap { history.result(of: $0) }
                guard result?["identifier"] as? String == call.identifier else {
                    problems.append(
                        "\(call): the existing resource should be adopted and the activity complete with it; "
                            + "its ActivityTaskCompleted result is \(result.map { "\($0)" } ?? "missing")")
                    continue
                }
                adopted += 1
                let original = calls[..<call.index].first {
                    $0.op == call.op && $0.identifier == call.identifier && $0.outcome == "created"
                }
                if let original {
                    expect(
                        original.execution == call.execution && original.activity == call.activity,
                        "\(call) adopted \(original), which another execution or activity created")
                    continue
                }
                // The creation is durable but calls.log lost its line (see the test
                // simulatorLogsEveryDurableCall); the adopted resource's tags must still name this step.
                let tags = result?["tags"] as? [String: Any]
                expect(
                    tags?["cairn:execution"] as? String == executionId && tags?["cairn:activity"] as? String == call.activity,
                    "\(call) adopted a resource that this activity did not create: its tags are \(tags.map { "\($0)" } ?? "missing")")
                note("calls.log has no `created` line before \(call); the adopted resource's tags name this step")
            }
            let canceled = history.activityIds(withEvent: "ActivityTaskCanceled")
            for kill in kills {
                // A canceled activity is not retried; whether its resource is gone is for the
                // instance checks to say.
                for creation in kill.ambiguousCreates where !(creation.activity.map { canceled.contains($0) } ?? false) {
                    let retried = calls[min(kill.callCount, calls.count)...].contains {
                        $0.op == creation.op && $0.identifier == creation.identifier && $0.activity == creation.activity
                            && $0.outcome == "alreadyExists"
                    }
                    let completed = creation.activity.map { history.completedActivities.contains($0) } ?? false
                    expect(
                        retried && completed,
                        "\(creation) happened before the kill \"\(kill.label)\" but its ActivityTaskCompleted was not in the history; "
                            + "the retried attempt should meet alreadyExists and adopt it (retried: \(retried), completed: \(completed))")
                }
            }
            return adopted
        }

        /// `cairn sim instances --json`, parsed.
        func simInstances() throws -> [SimInstance] {
            let result = try cairn(["sim", "instances", "--json"])
            guard result.status == 0, let instances = SimInstance.parse(result.stdout) else {
                throw E2EFailure("`cairn sim instances --json` failed (exit \(result.status)): \(result.stdout) \(result.stderr)")
            }
            return instances
        }

        /// The multi-region rollout's resources: one Multi-AZ primary in us-east-1 and one replica of it
        /// per region, all available and tagged with this execution, and nothing else.
        func checkRolloutInstances(identifier: String = "orders", replicaRegions: [String] = ["eu-west-1", "ap-southeast-2"]) throws {
            let instances = try simInstances()
            let primaries = instances.filter { $0.identifier == identifier && $0.region == "us-east-1" }
            expect(primaries.count == 1, "expected one primary \(identifier) in us-east-1, found \(primaries.map(\.description))")
            let primary = primaries.first
            expect(
                primary?.multiAZ == true && primary?.readReplicaSourceArn == nil,
                "the primary is not a Multi-AZ source: \(primary.map(\.description) ?? "-")")
            for region in replicaRegions {
                let replicas = instances.filter { $0.region == region }
                expect(
                    replicas.count == 1 && replicas.first?.identifier == "\(identifier)-\(region)"
                        && replicas.first?.readReplicaSourceArn == primary?.arn,
                    "expected one replica \(identifier)-\(region) of \(primary?.arn ?? "the primary") in \(region), found \(replicas.map(\.description))"
                )
            }
            expect(
                instances.count == 1 + replicaRegions.count,
                "expected \(1 + replicaRegions.count) instances, found \(instances.count): \(instances.map(\.description))")
            for instance in instances {
                expect(
                    instance.tags["cairn:execution"] == executionId && instance.status == "available",
                    "\(instance.identifier) should be available and tagged cairn:execution=\(executionId): \(instance)")
            }
        }

        /// Temporary files of interrupted atomic writes (`.NAME.tmp-PID-N`) left in the state directory.
        var leftoverTemporaryFiles: [String] {
            [executionsDirectory, stateDirectory + "/sim"].flatMap { directory in
                ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.contains(".tmp-") }
            }
        }

        /// Prints the figures of a scenario as one machine-readable line (reliability.md, section e).
        func report(_ fields: [(String, Any)]) {
            let calls = calls()
            let summary: [(String, Any)] = [
                ("test", name), ("kills", kills.count), ("engine_starts", engineStarts), ("events", history(strict: false).events.count),
                ("calls", calls.count), ("created", calls.filter { $0.outcome == "created" }.count),
                ("already_exists", calls.filter { $0.outcome == "alreadyExists" }.count), ("leftover_tmp", leftoverTemporaryFiles.count),
            ]
            print("RESULT " + (summary + fields).map { "\($0.0)=\($0.1)" }.joined(separator: " "))
        }
    }
#endif
