import Foundation
import HistoryStore
import StateDirectory
import StrictJSON
import SystemIO
import Time
import WorkflowEngine
import WorkflowModel

let simSpeedOption = OptionSpec(
    name: "sim-speed", takesValue: true,
    help: "RDS simulator speed, simulated seconds per real second (default 60; remembered in the state directory until given again)",
    valueName: "X")

/// `cairn run FILE`
enum RunCommand {
    static let command = Command(
        name: "run", summary: "start a workflow and run it in the foreground until it closes",
        usage:
            "cairn run FILE [--input NAME=VALUE]... [--input-file FILE] [--id ID] [--state-dir DIR] [--sim-speed X] "
            + "[--rds-provider aws|sim] [--profile NAME]",
        details: """
            Prints the execution id first, then one line per step change (a live table on a terminal),
            then the result. The execution is durable: if this process dies, `cairn resume ID` continues it.
            --input values for string inputs are taken literally; others are JSON (--input regions='["eu-west-1"]').
            Exit status 0 when the execution completes, 1 when it fails, is canceled or times out,
            2 for an invalid workflow or input (nothing is written then).
            With --rds-provider aws the rds.* activities call Amazon RDS with the credentials, region and endpoint
            AWS tools use (AWS_PROFILE, ~/.aws/credentials, AWS_ENDPOINT_URL_RDS, ...); `resume` continues
            against the same provider.
            """,
        options: [
            OptionSpec(name: "input", takesValue: true, repeatable: true, help: "a workflow input", valueName: "NAME=VALUE"),
            OptionSpec(name: "input-file", takesValue: true, help: "a JSON object of inputs (--input overrides it)", valueName: "FILE"),
            OptionSpec(
                name: "id", takesValue: true, help: "the execution (workflow) id; default <workflow>-<time>-<random>", valueName: "ID"),
            simSpeedOption, rdsProviderOption, profileOption,
        ],
        run: run)

    static func run(_ invocation: Invocation) async throws -> Int32 {
        let file = try invocation.positional("FILE")
        let console = invocation.console
        // Everything about the request is checked before the state directory is touched.
        let outcome = try ValidateCommand.validateFile(file)
        guard let definition = outcome.definition, let definitionJSON = outcome.canonicalJSON else {
            for diagnostic in outcome.diagnostics { console.error(diagnostic.formatted(file: file)) }
            throw CLIError.usage(
                "\(file) is not a valid workflow (\(outcome.diagnostics.count) problem\(outcome.diagnostics.count == 1 ? "" : "s")); nothing was started"
            )
        }
        let input = try bindInputs(invocation, definition: definition)
        _ = try EngineSession.requestedSpeed(invocation)
        let provider = try RDSProviderKind.requested(invocation) ?? .sim
        let executionId = invocation.arguments.value("id") ?? generatedId(for: definition)
        if let problem = ExecutionID.problem(with: executionId) { throw CLIError.usage("--id \(quoted(executionId)): \(problem)") }

        let directory = invocation.stateDirectory
        if try directory.hasExecutions() {
            let store = try directory.openForReading()
            if directory.fileSystem.fileExists(at: store.historyPath(of: executionId)) {
                throw existing(executionId, in: store, directory: directory, lockHeld: directory.lockIsHeld())
            }
        }

        let session = try await EngineSession.open(invocation, command: "run \(executionId)", provider: provider)
        return try await session.closing {
            Failpoints.hit("run.beforeFirstEvent", environment: invocation.environment)
            let execution: WorkflowExecution
            do {
                execution = try await session.engine.start(
                    StartRequest(
                        executionId: executionId, definition: definition, definitionJSON: definitionJSON,
                        definitionDigest: RecordedDefinition.digest(of: definitionJSON), definitionSource: file, input: input,
                        tagList: provider.executionTag.map { [$0] } ?? []))
            } catch let error as StoreError where error.code == StoreError.Code.executionExists {
                // Another `run --id` with the same id got there first and has finished: this process holds the lock.
                throw existing(executionId, in: session.store, directory: directory, lockHeld: false)
            }
            Failpoints.hit("run.afterFirstEvent", environment: invocation.environment)
            console.line("execution \(execution.workflowId) (run \(execution.runId))")
            console.line("workflow \(definition.name) from \(file); state in \(session.directory.path)")
            if provider == .aws { console.line("RDS: \(session.providers.summary)") }
            console.line("")
            return try await session.drive(executionId)
        }
    }

    /// The usage error for `run --id ID` when ID exists: what it is and what to do instead. With
    /// `lockHeld`, the advice for an open execution depends on whether an engine runs it now.
    static func existing(_ executionId: String, in store: HistoryStore, directory: StateDirectory, lockHeld: Bool?) -> CLIError {
        let status = (try? LoadedExecution.load(executionId, from: store).summary().status) ?? .running
        let advice =
            switch status {
            case .running:
                openAdvice(executionId, directory: directory, lockHeld: lockHeld)
            case .quarantined:
                "its history is damaged (see `cairn show \(executionId)`), so `cairn resume \(executionId)` refuses it"
            default:
                "it is closed (\(status.rawValue)): `cairn show \(executionId)` prints it; `cairn resume \(executionId)` only reports it"
            }
        return CLIError.usage(
            "execution \(executionId) already exists; \(advice). To start a new execution, choose another --id, "
                + "or leave --id out for a generated one. Nothing was started.")
    }

    /// What to do about an open execution: follow the engine that runs it, or resume it.
    static func openAdvice(_ executionId: String, directory: StateDirectory, lockHeld: Bool?) -> String {
        let resume = "continue it with `cairn resume \(executionId)`"
        guard lockHeld != false else { return "it is still open; \(resume)" }
        let holder = directory.lockHolder()
        let named = holder.map { " (\($0))" } ?? ""
        // The holder is this CLI's processIdentity: "cairn run ID (pid ...)", "cairn resume ID (pid ...)".
        let runsIt = holder.map { text in ["run", "resume", "cancel"].contains { text.hasPrefix("cairn \($0) \(executionId) (") } }
        switch (lockHeld, runsIt) {
        case (true, true?):
            return "it is still open and another Cairn engine runs it now\(named): follow it with `cairn show \(executionId)`, "
                + "or stop it with `cairn cancel \(executionId)`"
        case (true, _):
            return "it is still open, and another Cairn engine holds \(directory.path)\(named); if that engine runs it, "
                + "follow it with `cairn show \(executionId)`; otherwise \(resume) once that engine has finished"
        default:
            return "it is still open; if no Cairn engine runs it, \(resume); if one does, follow it with `cairn show \(executionId)`"
        }
    }

    static func bindInputs(_ invocation: Invocation, definition: WorkflowDefinition) throws -> JSONObject {
        var provided: [(name: String, text: String)] = []
        var problems: [Diagnostic] = []
        for argument in invocation.arguments.all("input") {
            switch InputBinder.split(argument) {
            case .success(let pair): provided.append(pair)
            case .failure(let diagnostic): problems.append(diagnostic)
            }
        }
        var fileObject: JSONObject?
        if let path = invocation.arguments.value("input-file") {
            let bytes = try readInputFile(path, limit: Limits.payloadBytesMax)
            do {
                // readInputFile stops one byte past the limit; maxBytes turns that into "too large"
                // instead of a parse error where the read stopped.
                let options = JSONParser.Options(maxDepth: Limits.jsonDepthMax, maxBytes: Limits.payloadBytesMax, recordLocations: false)
                guard let object = try JSONParser.parse(bytes, options: options).root.objectValue else {
                    throw CLIError.usage("\(path): the input file must hold a JSON object of input names to values")
                }
                fileObject = object
            } catch let error as JSONSyntaxError {
                throw CLIError.usage("\(path):\(error.location.line):\(error.location.column): \(error.code): \(error.message)")
            }
        }
        if problems.isEmpty {
            switch InputBinder.bind(specs: definition.inputs, provided: provided, file: fileObject) {
            case .success(let input): return input
            case .failure(let diagnostics): problems = Array(diagnostics)
            }
        }
        for problem in problems { invocation.console.error("input: \(problem.code): \(problem.message)") }
        throw CLIError.usage("the inputs are not valid for \(definition.name); nothing was started")
    }

    static func generatedId(for definition: WorkflowDefinition) -> String {
        let iso = SystemWallClock().now().iso8601  // 2026-11-21T10:00:00.123Z
        let compact = iso.prefix(19).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            .replacingOccurrences(of: "T", with: "-")
        let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return "\(definition.name)-\(compact)-\(String(repeating: "0", count: 4 - suffix.count) + suffix)"
    }
}

/// `cairn resume ID`
enum ResumeCommand {
    static let command = Command(
        name: "resume", summary: "continue an execution after its engine stopped (crash, kill, Ctrl-C)",
        usage: "cairn resume ID [--state-dir DIR] [--sim-speed X] [--profile NAME]",
        details: """
            Replays the history and continues exactly where it stopped: completed activities are not run
            again; an activity that was running when the engine died runs again (activities are idempotent).
            A closed execution is only reported. A quarantined (damaged) history is refused.
            It continues against the RDS provider the execution started with (run --rds-provider).
            """,
        options: [simSpeedOption, rdsProviderOption, profileOption],
        run: run)

    static func run(_ invocation: Invocation) async throws -> Int32 {
        let executionId = try invocation.executionId()
        _ = try EngineSession.requestedSpeed(invocation)
        let store = try invocation.stateDirectory.openForReading(lookingFor: executionId)
        guard invocation.stateDirectory.fileSystem.fileExists(at: store.historyPath(of: executionId)) else {
            throw CLIError.usage(
                "no execution \(executionId) in \(store.stateDirectory): it was never started (see `cairn list`), "
                    + "or its first event never reached the disk; start it with `cairn run FILE --id \(executionId)`")
        }
        let provider = try recordedProvider(invocation, executionId: executionId, store: store)
        let session: EngineSession
        do {
            session = try await EngineSession.open(invocation, command: "resume \(executionId)", provider: provider)
        } catch let error as StateDirectoryError where error.code == .locked {
            // The store's advice (wait, or use another --state-dir) does not fit: the execution lives here.
            let holder = invocation.stateDirectory.lockHolder().map { " (\($0))" } ?? ""
            throw CLIError.failure(
                "cannot resume \(executionId): another Cairn engine holds \(store.stateDirectory)\(holder). "
                    + "If it runs \(executionId), follow it with `cairn show \(executionId)`; otherwise run "
                    + "`cairn resume \(executionId)` again when that engine has finished.")
        }
        return try await session.closing {
            let status = try await resumeOrReport(session, executionId)
            if status != .running { return status == .completed ? ExitStatus.success : ExitStatus.failure }
            invocation.console.line("execution \(executionId) resumed; state in \(session.directory.path)")
            invocation.console.line("")
            return try await session.drive(executionId)
        }
    }

    /// The provider the execution started with; a different `--rds-provider` is refused, since the
    /// resources it created live there.
    static func recordedProvider(_ invocation: Invocation, executionId: String, store: HistoryStore) throws -> RDSProviderKind {
        let requested = try RDSProviderKind.requested(invocation)
        let tags = (try? LoadedExecution.load(executionId, from: store))?.state.started?.tagList
        guard let recorded = RDSProviderKind.recorded(in: tags) else {
            throw CLIError.failure(
                "execution \(executionId) names an RDS provider this version of Cairn does not know (\(tags ?? [])); "
                    + "resume it with the version that started it")
        }
        if let requested, requested != recorded {
            throw CLIError.usage(
                "execution \(executionId) runs against --rds-provider \(recorded.rawValue), not \(requested.rawValue): "
                    + "its resources live there. Leave --rds-provider out to continue it.")
        }
        return recorded
    }

    /// Resumes the execution in the session's engine; for a closed one prints it and returns its status.
    static func resumeOrReport(_ session: EngineSession, _ executionId: String) async throws -> ExecutionStatus {
        let status: ExecutionStatus
        do {
            status = try await session.engine.resume(executionId)
        } catch let error as EngineError {
            throw CLIError.failure(error.description)
        }
        for request in session.directory.cancelRequests.pending(for: executionId) {
            if status == .running { try await session.engine.requestCancel(executionId, identity: request.identity) }
            session.directory.cancelRequests.remove(request)
        }
        if status != .running {
            await session.close()
            let loaded = try LoadedExecution.load(executionId, from: session.store)
            for line in ShowCommand.describe(loaded.summary(), now: session.clock.now()) { session.console.line(line) }
        }
        return status
    }
}

/// `cairn cancel ID`
enum CancelCommand {
    static let command = Command(
        name: "cancel", summary: "request cancellation of an execution",
        usage: "cairn cancel ID [--state-dir DIR] [--sim-speed X] [--profile NAME]",
        details: """
            Records WorkflowExecutionCancelRequested; the decider then cancels running activities and closes the
            execution as canceled (running compensations first when the workflow says onCancel: rollback).
            When another Cairn process runs the execution, the request is queued for it and this command returns;
            otherwise this command carries the cancellation out and waits for it. Exit status 0 when canceled.
            """,
        options: [simSpeedOption, rdsProviderOption, profileOption],
        run: run)

    static func run(_ invocation: Invocation) async throws -> Int32 {
        let executionId = try invocation.executionId()
        _ = try EngineSession.requestedSpeed(invocation)
        let directory = invocation.stateDirectory
        let store = try directory.openForReading(lookingFor: executionId)
        let loaded = try LoadedExecution.load(executionId, from: store)
        guard loaded.state.status == .running, loaded.quarantine == nil else {
            let status = loaded.quarantine == nil ? loaded.state.status.rawValue : "quarantined"
            throw CLIError.failure("execution \(executionId) is \(status); there is nothing to cancel")
        }
        let provider = try ResumeCommand.recordedProvider(invocation, executionId: executionId, store: store)
        let session: EngineSession
        do {
            session = try await EngineSession.open(invocation, command: "cancel \(executionId)", provider: provider)
        } catch let error as StateDirectoryError where error.code == .locked {
            try directory.cancelRequests.enqueue(
                executionId: executionId, identity: processIdentity("cancel"), now: SystemWallClock().now())
            let holder = directory.lockHolder().map { " (\($0))" } ?? ""
            invocation.console.line("cancel of \(executionId) queued in \(directory.requestsPath)")
            invocation.console.line(
                "The engine holding \(directory.path)\(holder) applies it within a second if it runs \(executionId); "
                    + "otherwise `cairn resume \(executionId)` applies it. Follow it with `cairn show \(executionId)`.")
            return ExitStatus.success
        }
        return try await session.closing {
            let status = try await ResumeCommand.resumeOrReport(session, executionId)
            guard status == .running else { return status == .canceled ? ExitStatus.success : ExitStatus.failure }
            try await session.engine.requestCancel(executionId, identity: processIdentity("cancel"))
            invocation.console.line("canceling \(executionId); state in \(session.directory.path)")
            invocation.console.line("")
            return try await session.drive(executionId, success: .canceled)
        }
    }
}
