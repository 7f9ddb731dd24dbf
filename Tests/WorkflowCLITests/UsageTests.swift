import Foundation
import Testing
import WorkflowCLI

/// Help, usage errors and exit statuses: no state directory is ever touched here.
@Suite struct UsageTests {
    /// Every subcommand and the options its help must list (besides --state-dir and --help).
    static let options: [(command: String, options: [String])] = [
        ("validate", ["--json"]),
        ("run", ["--input", "--input-file", "--id", "--sim-speed"]),
        ("resume", ["--sim-speed"]),
        ("cancel", ["--sim-speed"]),
        ("list", ["--json"]),
        ("show", ["--json"]),
        ("history", ["--json"]),
        (
            "sim",
            [
                "--json", "--operation", "--code", "--times", "--identifier", "--instance", "--fail-after", "--clear",
                "--region", "--engine", "--users",
            ]
        ),
    ]

    /// Runs cairn without a state directory argument.
    private func cairn(_ arguments: String..., environment: [String: String] = [:]) async -> CLIResult {
        let recorder = RecordingConsole()
        let status = await CairnCLI.run(arguments: arguments, environment: environment, console: recorder.console())
        return CLIResult(status: status, out: recorder.out, err: recorder.err)
    }

    @Test func topLevelHelpListsEveryCommandAndGlobalOption() async {
        for spelling in ["--help", "-h", "help"] {
            let result = await cairn(spelling)
            #expect(result.status == 0, "\(result)")
            #expect(result.err.isEmpty)
            for (command, _) in Self.options { #expect(result.out.contains("  \(command) "), "\(command) in \(result)") }
            for option in ["--state-dir", "--help", "--version"] { #expect(result.out.contains(option), "\(option) in \(result)") }
            #expect(result.out.contains("CAIRN_STATE_DIR"))
        }
        let version = await cairn("--version")
        #expect(version.status == 0)
        #expect(version.out.hasPrefix("cairn "))
    }

    @Test(arguments: options.map(\.command))
    func subcommandHelpListsEveryOption(_ command: String) async throws {
        let expected = try #require(Self.options.first { $0.command == command }).options + ["--state-dir", "--help"]
        for result in [await cairn(command, "--help"), await cairn(command, "-h"), await cairn("help", command)] {
            #expect(result.status == 0, "\(result)")
            #expect(result.err.isEmpty)
            #expect(result.out.hasPrefix("usage: cairn \(command)"), "\(result)")
            for option in expected { #expect(result.out.contains(option), "\(command) help mentions \(option): \(result)") }
        }
    }

    @Test func noArgumentsPrintsTheOverviewAndExits2() async {
        let result = await cairn()
        #expect(result.status == 2)
        #expect(result.out.isEmpty)
        #expect(result.err.contains("usage: cairn <command>"))
    }

    @Test func unknownCommandExits2WithUsage() async {
        let result = await cairn("deploy", "x.json")
        #expect(result.status == 2)
        #expect(result.err.contains("unknown command \"deploy\""), "\(result)")
        #expect(result.err.contains("usage: cairn <command>"), "\(result)")
    }

    @Test(arguments: [
        (["run", "x.json", "--bogus"], "unknown option --bogus"),
        (["list", "--verbose"], "unknown option --verbose"),
        (["run", "x.json", "--id"], "--id needs a ID"),
        (["list", "--json=yes"], "--json takes no value"),
        (["run", "x.json", "--id", "a", "--id", "b"], "--id was given twice"),
        (["show"], "missing ID"),
        (["show", "a", "b"], "expected one ID, got 2"),
        (["sim"], "missing action"),
        (["sim", "reboot"], "unknown sim action"),
        (["sim", "fault", "--operation", "CreateDBInstance"], "--operation needs --code"),
        (["sim", "fault", "--operation", "CreateDBInstance", "--code", "Throttling", "--times", "0"], "--times must be"),
        (["sim", "fault", "--operation", "CreateDBInstance", "--code", "Throttling", "--times", "x"], "--times must be a positive integer, got \"x\""),
        (["sim", "fault", "--instance", "db"], "--instance needs --fail-after DURATION"),
        // Given, but not a duration: the message says what is wrong with the value.
        (["sim", "fault", "--instance", "db", "--fail-after", "3"], "--fail-after \"3\" is not a duration: give a number with a unit"),
        (["sim", "fault", "--instance", "db", "--fail-after", "30m1h"], "--fail-after \"30m1h\" is not a duration"),
    ])
    func usageErrorsExit2WithTheSubcommandsUsage(_ arguments: [String], _ message: String) async {
        let recorder = RecordingConsole()
        let status = await CairnCLI.run(arguments: arguments, environment: [:], console: recorder.console())
        #expect(status == 2, "\(arguments): \(recorder.err)")
        #expect(recorder.err.contains(message), "\(arguments): \(recorder.err)")
        #expect(recorder.err.contains("usage: cairn \(arguments[0])"), "\(arguments): \(recorder.err)")
        #expect(recorder.err.contains("See `cairn \(arguments[0]) --help`."), "\(recorder.err)")
    }

    @Test func stateDirectoryMayPrecedeTheCommand() async throws {
        try await Sandbox.with { sandbox in
            let recorder = RecordingConsole()
            let status = await CairnCLI.run(
                arguments: ["--state-dir", sandbox.stateDir, "list"], environment: [:], console: recorder.console())
            #expect(status == 0, "\(recorder.err)")
            #expect(recorder.out.contains("no executions"), "\(recorder.out)")
            let inline = RecordingConsole()
            let inlineStatus = await CairnCLI.run(
                arguments: ["--state-dir=\(sandbox.stateDir)", "list", "--json"], environment: [:], console: inline.console())
            #expect(inlineStatus == 0, "\(inline.err)")
            #expect(sandbox.stateTree() == nil, "list writes nothing")
        }
    }

    @Test func stateDirectoryComesFromTheEnvironmentWhenNotGiven() async throws {
        try await Sandbox.with { sandbox in
            let result = await cairn("list", environment: ["CAIRN_STATE_DIR": sandbox.stateDir])
            #expect(result.status == 0)
            #expect(result.out.contains(sandbox.stateDir), "\(result)")
        }
    }
}
