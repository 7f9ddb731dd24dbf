#if os(Linux)
    import Foundation
    import Testing

    extension EndToEnd {
        /// The crash checks can fail: a history that lost an acknowledged ActivityTaskCompleted (as
        /// an engine that acknowledged before fsync would leave it) must be reported.
        @Suite struct CheckerSelfTests {
            @Test func lostCompletionIsReported() async {
                let findings = await E2E.problems("lost-completion", executionId: "e2e-lost") { s in
                    let run = try s.startEngine()
                    try s.kill(run, when: "primary completed") { $0.completed("primary") }
                    // Cut the history before primary's ActivityTaskCompleted, behind the checks' back.
                    let bytes = s.fileBytes(s.historyPath)
                    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                    guard
                        let completion = lines.firstIndex(where: {
                            String(decoding: $0, as: UTF8.self).contains("\"ActivityTaskCompleted\"")
                        })
                    else { throw E2EFailure("no ActivityTaskCompleted in the history at the kill") }
                    let keep = lines[..<completion].reduce(0) { $0 + $1.count + 1 }
                    guard truncate(s.historyPath, off_t(keep)) == 0 else { throw E2EFailure("truncate failed: errno \(errno)") }
                    s.note("history cut to \(keep) bytes, before primary's ActivityTaskCompleted")

                    let status = try s.runToClose()
                    try s.checkClosed(as: "completed", exitStatus: status)
                    s.checkNoWorkRedone()
                    try s.checkRolloutInstances()
                }
                let problems = findings.problems.joined(separator: "\n")
                #expect(problems.contains("is not a prefix of the final history"), "\(findings.problems)\n\(findings.narrative)")
                #expect(problems.contains("activity primary had completed"), "\(findings.problems)\n\(findings.narrative)")
                #expect(findings.problems.count == 2, "only those two problems expected: \(findings.problems)")
            }
        }
    }
#endif
