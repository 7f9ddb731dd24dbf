import Foundation
import StateDirectory
import WorkflowModel

/// The `cairn` command line: parses arguments, runs a subcommand, returns the exit status
/// (``ExitStatus``: 0 success, 1 the workflow or an operation failed, 2 usage or invalid input,
/// 128 + the signal when SIGINT or SIGTERM stopped it).
public enum CairnCLI {
    /// Runs `cairn` with `arguments` (without the program name). `interrupts` are the signals that
    /// stop a long-running command cleanly (the process's in `cairn`; raised by hand in tests).
    public static func run(
        arguments: [String], environment: [String: String], console: Console, interrupts: Interrupts = .manual()
    ) async -> Int32 {
        var arguments = arguments
        // `cairn --state-dir DIR list` is read as `cairn list --state-dir DIR`: the common option may come first.
        var leading: [String] = []
        while let first = arguments.first, first == "--state-dir" || first.hasPrefix("--state-dir=") {
            leading.append(arguments.removeFirst())
            if first == "--state-dir", !arguments.isEmpty { leading.append(arguments.removeFirst()) }
        }
        if !leading.isEmpty, let command = arguments.first {
            arguments = [command] + leading + arguments.dropFirst()
        }
        guard let name = arguments.first else {
            console.error(overview)
            return ExitStatus.usage
        }
        if name == "--help" || name == "-h" || name == "help" {
            if arguments.count > 1, let command = commands.first(where: { $0.name == arguments[1] }) {
                console.line(command.help)
            } else {
                console.line(overview)
            }
            return ExitStatus.success
        }
        if name == "--version" {
            console.line("cairn \(version)")
            return ExitStatus.success
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            console.error("cairn: unknown command \"\(name)\"\n\n" + overview)
            return ExitStatus.usage
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            console.line(command.help)
            return ExitStatus.success
        }
        do {
            let parsed = try parseArguments(rest, options: command.options + commonOptions)
            return try await command.run(
                Invocation(arguments: parsed, environment: environment, console: console, interrupts: interrupts))
        } catch let error as UsageError {
            console.error("cairn \(name): \(error.message)\n\nusage: \(command.usage)\nSee `cairn \(name) --help`.")
            return ExitStatus.usage
        } catch let error as CLIError {
            console.error("cairn \(name): \(error.message)")
            return error.status
        } catch let error as StateDirectoryError {
            let reported = CLIError(error)
            console.error("cairn \(name): \(reported.message)")
            return reported.status
        } catch {
            console.error("cairn \(name): \(error)")
            return ExitStatus.failure
        }
    }

    /// Cairn's version.
    public static let version = "0.1.0"

    static let commonOptions = [
        OptionSpec(name: "state-dir", takesValue: true, help: "state directory (default $CAIRN_STATE_DIR or .cairn)", valueName: "DIR")
    ]

    static let commands: [Command] = [
        ValidateCommand.command, RunCommand.command, ResumeCommand.command, CancelCommand.command,
        ListCommand.command, ShowCommand.command, HistoryCommand.command, SimCommand.command,
    ]

    static var overview: String {
        var lines = [
            "cairn: durable workflows for RDS rollouts, in the style of Amazon SWF",
            "",
            "usage: cairn <command> [options]",
            "",
            "commands:",
        ]
        lines += table(commands.map { ["  " + $0.name, $0.summary] })
        lines += [
            "",
            "Every command takes --state-dir DIR (default: $CAIRN_STATE_DIR, else .cairn) and --help.",
            "`cairn help COMMAND` shows a command's options; `cairn --version` prints the version.",
            "Exit status: 0 success; 1 the workflow or an operation failed; 2 usage or invalid input (nothing is",
            "written); 130 / 143 stopped by SIGINT (Ctrl-C) / SIGTERM (`cairn resume ID` continues).",
        ]
        return lines.joined(separator: "\n")
    }
}

/// What a subcommand receives.
struct Invocation: Sendable {
    var arguments: ParsedArguments
    var environment: [String: String]
    var console: Console
    /// SIGINT and SIGTERM, for the commands that run an engine.
    var interrupts: Interrupts

    var stateDirectory: StateDirectory { StateDirectory.resolve(explicit: arguments.value("state-dir"), environment: environment) }

    /// The single positional argument named `name`.
    func positional(_ name: String) throws -> String {
        guard arguments.positionals.count == 1 else {
            throw UsageError(
                message: arguments.positionals.isEmpty
                    ? "missing \(name)" : "expected one \(name), got \(arguments.positionals.count) arguments")
        }
        return arguments.positionals[0]
    }

    /// The single positional execution id, checked before anything is read or written.
    func executionId() throws -> String {
        let id = try positional("ID")
        if let problem = ExecutionID.problem(with: id) { throw CLIError.usage("\(quoted(id)): \(problem)") }
        return id
    }
}

/// A subcommand.
struct Command: Sendable {
    var name: String
    var summary: String
    var usage: String
    var details: String
    var options: [OptionSpec]
    var run: @Sendable (Invocation) async throws -> Int32

    var help: String {
        var lines = ["usage: \(usage)", "", summary]
        if !details.isEmpty { lines += ["", details] }
        let all = options + CairnCLI.commonOptions
        lines += ["", "options:"]
        lines += table(
            all.map { ["  --\($0.name)" + ($0.takesValue ? " \($0.valueName)" : ""), $0.help] } + [["  --help", "show this help"]])
        return lines.joined(separator: "\n")
    }
}
