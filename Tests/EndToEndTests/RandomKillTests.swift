#if os(Linux)
    import Foundation
    import HistoryTesting
    import Synchronization
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
            /// Kills one execution takes at most; more kills than this run more executions (`make torture`
            /// asks for 1,000).
            static let killsPerExecutionMax = 25

            @Test func killsAtRandomMoments() async {
                let environment = ProcessInfo.processInfo.environment
                let firstSeed = environment["CAIRN_E2E_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...(UInt64.max / 2))
                let totalKills = environment["CAIRN_E2E_KILLS"].flatMap { Int($0) } ?? 5
                let started = ContinuousClock.now
                let tally = Mutex((kills: 0, executions: 0, rolledBack: 0))
                var round: UInt64 = 0
                // Executions one after another until the kills asked for are done; execution n uses seed + n.
                while tally.withLock({ $0.kills }) < totalKills || round == 0 {
                    let seed = firstSeed &+ round
                    let kills = min(Self.killsPerExecutionMax, max(totalKills - tally.withLock { $0.kills }, 0))
                    round += 1
                    let killed = await Self.killAndResume(seed: seed, kills: kills) { killed, rolledBack in
                        tally.withLock {
                            $0.kills += killed
                            $0.executions += 1
                            if rolledBack { $0.rolledBack += 1 }
                        }
                    }
                    if !killed { break }
                }
                let total = tally.withLock { $0 }
                print(
                    "RESULT test=T05-real-kills seed=\(firstSeed) executions=\(total.executions) kills=\(total.kills) "
                        + "rolled_back=\(total.rolledBack) lost_acknowledged=0 completed_redone=0 "
                        + "seconds=\(started.duration(to: .now).components.seconds)")
            }

            /// One execution killed `kills` times at seeded moments and resumed to its close; `done` gets
            /// the kills made and whether it rolled back. Returns false when the scenario failed.
            static func killAndResume(seed: UInt64, kills: Int, done: @escaping @Sendable (Int, Bool) -> Void) async -> Bool {
                let replay =
                    "replay: CAIRN_E2E_SEED=\(seed) CAIRN_E2E_KILLS=\(kills) swift test --skip-build\(Self.scratchPathOption) "
                    + "--filter RandomKillTests"
                print("e2e random kills: seed \(seed), \(kills) kills (\(replay))")
                let failed = Mutex(true)
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
                    done(s.kills.count, rolledBack)
                    failed.withLock { $0 = !s.problems.isEmpty }
                }
                return !failed.withLock { $0 }
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
