import Foundation
import Testing
import WorkflowCLI

/// Invalid input exits 2 and writes nothing: no state directory appears, and an existing one is
/// left byte for byte as it was (its LOCK file included).
@Suite struct InvalidInputTests {
    /// One invalid invocation and a fragment its error message must contain.
    struct Case: CustomStringConvertible {
        var arguments: [String]
        var message: String
        var description: String { arguments.joined(separator: " ") }
    }

    static let create = workflowPath("create-instance")
    static let rollout = workflowPath("multi-region-rollout")

    /// The cases; file paths point into `sandbox`.
    static func cases(_ sandbox: Sandbox) throws -> [Case] {
        let original = try String(contentsOfFile: rollout, encoding: .utf8)
        let broken = try sandbox.write(
            "broken.json",
            original.replacingOccurrences(of: "\"forEach\"", with: "\"forEch\"")
                .replacingOccurrences(of: "\"rds.waitAvailable\"", with: "\"rds.waitAvailabl\""))
        let truncated = try sandbox.write("truncated.json", String(original.prefix(200)))
        let badJSON = try sandbox.write("inputs-bad.json", "{\"identifier\": ")
        let notObject = try sandbox.write("inputs-array.json", "[\"identifier\"]")
        let wrongType = try sandbox.write("inputs-wrong.json", "{\"identifier\": 7}")
        let duplicate = try sandbox.write("inputs-duplicate.json", "{\"identifier\": \"a\", \"identifier\": \"b\"}")
        let deep = try sandbox.write(
            "inputs-deep.json", "{\"identifier\": " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}")
        let oversized = try sandbox.write(
            "inputs-oversized.json", "{\"identifier\": \"db1\", \"engine\": \"" + String(repeating: "x", count: 40_000) + "\"}")
        let id = ["--input", "identifier=db1"]
        return [
            Case(arguments: ["run", broken, "--input", "identifier=x"], message: "is not a valid workflow (8 problems)"),
            Case(arguments: ["run", truncated, "--input", "identifier=x"], message: "is not a valid workflow"),
            Case(arguments: ["run", sandbox.root + "/missing.json"], message: "no such file"),
            Case(arguments: ["run", sandbox.root], message: "is a directory"),
            Case(arguments: ["run", create], message: "input.missing: input \"identifier\" is required"),
            Case(arguments: ["run", create] + id + ["--input", "colour=blue"], message: "input.unknown"),
            Case(arguments: ["run", create] + id + ["--input", "allocatedStorage=lots"], message: "allocatedStorage"),
            Case(arguments: ["run", create] + id + ["--input", "multiAZ=yes"], message: "multiAZ"),
            Case(arguments: ["run", create] + id + ["--input", "allocatedStorage=2.5"], message: "allocatedStorage"),
            Case(arguments: ["run", rollout] + id + ["--input", "replicaRegions=[1]"], message: "replicaRegions"),
            Case(arguments: ["run", rollout] + id + ["--input", "replicaRegions=\"eu-west-1\""], message: "replicaRegions"),
            Case(arguments: ["run", create] + id + ["--input", "identifier=db2"], message: "identifier"),
            Case(arguments: ["run", create, "--input", "identifier"], message: "identifier"),
            Case(arguments: ["run", create] + id + ["--id", "../x"], message: "--id \"../x\": an execution id may use only"),
            Case(arguments: ["run", create] + id + ["--id", "a/b"], message: "may use only ASCII"),
            Case(arguments: ["run", create] + id + ["--id", "a\u{0}b"], message: "--id \"a\\u{0}b\""),
            Case(arguments: ["run", create] + id + ["--id", String(repeating: "a", count: 200)], message: "at most"),
            Case(arguments: ["run", create] + id + ["--id", "\u{43E}rders"], message: "--id \"\\u{43E}rders\""),
            Case(arguments: ["run", create] + id + ["--id", ""], message: "cannot be empty"),
            // Ids that try to leave the executions directory or to look like another id.
            Case(arguments: ["run", create] + id + ["--id", "/etc/passwd"], message: "may use only ASCII"),
            Case(arguments: ["run", create] + id + ["--id", "a/../../b"], message: "may use only ASCII"),
            Case(arguments: ["run", create] + id + ["--id", "."], message: "must start with a letter or digit"),
            Case(arguments: ["run", create] + id + ["--id", ".."], message: "must start with a letter or digit"),
            Case(arguments: ["run", create] + id + ["--id", "a\tb"], message: "--id \"a\\u{9}b\""),
            Case(arguments: ["run", create] + id + ["--id", "a:b"], message: "may use only ASCII"),
            Case(arguments: ["run", create] + id + ["--id", "a|b"], message: "may use only ASCII"),
            Case(arguments: ["run", create] + id + ["--id", "e\u{301}"], message: "--id \"e\\u{301}\""),
            Case(arguments: ["run", create] + id + ["--id", String(repeating: "a", count: 10_000)], message: "this one has 10000"),
            // Input files: duplicate keys, nesting far past the limit, a payload over the limit.
            Case(arguments: ["run", create, "--input-file", duplicate], message: "json.duplicateKey"),
            Case(arguments: ["run", create, "--input-file", deep], message: "json.tooDeep"),
            Case(arguments: ["run", create, "--input-file", oversized], message: "json.tooLarge"),
            Case(arguments: ["run", create] + id + ["--id", "-x"], message: "must start with a letter or digit"),
            Case(arguments: ["run", create, "--input-file", sandbox.root + "/none.json"], message: "cannot read"),
            Case(arguments: ["run", create, "--input-file", sandbox.root], message: "is a directory"),
            Case(arguments: ["run", create, "--input-file", badJSON], message: "inputs-bad.json:1:"),
            Case(arguments: ["run", create, "--input-file", notObject], message: "must hold a JSON object"),
            Case(arguments: ["run", create, "--input-file", wrongType], message: "identifier"),
            Case(arguments: ["run", create] + id + ["--sim-speed", "fast"], message: "--sim-speed must be a positive number"),
            Case(arguments: ["run", create] + id + ["--sim-speed", "0"], message: "--sim-speed"),
            Case(arguments: ["run", create] + id + ["--sim-speed", "-60"], message: "--sim-speed"),
            Case(arguments: ["run", create] + id + ["--sim-speed", "inf"], message: "--sim-speed"),
            Case(arguments: ["run", create] + id + ["--sim-speed", "1e9"], message: "--sim-speed"),
            Case(arguments: ["resume", "nothing-here"], message: "no execution nothing-here"),
            Case(arguments: ["resume", "../x"], message: "may use only ASCII"),
            Case(arguments: ["resume", "nothing-here", "--sim-speed", "x"], message: "--sim-speed"),
            Case(arguments: ["cancel", "nothing-here"], message: "no execution nothing-here"),
            Case(arguments: ["show", "nothing-here"], message: "no execution nothing-here"),
            Case(arguments: ["history", "nothing-here"], message: "no execution nothing-here"),
            Case(arguments: ["show", "../x"], message: "may use only ASCII"),
        ]
    }

    private func expectRefused(_ result: CLIResult, _ invalid: Case) {
        #expect(result.status == 2, "\(invalid): \(result)")
        #expect(result.err.contains(invalid.message), "\(invalid): \(result)")
        #expect(!result.err.contains("\u{0}"), "messages never print raw control characters")
        #expect(!result.out.contains("execution "), "nothing was started: \(result)")
    }

    @Test func invalidInputCreatesNoStateDirectory() async throws {
        try await Sandbox.with { sandbox in
            for invalid in try Self.cases(sandbox) {
                expectRefused(await sandbox.cairn(invalid.arguments), invalid)
                #expect(sandbox.stateTree() == nil, "\(invalid) created \(sandbox.stateDir)")
            }
        }
    }

    @Test func invalidInputLeavesAnExistingStateDirectoryUnchanged() async throws {
        try await Sandbox.with { sandbox in
            let first = await sandbox.cairn("run", Self.create, "--input", "identifier=db1", "--id", "existing", "--sim-speed", "600")
            try #require(first.status == 0, "\(first)")
            let before = try #require(sandbox.stateTree())
            for invalid in try Self.cases(sandbox) {
                expectRefused(await sandbox.cairn(invalid.arguments), invalid)
                #expect(sandbox.stateTree() == before, "\(invalid) changed \(sandbox.stateDir)")
            }
            // Starting an execution whose id exists is refused the same way, and names `cairn resume`.
            let again = await sandbox.cairn("run", Self.create, "--input", "identifier=db1", "--id", "existing")
            #expect(again.status == 2, "\(again)")
            #expect(again.err.contains("execution existing already exists"), "\(again)")
            #expect(again.err.contains("`cairn resume existing`"), "\(again)")
            #expect(again.err.contains("--id"), "\(again)")
            #expect(sandbox.stateTree() == before)
        }
    }

    @Test func aStateDirectoryThatIsAFileIsRefused() async throws {
        try await Sandbox.with { sandbox in
            let file = try sandbox.write("not-a-directory", "keep me\n")
            for arguments in [["run", Self.create, "--input", "identifier=a"], ["list"], ["show", "x"], ["resume", "x"]] {
                let recorder = RecordingConsole()
                let status = await CairnCLI.run(
                    arguments: arguments, environment: ["CAIRN_STATE_DIR": file], console: recorder.console())
                #expect(status == 2, "\(arguments): \(recorder.err)")
                #expect(recorder.err.contains("\(file) is a file, not a directory"), "\(arguments): \(recorder.err)")
            }
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me\n")
        }
    }

    /// Reading commands pointed at an existing directory that holds no executions add nothing to it.
    @Test func readingAnEmptyDirectoryWritesNothing() async throws {
        try await Sandbox.with { sandbox in
            try FileManager.default.createDirectory(atPath: sandbox.stateDir, withIntermediateDirectories: false)
            let list = await sandbox.cairn("list")
            #expect(list.status == 0)
            #expect(list.out == "no executions in \(sandbox.stateDir)\n", "\(list)")
            #expect(await sandbox.cairn("list", "--json").out.isEmpty)
            for command in ["show", "history", "resume", "cancel"] {
                let result = await sandbox.cairn(command, "x")
                #expect(result.status == 2, "\(command): \(result)")
                #expect(result.err.contains("no execution x in \(sandbox.stateDir)"), "\(command): \(result)")
            }
            #expect(sandbox.stateTree() == [:], "nothing was created in \(sandbox.stateDir)")
        }
    }

    @Test func brokenWorkflowPrintsEveryDiagnosticWithItsPlace() async throws {
        try await Sandbox.with { sandbox in
            let broken = try #require(try Self.cases(sandbox).first).arguments[1]
            let run = await sandbox.cairn("run", broken, "--input", "identifier=x")
            #expect(run.status == 2)
            #expect(run.out.isEmpty, "\(run)")
            let diagnostics = run.err.split(separator: "\n").filter { $0.hasPrefix(broken + ":") }
            #expect(diagnostics.count == 8, "\(run)")
            for line in diagnostics {
                let rest = line.dropFirst(broken.count + 1)
                #expect(rest.wholeMatch(of: /\d+:\d+: workflow\.[A-Za-z]+ at \/[^ ]*: .+/) != nil, "\(line)")
            }
            #expect(run.err.contains(broken + ":71:7: workflow.unknownField at /steps/2/forEch: unknown field \"forEch\""))
            #expect(run.err.contains("did you mean \"forEach\"?"))
            #expect(sandbox.stateTree() == nil)

            // validate reports the same problems on stdout and exits 2, as run does.
            let validate = await sandbox.cairn("validate", broken)
            #expect(validate.status == 2)
            #expect(validate.out.contains(diagnostics[0] + "\n"))
            #expect(validate.out.hasSuffix("\(broken): 8 problems\n"))
            let json = await sandbox.cairn("validate", broken, "--json")
            #expect(json.status == 2)
            #expect(json.out.split(separator: "\n").count == 8)
        }
    }
}
