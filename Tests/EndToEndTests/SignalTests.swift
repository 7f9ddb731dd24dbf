#if os(Linux)
    import Foundation
    import Glibc
    import Testing

    extension EndToEnd {
        /// Ctrl-C and SIGTERM sent to the real binary: the engine stops cleanly (the running `exec`
        /// program is ended with it), the lock is released, stderr says what was stopped and the exact
        /// command that continues, and the exit status is 128 + the signal (README.md, "Exit status").
        @Suite struct SignalTests {
            static let executionId = "e2e-signals"

            /// One `exec` step whose program appends its pid to `sleepers` (in the engine's working
            /// directory) and then sleeps far longer than the test.
            static func writeWorkflow() throws -> String {
                let path = FileManager.default.temporaryDirectory.path + "/cairn-signals-\(UUID().uuidString.prefix(8)).json"
                let workflow = #"""
                    {
                      "format": "cairn.workflow/v1",
                      "name": "sleeper",
                      "steps": [
                        { "id": "sleep", "activity": "exec", "input": { "command": ["/bin/sh", "-c", "echo $$ >> sleepers; exec /bin/sleep 600"] } }
                      ]
                    }
                    """#
                try Data(workflow.utf8).write(to: URL(fileURLWithPath: path))
                return path
            }

            @Test(.timeLimit(.minutes(5))) func sigintAndSigtermStopTheEngineAndSayHowToContinue() async throws {
                let workflow = try Self.writeWorkflow()
                defer { try? FileManager.default.removeItem(atPath: workflow) }
                await E2E.run("signals", workflow: workflow, executionId: Self.executionId, inputs: []) { s in
                    // `run` stopped by SIGINT, then `resume` stopped by SIGTERM: each leaves the execution open.
                    for (index, (signal, name)) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].enumerated() {
                        let engine = try s.startEngine()
                        try s.wait(for: engine, until: "sleeper \(index + 1) started") { _ in Self.sleepers(s).count > index }
                        let sleeper = Self.sleepers(s)[index]
                        s.note("\(name) to pid \(engine.pid); its sleeper is pid \(sleeper)")
                        _ = kill(engine.pid, signal)
                        guard let status = engine.wait(until: .now + Scenario.patience) else {
                            try engine.kill()
                            throw E2EFailure("\(engine.label) did not exit within \(Scenario.patience) of \(name)\n\(engine.outputTail)")
                        }
                        Self.check(s, engine, status: status, signal: signal, name: name, sleeper: sleeper)
                    }
                }
            }

            /// What must hold once an engine exited after `signal`.
            static func check(_ s: Scenario, _ engine: ChildProcess, status: Int32, signal: Int32, name: String, sleeper: pid_t) {
                s.expect(status == 128 + signal, "\(engine.label) exited \(status) after \(name), not \(128 + signal)\n\(engine.outputTail)")
                let err = engine.stderr
                s.expect(err.contains("cairn: \(name): stopped. Execution \(executionId) is still open"), "stderr:\n\(err)")
                s.expect(err.contains("The running attempt of sleep (attempt 1) was canceled; it runs again on resume."), "stderr:\n\(err)")
                s.expect(err.hasSuffix("\nContinue it with `cairn resume \(executionId)`.\n"), "stderr:\n\(err)")
                s.expect(
                    processEnded(sleeper, within: Scenario.patience),
                    "the exec program (pid \(sleeper)) outlived the engine that was stopped by \(name)")
                // The lock is free: a command that needs it runs.
                do {
                    let clear = try s.cairn(["sim", "fault", "--clear"])
                    s.expect(clear.status == 0, "the lock should be released after \(name): \(clear.stderr)")
                    let shown = try s.cairn(["show", executionId])
                    s.expect(shown.stdout.contains("status    running"), "the execution stays open after \(name): \(shown.stdout)")
                } catch {
                    s.expect(false, "\(error)")
                }
            }

            /// The pids the sleepers wrote, in order.
            static func sleepers(_ s: Scenario) -> [pid_t] {
                String(decoding: s.fileBytes(s.work + "/sleepers"), as: UTF8.self).split(separator: "\n").compactMap { pid_t($0) }
            }

            /// Whether `pid` has exited (or is a zombie nobody reaped yet) within `limit`. It got SIGTERM
            /// before the engine exited, so this rarely waits at all.
            static func processEnded(_ pid: pid_t, within limit: Duration) -> Bool {
                let deadline = ContinuousClock.now + limit
                repeat {
                    if kill(pid, 0) != 0, errno == ESRCH { return true }
                    // "PID (comm) S ...": the state follows the command name.
                    if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let end = stat.lastIndex(of: ")"),
                        stat[stat.index(after: end)...].split(separator: " ").first == "Z"
                    {
                        return true
                    }
                    sched_yield()
                } while ContinuousClock.now < deadline
                return false
            }
        }
    }
#endif
