import Foundation
import StrictJSON
import Testing

/// How the engine retries an `exec` step, through `cairn run`: a failure that would repeat on every
/// attempt is attempted once; a nonzero exit is retried up to `maximumAttempts`.
@Suite struct ExecFailureTests {
    /// A workflow of one `exec` step running `script`, allowed three attempts 10 ms apart.
    func workflow(_ sandbox: Sandbox, script: String) throws -> String {
        let command = JSONValue.array(["/bin/sh", "-c", .string(script)]).canonicalString()
        return try sandbox.write(
            "exec.json",
            """
            {
              "format": "cairn.workflow/v1",
              "name": "exec-once",
              "steps": [
                {
                  "id": "convert",
                  "activity": "exec",
                  "input": { "command": \(command) },
                  "retry": { "initialInterval": "10ms", "maximumAttempts": 3 }
                }
              ]
            }
            """)
    }

    /// Runs `script` as execution `id` and returns `show --json` and the text history.
    func run(_ sandbox: Sandbox, id: String, script: String) async throws -> (shown: JSONValue, history: String) {
        let run = await sandbox.cairn("run", try workflow(sandbox, script: script), "--id", id)
        #expect(run.status == 1, "\(run)")
        #expect(run.out.contains("\nfailed \(id): StepFailed\n"), "\(run)")
        let history = await sandbox.cairn("history", id)
        try #require(history.status == 0, "\(history)")
        return (try await sandbox.showJSON(id), history.out)
    }

    @Test func outputThatIsNotJSONIsAttemptedOnce() async throws {
        try await Sandbox.with { sandbox in
            let (shown, history) = try await run(sandbox, id: "not-json", script: "echo not-json")
            #expect(shown["failure"]?["details"]?["cause"] == "InvalidOutput", "\(shown)")
            #expect(shown["steps"]?[0]?["attempt"] == 1, "\(shown)")
            #expect(!history.contains("attempt 1 of convert failed"), "no attempt was retried:\n\(history)")
            #expect(history.contains("ActivityTaskStarted  scheduledEventId=5 attempt=1 "), "\(history)")
            #expect(history.contains("ActivityTaskFailed  scheduledEventId=5 reason=InvalidOutput "), "\(history)")

            // The scheduled task carries the catalog's list, for any worker that reads the history.
            let json = await sandbox.cairn("history", "not-json", "--json")
            let scheduled = try json.out.split(separator: "\n").map { try JSONValue(parsing: Array($0.utf8)) }
                .first { $0["eventType"] == "ActivityTaskScheduled" }
            let policy = scheduled?["activityTaskScheduledEventAttributes"]?["retryPolicy"]
            let never = policy?["nonRetryableErrors"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(never.contains("InvalidOutput") && never.contains("OutputTooLarge"), "\(policy?.canonicalString() ?? json.out)")
        }
    }

    /// The control: a nonzero exit may have a passing cause, so all three attempts run.
    @Test func aNonzeroExitIsAttemptedUpToMaximumAttempts() async throws {
        try await Sandbox.with { sandbox in
            let (shown, history) = try await run(sandbox, id: "exit-3", script: "exit 3")
            #expect(shown["failure"]?["details"]?["cause"] == "ExecFailed", "\(shown)")
            #expect(shown["steps"]?[0]?["attempt"] == 3, "\(shown)")
            let retried = history.split(separator: "\n").filter { $0.contains(" of convert failed: ExecFailed: exit status 3") }
            #expect(retried.count == 2, "\(history)")
            #expect(history.contains("ActivityTaskStarted  scheduledEventId=5 attempt=3 "), "\(history)")
        }
    }
}
