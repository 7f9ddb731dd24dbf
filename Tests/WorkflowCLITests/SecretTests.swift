import Foundation
import StrictJSON
import Testing

/// Decision 7: generated passwords live only in the (simulated) Secrets Manager.
@Suite struct SecretTests {
    @Test func generatedPasswordsNeverReachHistoryOrOutput() async throws {
        try await Sandbox.with { sandbox in
            let snapshot = await sandbox.cairn("sim", "create-snapshot", "billing-snap", "--users", "app,reporting")
            try #require(snapshot.status == 0, "\(snapshot)")
            let run = await sandbox.cairn(
                "run", workflowPath("restore-and-configure"), "--input", "identifier=billing", "--input",
                "snapshotIdentifier=billing-snap", "--id", "restore", "--sim-speed", "600")
            try #require(run.status == 0, "\(run)")

            // <state>/sim/secrets.json is the simulated Secrets Manager: every value is {"username", "password"}.
            let store = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: sandbox.stateDir + "/sim/secrets.json"))))
            var passwords: [String] = []
            var arns: [String] = []
            for secret in store["secrets"]?.arrayValue ?? [] {
                let value = try JSONValue(parsing: Array((secret["value"]?.stringValue ?? "").utf8))
                passwords.append(try #require(value["password"]?.stringValue))
                arns.append(try #require(secret["arn"]?.stringValue))
            }
            #expect(passwords.count == 3, "the master password and two application users")
            #expect(passwords.allSatisfy { $0.count >= 16 })

            var seen: [(String, String)] = [("run output", run.out + run.err)]
            for arguments in [
                ["history", "restore"], ["history", "restore", "--json"], ["show", "restore"],
                ["show", "restore", "--json"], ["list"], ["list", "--json"], ["sim", "instances", "--json"],
            ] {
                let result = await sandbox.cairn(arguments)
                #expect(result.status == 0, "\(arguments): \(result)")
                seen.append((arguments.joined(separator: " "), result.out + result.err))
            }
            // Every file in the state directory but the secret store: histories, the simulator's call log and state.
            let files = try #require(sandbox.stateTree()).filter { $0.key != "sim/secrets.json" }
            #expect(files.keys.contains("executions/restore.history"))
            #expect(files.keys.contains("sim/calls.log"))
            for (name, bytes) in files { seen.append((name, String(decoding: bytes, as: UTF8.self))) }
            for (place, text) in seen {
                for password in passwords { #expect(!text.contains(password), "a password appears in \(place)") }
            }

            // The history holds the secrets' ARNs instead.
            let history = try #require(seen.first { $0.0 == "history restore --json" }).1
            for arn in arns { #expect(history.contains(arn), "\(arn) in the history") }
        }
    }
}
