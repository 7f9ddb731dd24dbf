#if os(Linux)
    import Foundation
    import Testing

    /// The real `cairn` binary on the RDS simulator, killed with SIGKILL at named points and resumed
    /// until the execution closes (reliability.md T05, T06, T13).
    ///
    /// Every kill waits for its condition by watching the state directory with inotify, never by
    /// sleeping. After the execution closes, each test checks the history byte by byte with the
    /// test's own reader, `cairn show`/`list`, and the simulator's call log and instances.
    extension EndToEnd {
        @Suite struct CrashPointTests {
            /// Killed while holding the lock with nothing durable, then while creating the history file:
            /// `cairn resume` says there is nothing to resume, `cairn run --id` starts it again.
            @Test func killBeforeTheFirstEvent() async {
                await E2E.run("before-first-event", executionId: "e2e-first") { s in
                    // The process kills itself at a named failpoint: lock held, simulator open, nothing
                    // recorded. (Racing a SIGKILL into that window of a few milliseconds loses on a busy machine.)
                    s.engineStarts += 1
                    s.note("run --id \(s.executionId) with CAIRN_FAILPOINTS=run.beforeFirstEvent=kill")
                    let doomed = try s.spawn(s.runArguments, label: "run", environment: ["CAIRN_FAILPOINTS": "run.beforeFirstEvent=kill"])
                    let ended = doomed.wait(until: .now + Scenario.patience)
                    s.expect(
                        ended == 128 + SIGKILL,
                        "the failpoint should have killed the run with SIGKILL; it ended with \(String(describing: ended))")
                    s.expect(!s.historyExists, "nothing may be recorded before the first event")

                    // Killed between the history's temporary file and its link into place (or just after).
                    let again = try s.startEngine()
                    let temporaryPrefix = ".\(s.executionId).history.tmp-"
                    try s.kill(again, when: "history being created") { _ in
                        s.historyExists
                            || ((try? FileManager.default.contentsOfDirectory(atPath: s.executionsDirectory)) ?? []).contains {
                                $0.hasPrefix(temporaryPrefix)
                            }
                    }
                    s.note("after the second kill the history \(s.historyExists ? "exists" : "does not exist")")

                    let status = try s.runToClose()
                    try s.checkClosed(as: "completed", exitStatus: status)
                    s.checkNoWorkRedone()
                    try s.checkRolloutInstances()
                    s.report([])
                }
            }

            /// Killed while rds.waitAvailable polls the primary: ActivityTaskScheduled of primaryAvailable
            /// in the history, two DescribeDBInstances answered, no completion.
            @Test func killWhileWaitingForThePrimary() async {
                await E2E.run("mid-activity", executionId: "e2e-mid") { s in
                    let run = try s.startEngine()
                    try s.wait(for: run, until: "primaryAvailable polling", watchSimulator: true) {
                        $0.running("primaryAvailable") && $0.polls(of: "orders") >= 2
                    }
                    // Held still (it keeps its lock): a second engine is refused, and `show` reads the history.
                    try run.pause()
                    let second = try s.cairn(["resume", s.executionId, "--sim-speed", s.simSpeed])
                    s.expect(
                        second.status == 1 && second.stderr.contains("another Cairn engine")
                            && second.stderr.contains("pid \(run.pid),"),
                        "a second engine on the state directory should be refused (exit 1) naming pid \(run.pid); "
                            + "exit \(second.status): \(second.stderr)")
                    let show = try s.cairn(["show", s.executionId, "--json"])
                    s.expect(show.stdout.contains(#""status": "running""#), "`cairn show` of the running execution: \(show.stdout)")
                    try s.kill(run, when: "primaryAvailable polling") { _ in true }
                    s.expect(
                        s.kills.last?.completedActivities == ["primary"],
                        "at the kill only primary should have completed: \(s.kills.last?.completedActivities.sorted() ?? [])")
                    let status = try s.runToClose()
                    try s.checkClosed(as: "completed", exitStatus: status)
                    s.checkNoWorkRedone()
                    try s.checkRolloutInstances()
                    s.report([])
                }
            }

            /// Killed as soon as primary's ActivityTaskCompleted is in the history. `cairn run --id` for
            /// the existing execution is refused and points at resume; the resumed engine does not create
            /// the primary again. Then a copy of the final history with one flipped byte must fail the
            /// test's checker and be reported quarantined by `cairn list`.
            @Test func killBetweenActivities() async {
                await E2E.run("between-activities", executionId: "e2e-between") { s in
                    let run = try s.startEngine()
                    try s.kill(run, when: "primary completed") { $0.completed("primary") }

                    let rerun = try s.cairn(s.runArguments)
                    s.expect(
                        rerun.status == 2 && rerun.stderr.contains("cairn resume \(s.executionId)"),
                        "`cairn run --id \(s.executionId)` for an existing execution should exit 2 and point to `cairn resume`; "
                            + "exit \(rerun.status): \(rerun.stderr)")

                    let status = try s.runToClose()
                    try s.checkClosed(as: "completed", exitStatus: status)
                    s.checkNoWorkRedone()
                    try s.checkRolloutInstances()
                    s.expect(
                        s.calls().filter { $0.op == "CreateDBInstance" }.count == 1,
                        "CreateDBInstance should be called once; primary completed before the kill")

                    // The checker can fail: one flipped byte in the middle of a copy.
                    var damaged = s.fileBytes(s.historyPath)
                    let middle = damaged.count / 2
                    damaged[middle] ^= 0x01
                    let checked = HistoryFile(bytes: damaged, executionId: s.executionId)
                    s.expect(!checked.problems.isEmpty, "the checker accepted a history with byte \(middle) flipped")
                    let copy = s.root + "/damaged-state"
                    try FileManager.default.createDirectory(atPath: copy + "/executions", withIntermediateDirectories: true)
                    guard FileManager.default.createFile(atPath: copy + "/executions/\(s.executionId).history", contents: Data(damaged))
                    else {
                        throw E2EFailure("cannot write the damaged copy in \(copy)")
                    }
                    let list = try s.cairn(["list", "--json", "--state-dir", copy])
                    s.expect(
                        list.stdout.contains("\"status\":\"quarantined\""),
                        "`cairn list` should report the damaged copy as quarantined: \(list.stdout) \(list.stderr)")
                    let resume = try s.cairn(["resume", s.executionId, "--state-dir", copy, "--sim-speed", s.simSpeed])
                    s.expect(
                        resume.status == 1 && resume.stderr.contains("quarantined") && resume.stderr.contains("byte"),
                        "`cairn resume` of the damaged copy should refuse (exit 1) naming the damage: exit \(resume.status): \(resume.stderr)"
                    )
                    s.expect(
                        s.fileBytes(copy + "/executions/\(s.executionId).history") == damaged,
                        "resuming the damaged copy changed it; a quarantined history must stay byte for byte as found")
                    s.report([])
                }
            }

            /// Killed while the primary is polled; then half a record is appended to the history, as a
            /// write cut short by a crash would leave it. The resume drops that tail (keeping it in
            /// `<id>.history.torn-<offset>`) and continues.
            @Test func tornTailIsRepairedOnResume() async {
                await E2E.run("torn-tail", executionId: "e2e-torn") { s in
                    let run = try s.startEngine()
                    try s.kill(run, when: "primaryAvailable polling", watchSimulator: true) {
                        $0.running("primaryAvailable") && $0.polls(of: "orders") >= 1
                    }
                    let offset = s.fileBytes(s.historyPath).count
                    let torn = Array(#"0badc0de {"eventId":99,"eventType":"ActivityTaskCompl"#.utf8)
                    guard let handle = FileHandle(forWritingAtPath: s.historyPath) else { throw E2EFailure("cannot open the history") }
                    try handle.seekToEnd()
                    try handle.write(contentsOf: torn)
                    try handle.close()
                    s.note("appended \(torn.count) bytes of a torn record at byte \(offset)")

                    let status = try s.runToClose()
                    try s.checkClosed(as: "completed", exitStatus: status)
                    s.checkNoWorkRedone()
                    try s.checkRolloutInstances()
                    let kept = s.executionsDirectory + "/\(s.executionId).history.torn-\(offset)"
                    s.expect(s.fileBytes(kept) == torn, "the dropped tail should be kept in \(kept)")
                    s.report([])
                }
            }

            /// Killed during the parallel replica creation (a replica's CreateDBInstanceReadReplica
            /// answered), then while both replicas are being polled.
            @Test func killDuringTheReplicas() async {
                await E2E.run("replicas", executionId: "e2e-replicas") { s in
                    let run = try s.startEngine()
                    try s.kill(run, when: "a replica created", watchSimulator: true) {
                        $0.called("CreateDBInstanceReadReplica", by: "replicas[0]")
                            || $0.called("CreateDBInstanceReadReplica", by: "replicas[1]")
                    }
                    let resumed = try s.startEngine()
                    try s.killAtNextPoint(
                        resumed, "replicas polling", watchSimulator: true,
                        passed: { !$0.completedActivities.isDisjoint(with: ["replicasAvailable[0]", "replicasAvailable[1]"]) }
                    ) {
                        $0.running("replicasAvailable[0]") && $0.running("replicasAvailable[1]") && $0.polls(of: "orders-eu-west-1") >= 2
                            && $0.polls(of: "orders-ap-southeast-2") >= 2
                    }
                    let status = try s.runToClose()
                    try s.checkClosed(as: "completed", exitStatus: status)
                    let adopted = s.checkNoWorkRedone()
                    try s.checkRolloutInstances()
                    s.report([("adopted", adopted)])
                }
            }

            /// A replica creation fails for good, so the rollout rolls back; killed when RollbackStarted is
            /// in the history and again while the primary is being deleted. The execution closes failed
            /// with the rollback completed, and the simulator holds nothing of it.
            @Test func killDuringRollback() async {
                await E2E.run("rollback", executionId: "e2e-rollback") { s in
                    let fault = try s.cairn([
                        "sim", "fault", "--operation", "CreateDBInstanceReadReplica", "--code", "InvalidParameterValue", "--times", "1",
                        "--identifier", "*ap-southeast-2*",
                    ])
                    guard fault.status == 0 else { throw E2EFailure("cairn sim fault failed: \(fault.stderr)") }
                    let run = try s.startEngine()
                    try s.kill(run, when: "RollbackStarted") { $0.history.hasMarker("RollbackStarted") }
                    let resumed = try s.startEngine()
                    try s.killAtNextPoint(
                        resumed, "deleting the primary", passed: { $0.completedActivities.contains("compensate:primary") }
                    ) {
                        $0.historyGrew && $0.scheduled("compensate:primary")
                    }
                    let status = try s.runToClose()
                    try s.checkClosed(as: "failed", exitStatus: status)
                    try Self.checkRolledBack(s)
                    s.checkNoWorkRedone()
                    s.report([])
                }
            }

            /// Six kills in one execution, each at the next point: lock held; primary's create answered;
            /// the primary being polled; primaryAvailable completed; a replica created; the replicas being
            /// polled. Each engine after the first is killed only once it has done something: written to
            /// the history, or (a resumed engine writes nothing until it has something to record) polled
            /// the simulator twice.
            @Test func sixKillsInARow() async {
                await E2E.run("six-kills", executionId: "e2e-six") { s in
                    var engine = try s.startEngine()
                    try s.kill(engine, when: "lock held") { $0.lockHolder.contains("pid \(engine.pid),") }
                    engine = try s.startEngine()
                    try s.killAtNextPoint(
                        engine, "primary created", watchSimulator: true, passed: { $0.completedActivities.contains("primary") }
                    ) { $0.called("CreateDBInstance", by: "primary") }
                    engine = try s.startEngine()
                    try s.killAtNextPoint(
                        engine, "primary polling", watchSimulator: true, passed: { $0.completedActivities.contains("primaryAvailable") }
                    ) { $0.running("primaryAvailable") && $0.polls(of: "orders") >= 2 }
                    engine = try s.startEngine()
                    try s.killAtNextPoint(
                        engine, "primaryAvailable completed", passed: { $0.completedActivities.contains("primaryAvailable") }
                    ) { $0.historyGrew && $0.completed("primaryAvailable") }
                    engine = try s.startEngine()
                    try s.killAtNextPoint(
                        engine, "a replica created", watchSimulator: true,
                        passed: { $0.completedActivities.isSuperset(of: ["replicas[0]", "replicas[1]"]) }
                    ) {
                        $0.historyGrew
                            && $0.newCalls.contains {
                                $0.op == "CreateDBInstanceReadReplica" && ["created", "alreadyExists"].contains($0.outcome)
                            }
                    }
                    engine = try s.startEngine()
                    try s.killAtNextPoint(
                        engine, "replicas polling", watchSimulator: true,
                        passed: { $0.completedActivities.contains("replicasAvailable[0]") }
                    ) { $0.running("replicasAvailable[0]") && $0.polls(of: "orders-eu-west-1") >= 2 }
                    let status = try s.runToClose()
                    try s.checkClosed(as: "completed", exitStatus: status)
                    let adopted = s.checkNoWorkRedone()
                    try s.checkRolloutInstances()
                    s.expect(s.kills.count >= 5, "expected at least 5 kills, made \(s.kills.count)")
                    s.report([("adopted", adopted)])
                }
            }

            /// restore-and-configure killed while the restore is polled, after the master password was
            /// stored, and after a user password was stored; resumed to completion. The generated passwords
            /// (the values in sim/secrets.json) appear in no history file, no captured output, no call log.
            @Test func restoreAndConfigureKilledMidway() async {
                await E2E.run(
                    "restore", workflow: "restore-and-configure.json", executionId: "e2e-restore",
                    inputs: ["identifier=orders", "snapshotIdentifier=snap1"]
                ) { s in
                    let snapshot = try s.cairn(["sim", "create-snapshot", "snap1", "--users", "app_rw,app_ro"])
                    guard snapshot.status == 0 else { throw E2EFailure("cairn sim create-snapshot failed: \(snapshot.stderr)") }
                    var engine = try s.startEngine()
                    try s.kill(engine, when: "restore polling", watchSimulator: true) {
                        $0.running("restored") && $0.polls(of: "orders") >= 2
                    }
                    engine = try s.startEngine()
                    try s.killAtNextPoint(
                        engine, "master password stored", watchSimulator: true,
                        passed: { $0.completedActivities.contains("masterPassword") }
                    ) { $0.newCalls.contains { $0.op == "PutSecretValue" && $0.activity == "masterPassword" } }
                    engine = try s.startEngine()
                    try s.killAtNextPoint(
                        engine, "a user password stored", watchSimulator: true, passed: { $0.completedActivities.contains("userPasswords") }
                    ) { $0.newCalls.contains { $0.op == "PutSecretValue" && $0.activity == "userPasswords" } }
                    let status = try s.runToClose()
                    try s.checkClosed(as: "completed", exitStatus: status)
                    s.checkNoWorkRedone()
                    let instances = try s.simInstances()
                    s.expect(
                        instances.count == 1 && instances.first?.identifier == "orders"
                            && instances.first?.tags["cairn:execution"] == s.executionId,
                        "expected one restored instance orders tagged with \(s.executionId): \(instances.map(\.description))")

                    // Everything a user would look at, captured too.
                    for arguments in [["history", s.executionId], ["history", s.executionId, "--json"], ["show", s.executionId]] {
                        try s.cairn(arguments)
                    }
                    let credentials = SimSecrets.credentials(s.secretsPath)
                    let passwords = credentials.map(\.password)
                    s.expect(
                        Set(credentials.map(\.username)) == ["cairn_admin", "app_ro", "app_rw"],
                        "expected generated passwords for cairn_admin, app_ro and app_rw in secrets.json, found \(credentials.map(\.username))"
                    )
                    // Each stored secret is the password the database has now, kills notwithstanding.
                    let statePath = s.stateDirectory + "/sim/state.json"
                    s.expect(
                        !SimSecrets.databaseAccepts(
                            "not-" + (passwords.first ?? ""), user: "cairn_admin", instance: "orders", statePath: statePath),
                        "the password check accepts a wrong password")
                    for credential in credentials {
                        s.expect(
                            SimSecrets.databaseAccepts(
                                credential.password, user: credential.username, instance: "orders", statePath: statePath),
                            "the secret of \(credential.username) does not hold the password the database has for that user")
                    }
                    let leaks = try Self.occurrences(of: passwords, in: s)
                    s.expect(leaks.isEmpty, "generated passwords found in: \(leaks)")
                    s.report([("passwords", passwords.count), ("leaks", leaks.count)])
                }
            }

            // MARK: Helpers

            /// The rollout failed because of the injected fault, its rollback completed, and no instance of
            /// the execution is left; every instance it created was deleted.
            static func checkRolledBack(_ s: Scenario) throws {
                let failed = s.history(strict: false).closingEvent?.attributes
                let details = failed?["details"] as? [String: Any]
                s.expect(
                    details?["rollback"] as? String == "completed" && details?["cause"] as? String == "InvalidParameterValue",
                    "WorkflowExecutionFailed should carry details.rollback == completed and the injected cause: \(failed.map { "\($0)" } ?? "none")"
                )
                let left = try s.simInstances().filter { $0.tags["cairn:execution"] == s.executionId }
                s.expect(left.isEmpty, "the rollback should delete every instance of \(s.executionId); left: \(left.map(\.description))")
                // Each compensation deleted what its step created. calls.log may lack a DeleteDBInstance
                // whose effect was durable before a kill, so the history and the instances are the evidence.
                let history = s.history(strict: false)
                let compensations = history.scheduledActivityIds.filter { $0.hasPrefix("compensate:") }
                s.expect(compensations.contains("compensate:primary"), "compensate:primary was never scheduled: \(compensations.sorted())")
                for compensation in compensations.sorted() {
                    let status = history.result(of: compensation)?["status"] as? String
                    s.expect(status == "deleted", "\(compensation) should complete with status deleted, not \(status ?? "no result")")
                }
            }

            /// Files under the history directory, captured outputs and calls.log that contain a password
            /// (as is, or as escaped in JSON).
            static func occurrences(of passwords: [String], in s: Scenario) throws -> [String] {
                let fileManager = FileManager.default
                var files = try fileManager.contentsOfDirectory(atPath: s.executionsDirectory).map { s.executionsDirectory + "/" + $0 }
                files += try fileManager.contentsOfDirectory(atPath: s.outputDirectory).map { s.outputDirectory + "/" + $0 }
                files.append(s.callLogPath)
                var found: [String] = []
                for file in files {
                    let text = String(decoding: s.fileBytes(file), as: UTF8.self)
                    for (index, password) in passwords.enumerated() {
                        let escaped = password.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                        if text.contains(password) || text.contains(escaped)
                            || text.contains(escaped.replacingOccurrences(of: "/", with: "\\/"))
                        {
                            found.append("\(file) (password #\(index + 1))")
                        }
                    }
                }
                return found
            }
        }
    }
#endif
