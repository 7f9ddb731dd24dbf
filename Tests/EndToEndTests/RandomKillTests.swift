#if os(Linux)
    import EngineTesting
    import Foundation
    import Testing

    /// SIGKILL at seeded random moments of one rollout, each followed by a resume (reliability.md T05).
    ///
    /// A moment is "right after start", "after the engine appended N more history records" or "after
    /// the simulator logged N more calls", so kills are spread over the whole execution without any
    /// timing. One seed in three also injects a replica fault, so some kills hit the rollback.
    ///
    /// `CAIRN_E2E_KILLS` (default 5) sets the number of kills and `CAIRN_E2E_SEED` the seed; a failure
    /// prints both and the command that replays it. A replay makes the same choices, though a SIGKILL
    /// may land a few records later on another run.
    extension EndToEnd {
        @Suite struct RandomKillTests {
            @Test func killsAtRandomMoments() async {
                let environment = ProcessInfo.processInfo.environment
                let seed = environment["CAIRN_E2E_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
                let kills = environment["CAIRN_E2E_KILLS"].flatMap { Int($0) } ?? 5
                let replay =
                    "replay: CAIRN_E2E_SEED=\(seed) CAIRN_E2E_KILLS=\(kills) swift test --skip-build\(Self.scratchPathOption) "
                    + "--filter RandomKillTests"
                print("e2e random kills: seed \(seed), \(kills) kills (\(replay))")
                await E2E.run("random-kills", executionId: "e2e-random", context: "seed \(seed)\n\(replay)") { s in
                    var random = SeededRandom(seed: seed)
                    let injectFault = random.next() % 3 == 0
                    if injectFault {
                        let fault = try s.cairn([
                            "sim", "fault", "--operation", "CreateDBInstanceReadReplica", "--code", "InvalidParameterValue", "--times", "1",
                            "--identifier", "*ap-southeast-2*",
                        ])
                        guard fault.status == 0 else { throw E2EFailure("cairn sim fault failed: \(fault.stderr)") }
                        s.note("seed \(seed): replica fault injected; the execution rolls back once its failure is durable")
                    }
                    var closedEarly = false
                    for number in 1...max(kills, 1) where kills > 0 {
                        let engine = try s.startEngine()
                        let moment: String
                        let killed: Bool
                        switch random.next() % 5 {
                        case 0:
                            moment = "right after start"
                            killed = try s.kill(engine, when: "#\(number) \(moment)", allowExit: true) { _ in true }
                        case 1, 2:
                            let records = Int(random.next() % 6) + 1
                            moment = "after \(records) more history records"
                            killed = try s.kill(engine, when: "#\(number) \(moment)", allowExit: true) { $0.recordsAppended >= records }
                        default:
                            let calls = Int(random.next() % 10) + 1
                            moment = "after \(calls) more simulator calls"
                            killed = try s.kill(engine, when: "#\(number) \(moment)", watchSimulator: true, allowExit: true) {
                                $0.newCalls.count >= calls
                            }
                        }
                        if !killed {
                            s.note("the execution closed before kill #\(number) (\(moment))")
                            closedEarly = true
                            break
                        }
                    }
                    let status: Int32
                    if closedEarly, let last = s.children.last, let exit = last.exitStatus {
                        status = exit
                    } else {
                        status = try s.runToClose()
                    }
                    // The fault fails the replica's first CreateDBInstanceReadReplica. If a kill lands before
                    // that failure's ActivityTaskFailed is durable, the failure was never acknowledged: the
                    // step runs again after the resume, the fault is used up, and the rollout completes.
                    let failureRecorded = s.history().activityIds(withEvent: "ActivityTaskFailed").contains("replicas[1]")
                    if injectFault {
                        s.expect(
                            s.calls().contains {
                                $0.op == "CreateDBInstanceReadReplica" && $0.errorCode == "InvalidParameterValue"
                                    && $0.activity == "replicas[1]"
                            }, "the injected fault never fired")
                        if !failureRecorded { s.note("the fault fired but a kill lost its ActivityTaskFailed; the retry completed") }
                    }
                    let rolledBack = injectFault && failureRecorded
                    try s.checkClosed(as: rolledBack ? "failed" : "completed", exitStatus: status)
                    let adopted = s.checkNoWorkRedone()
                    if rolledBack { try CrashPointTests.checkRolledBack(s) } else { try s.checkRolloutInstances() }
                    s.report([("seed", seed), ("fault", injectFault), ("adopted", adopted)])
                }
            }

            /// ` --scratch-path X` when the binary was not built into the default `.build`.
            static var scratchPathOption: String {
                guard let binary = CairnBinary.path else { return "" }
                var directory = URL(fileURLWithPath: binary).deletingLastPathComponent()
                while directory.path != "/" {
                    if directory.lastPathComponent.hasPrefix(".build") {
                        return directory.lastPathComponent == ".build" ? "" : " --scratch-path \(directory.lastPathComponent)"
                    }
                    directory = directory.deletingLastPathComponent()
                }
                return ""
            }
        }
    }
#endif
