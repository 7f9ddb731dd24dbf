#if os(Linux)
    import Foundation
    import Glibc
    import Testing

    extension EndToEnd {
        /// Narrow crash windows that once ended wrong (both found by this suite, both fixed). A test
        /// either crashes the process at a failpoint placed in the window, or aims a SIGKILL at it (a
        /// fraction of a millisecond: a few fsyncs), retrying in a fresh state directory when the kill
        /// lands outside it; then it states what must hold.
        @Suite struct CrashWindowTests {
            /// replicas[0] fails for good while replicas[1] is creating its instance; the engine dies
            /// after replicas[1]'s CreateDBInstanceReadReplica succeeded and before its
            /// ActivityTaskCompleted was written. The resumed rollback must not cancel replicas[1] (that
            /// left the replica behind): it runs again, adopts its instance, and is compensated.
            @Test func crashDuringAFailedParallelStepLeavesNoInstance() async {
                await E2E.run("orphaned-replica", executionId: "e2e-orphan", simSpeed: "1200") { s in
                    // Every attempt of replicas[0]'s create fails for good (several times: the resumed run
                    // must meet the same failure). replicas[1]'s first create is throttled, so it retries
                    // after its 5 s backoff, long after replicas[0]'s failure is in the history and the
                    // decider has begun the rollback (which must let replicas[1] finish). The process
                    // kills itself at a failpoint right after the simulator saved and logged replicas[1]'s
                    // instance, before the answer reached the activity: the instance exists and no history
                    // records it. (Aiming a SIGKILL from outside at that window, a few fsyncs wide,
                    // missed it under load.)
                    for (identifier, code, times) in [("*eu-west-1*", "InvalidParameterValue", "5"), ("*ap-southeast-2*", "Throttling", "1")] {
                        let fault = try s.cairn([
                            "sim", "fault", "--operation", "CreateDBInstanceReadReplica", "--code", code, "--times", times,
                            "--identifier", identifier,
                        ])
                        guard fault.status == 0 else { throw E2EFailure("cairn sim fault failed: \(fault.stderr)") }
                    }
                    let failpoint = "sim.saved:CreateDBInstanceReadReplica:orders-ap-southeast-2=kill"
                    s.engineStarts += 1
                    s.note("run --id \(s.executionId) with CAIRN_FAILPOINTS=\(failpoint)")
                    let doomed = try s.spawn(s.runArguments, label: "run", environment: ["CAIRN_FAILPOINTS": failpoint])
                    let ended = doomed.wait(until: .now + Scenario.patience)
                    s.expect(ended == 128 + SIGKILL, "the failpoint should have killed the run; it ended with \(String(describing: ended))")
                    let replica = try s.simInstances().first { $0.identifier == "orders-ap-southeast-2" }
                    s.expect(replica != nil, "the simulator should hold replicas[1]'s instance at the kill")
                    let history = s.history()
                    s.expect(
                        history.activityIds(withEvent: "ActivityTaskFailed").contains("replicas[0]"),
                        "replicas[0]'s failure should be in the history at the kill")
                    s.expect(
                        !history.completedActivities.contains("replicas[1]"), "replicas[1]'s completion must not be in the history at the kill")
                    let status = try s.runToClose()
                    try s.checkClosed(as: "failed", exitStatus: status)
                    try CrashPointTests.checkRolledBack(s)
                    s.checkNoWorkRedone()
                }
            }

            /// calls.log is the simulator's record of every call, and the crash checks count creations
            /// in it. The engine is killed right after the simulator saved the new primary in
            /// state.json and before calls.log has its CreateDBInstance line; reopening the simulator
            /// must log the creation (it keeps the last change in state.json for that).
            @Test func simulatorLogsEveryDurableCall() async {
                await E2E.run("call-log", executionId: "e2e-calllog") { s in
                    let statePath = s.stateDirectory + "/sim/state.json"
                    func instanceInState() -> Bool {
                        guard let data = FileManager.default.contents(atPath: statePath),
                            let state = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
                            let instances = state["instances"] as? [[String: Any]]
                        else { return false }
                        return instances.contains { $0["identifier"] as? String == "orders" }
                    }
                    func logged() -> Bool {
                        s.calls().contains { $0.op == "CreateDBInstance" && $0.identifier == "orders" && $0.outcome == "created" }
                    }
                    let attempts = 20
                    for attempt in 1...attempts {
                        s.resetState()
                        let run = try s.startEngine()
                        let window = "primary in state.json, not in calls.log"
                        // Raw byte searches, not JSON parsing: the window is a fsync or two wide.
                        let killed = try s.kill(run, when: window, watchSimulator: true, allowExit: true) { _ in
                            String(decoding: s.fileBytes(statePath), as: UTF8.self).contains(#""identifier" : "orders","#)
                                && !String(decoding: s.fileBytes(s.callLogPath), as: UTF8.self).contains(#""op":"CreateDBInstance""#)
                        }
                        guard killed, instanceInState(), !logged() else {
                            s.note("attempt \(attempt): the kill missed the window")
                            continue
                        }
                        let status = try s.runToClose()
                        s.expect(
                            logged(),
                            "state.json held the instance orders when the engine was killed, but calls.log has no CreateDBInstance "
                                + "line for it even after the execution closed: \(s.calls().filter { $0.identifier == "orders" && $0.op.hasPrefix("Create") })"
                        )
                        try s.checkClosed(as: "completed", exitStatus: status)
                        return
                    }
                    s.expect(false, "the window was not hit in \(attempts) attempts; nothing was checked")
                }
            }
        }
    }
#endif
