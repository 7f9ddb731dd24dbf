import Foundation
import Testing
import WorkflowCLI

/// One exit-status rule for every command (README.md, "Exit status"): invalid input is 2 and writes
/// nothing, whichever command meets it.
@Suite struct ExitStatusTests {
    /// Invalid input for each command, in a sandbox whose state directory holds one closed execution.
    static func invalidInput(_ sandbox: Sandbox, broken: String) -> [String: [[String]]] {
        [
            "validate": [[broken], [workflowPath("create-instance"), broken], [sandbox.root + "/missing.json"]],
            "run": [[broken], [workflowPath("create-instance")], [workflowPath("create-instance"), "--input", "identifier=x", "--id", "../x"]],
            "resume": [["../x"], ["never-started"]],
            "cancel": [["../x"], ["never-started"]],
            "list": [["extra"]],
            "show": [["../x"], ["never-started"]],
            "history": [["../x"], ["never-started"]],
            // (A fault rule the simulator refuses, e.g. a misspelt operation, is refused with 2 only once
            // the lock is taken, which rewrites LOCK's holder line: see SimCommandTests.)
            "sim": [["fault", "--instance", "db", "--fail-after", "3"], ["reboot"]],
        ]
    }

    /// The commands `cairn --help` lists.
    static func listedCommands() async -> [String] {
        let recorder = RecordingConsole()
        _ = await CairnCLI.run(arguments: ["--help"], environment: [:], console: recorder.console())
        let listed = recorder.out.components(separatedBy: "commands:\n").last ?? ""
        return listed.split(separator: "\n").prefix { $0.hasPrefix("  ") }.compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    @Test func invalidInputExits2AndWritesNothingForEveryCommand() async throws {
        try await Sandbox.with { sandbox in
            let original = try String(contentsOfFile: workflowPath("create-instance"), encoding: .utf8)
            let broken = try sandbox.write("broken.json", original.replacingOccurrences(of: "\"steps\"", with: "\"stepz\""))
            let first = await sandbox.cairn("run", workflowPath("create-instance"), "--input", "identifier=db", "--id", "db", "--sim-speed", "600")
            try #require(first.status == 0, "\(first)")
            let before = sandbox.stateTree()
            let cases = Self.invalidInput(sandbox, broken: broken)
            let commands = await Self.listedCommands()
            #expect(commands.count == 8, "\(commands)")
            #expect(Set(commands) == Set(cases.keys), "every command has a case, and only commands do")
            for command in commands {
                for arguments in cases[command] ?? [] {
                    let result = await sandbox.cairn([command] + arguments)
                    #expect(result.status == 2, "cairn \(command) \(arguments.joined(separator: " ")): \(result)")
                    #expect(!result.err.isEmpty || !result.out.isEmpty, "it says why")
                    #expect(sandbox.stateTree() == before, "cairn \(command) \(arguments) changed \(sandbox.stateDir)")
                }
            }
        }
    }

    /// `validate` and `run` agree: a file `run` refuses with 2 is one `validate` reports with 2.
    @Test func validateAndRunAgreeOnAnInvalidWorkflow() async throws {
        try await Sandbox.with { sandbox in
            let original = try String(contentsOfFile: workflowPath("create-instance"), encoding: .utf8)
            let broken = try sandbox.write("broken.json", original.replacingOccurrences(of: "\"activity\"", with: "\"activty\""))
            let validate = await sandbox.cairn("validate", broken)
            let run = await sandbox.cairn("run", broken, "--input", "identifier=db")
            #expect(validate.status == 2, "\(validate)")
            #expect(run.status == 2, "\(run)")
            #expect(validate.out.contains("workflow.unknownField"), "\(validate)")
            let valid = await sandbox.cairn("validate", workflowPath("create-instance"), workflowPath("multi-region-rollout"))
            #expect(valid.status == 0, "\(valid)")
            #expect(sandbox.stateTree() == nil)
        }
    }

    /// The rule is the one README.md documents, and `cairn --help` repeats it.
    @Test func theRuleIsDocumented() async throws {
        let readme = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        for row in ["| 0 | Success", "| 1 | The request was valid but did not succeed", "| 2 | Usage or invalid input", "| 130 |", "| 143 |"] {
            #expect(readme.contains(row), "README.md's exit status table has \(row)")
        }
        #expect(readme.contains("an invalid workflow (`validate` and `run` alike)"))
        let recorder = RecordingConsole()
        _ = await CairnCLI.run(arguments: ["validate", "--help"], environment: [:], console: recorder.console())
        #expect(recorder.out.contains("2 when any is not or cannot be read"), "\(recorder.out)")
    }
}
