#if os(Linux)
    import Foundation
    import Testing

    extension EndToEnd {
        /// Narrow crash windows that once ended wrong (both found by this suite, both fixed). Each test
        /// aims a SIGKILL at its window (a fraction of a millisecond: a few fsyncs), retrying in a fresh
        /// state directory when the kill lands outside it, and then states what must hold.
        @Suite struct CrashWindowTests {
            /// replicas[0] fails for good while replicas[1] is creating its instance; the engine dies
            /// after replicas[1]'s CreateDBInstanceReadReplica succeeded and before its
            /// ActivityTaskCompleted was written. The resumed rollback must not cancel replicas[1] (that
            /// left the replica behind): it runs again, adopts its instance, and is compensated.
            @Test func crashDuringAFailedParallelStepLeavesNoInstance() async {
                // Fast simulated time: a missed window costs less; the window itself is in real time.
                await E2E.run("orphaned-replica", executionId: "e2e-orphan", simSpeed: "1200") { s in
                    let attempts = 30
                    for attempt in 1...attempts {
                        s.resetState()
                        let fault = try s.cairn([
                            "sim", "fault", "--operation", "CreateDBInstanceReadReplica", "--code", "InvalidParameterValue", "--times", "1",
                            "--identifier", "*eu-west-1*",
                        ])
                        guard fault.status == 0 else { throw E2EFailure("cairn sim fault failed: \(fault.stderr)") }
                        let run = try s.startEngine()
                        let window = "replicas[1]'s instance saved"
                        // Killed as soon as replicas[1]'s creation is logged; whether replicas[0]'s failure
                        // is already in the history then depends on which worker reached the simulator first.
                        // Killed as soon as the simulator has saved replicas[1]'s instance (raw byte search: the
                        // window is a few fsyncs wide). Whether replicas[0]'s failure is in the history by then
                        // depends on which worker reached the simulator first.
                        let statePath = s.stateDirectory + "/sim/state.json"
                        let killed = try s.kill(run, when: window, watchSimulator: true, allowExit: true) { _ in
                            String(decoding: s.fileBytes(statePath), as: UTF8.self).contains(#""identifier" : "orders-ap-southeast-2","#)
                        }
                        let history = s.history()
                        guard killed, history.activityIds(withEvent: "ActivityTaskFailed").contains("replicas[0]"),
                            !history.completedActivities.contains("replicas[1]")
                        else {
                            s.note("attempt \(attempt): the kill missed the window")
                            continue
                        }
                        let status = try s.runToClose()
                        try s.checkClosed(as: "failed", exitStatus: status)
                        try CrashPointTests.checkRolledBack(s)
                        s.checkNoWorkRedone()
                        return
                    }
                    s.expect(false, "the window was not hit in \(attempts) attempts; nothing was checked")
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
