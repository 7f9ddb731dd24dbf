#if os(Linux)
    import Foundation
    import Testing

    /// One end-to-end scenario: a fresh directory, the real `cairn` binary on the RDS simulator, the
    /// processes it starts and kills, and what it saw at every kill.
    ///
    /// Everything here is synchronous and runs on a thread of its own (see ``E2E/run``): it blocks in
    /// `poll()` while `cairn` works. Checks that fail add to ``problems``; a scenario that cannot go on
    /// throws ``E2EFailure``.
    final class Scenario {
        /// Simulated seconds per real second (`CAIRN_E2E_SIM_SPEED`, default 240): the rollout takes ~4 s.
        static let defaultSimSpeed = ProcessInfo.processInfo.environment["CAIRN_E2E_SIM_SPEED"] ?? "240"
        /// How long any one wait may take before the test gives up.
        static let patience: Duration = .seconds(60)

        let name: String
        let root: String
        /// `cairn`'s working directory; its state directory is `.cairn` in here.
        let work: String
        /// Captured stdout and stderr of every process, `NN-label.stdout|stderr`.
        let outputDirectory: String
        let executionId: String
        let workflowPath: String
        let inputs: [String]
        let binary: String
        /// `--sim-speed` for every engine of this scenario.
        let simSpeed: String

        private(set) var children: [ChildProcess] = []
        private(set) var kills: [Kill] = []
        /// Failed checks, in the words a reader needs to act on them.
        var problems: [String] = []
        /// What happened, step by step, printed with the problems.
        private(set) var narrative: [String] = []
        /// Calls to `cairn`: engines started, resumes, short commands.
        private(set) var commandCount = 0
        var engineStarts = 0
        /// Extra environment of every engine (`cairn run` and `cairn resume`) this scenario starts.
        var engineEnvironment: [String: String] = [:]

        /// What the test saw when it killed an engine.
        struct Kill {
            var label: String
            var pid: Int32
            /// The history's complete lines at the kill: the final history must start with them.
            var historyPrefix: [UInt8]
            /// Activities whose ActivityTaskCompleted was in the history at the kill.
            var completedActivities: Set<String>
            /// Number of calls in calls.log at the kill: later calls come from later processes.
            var callCount: Int
            /// Resources created (`created` in calls.log) by an activity whose completion was not in the
            /// history at the kill: the retried attempt must adopt them (`alreadyExists`, then success).
            var ambiguousCreates: [SimCall]
        }

        init(name: String, workflow: String, executionId: String, inputs: [String], simSpeed: String = Scenario.defaultSimSpeed) throws {
            guard let binary = CairnBinary.path else {
                throw E2EFailure(
                    "cannot find the cairn executable next to the test bundle (searched up from \(CairnBinary.searchStart)); "
                        + "build it with `swift build --build-tests`, or set CAIRN_BINARY")
            }
            self.binary = binary
            self.name = name
            self.executionId = executionId
            self.inputs = inputs
            self.simSpeed = simSpeed
            // A workflow of the repository by name, or any file by absolute path.
            workflowPath = workflow.hasPrefix("/") ? workflow : CairnBinary.repositoryRoot + "/Workflows/" + workflow
            root = FileManager.default.temporaryDirectory.path + "/cairn-e2e-\(name)-\(UUID().uuidString.prefix(8))"
            work = root + "/work"
            outputDirectory = root + "/out"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
            note("directory \(root), cairn \(binary), sim speed \(simSpeed)")
        }

        /// Stops every process this scenario started and removes its directory (kept when
        /// `CAIRN_E2E_KEEP` is set).
        func cleanup() {
            for child in children { child.stop() }
            children.removeAll()
            if ProcessInfo.processInfo.environment["CAIRN_E2E_KEEP"] == nil { try? FileManager.default.removeItem(atPath: root) }
        }

        /// Removes the state directory and forgets the kills, to start the scenario over.
        func resetState() {
            try? FileManager.default.removeItem(atPath: stateDirectory)
            kills.removeAll()
            engineStarts = 0
            note("state directory removed")
        }

        func note(_ text: String) { narrative.append(text) }

        func expect(_ condition: Bool, _ message: @autoclosure () -> String) { if !condition { problems.append(message()) } }

        // MARK: Paths and files

        var stateDirectory: String { work + "/.cairn" }
        var executionsDirectory: String { stateDirectory + "/executions" }
        var historyPath: String { executionsDirectory + "/\(executionId).history" }
        var callLogPath: String { stateDirectory + "/sim/calls.log" }
        var secretsPath: String { stateDirectory + "/sim/secrets.json" }
        var lockPath: String { stateDirectory + "/LOCK" }
        var historyExists: Bool { FileManager.default.fileExists(atPath: historyPath) }

        func history(strict: Bool = false) -> HistoryFile { HistoryFile(path: historyPath, executionId: executionId, strict: strict) }

        func calls() -> [SimCall] { SimCall.load(callLogPath) }

        func fileBytes(_ path: String) -> [UInt8] { FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? [] }

        // MARK: Processes

        /// Starts `cairn arguments` in the working directory.
        func spawn(_ arguments: [String], label: String, environment: [String: String] = [:]) throws -> ChildProcess {
            commandCount += 1
            let prefix = outputDirectory + "/" + String(format: "%02d-", commandCount) + label
            // What exists before the process starts: conditions look at what it adds.
            let baseline = (historyBytes: fileBytes(historyPath).count, calls: calls().count)
            let child = try ChildProcess(
                label: "cairn \(arguments.prefix(2).joined(separator: " "))", executable: binary, arguments: arguments, directory: work,
                outputPrefix: prefix, extraEnvironment: environment)
            child.baseline = baseline
            children.append(child)
            return child
        }

        struct CommandResult {
            var status: Int32
            var stdout: String
            var stderr: String
        }

        /// Runs a short `cairn` command to its end.
        @discardableResult func cairn(_ arguments: [String]) throws -> CommandResult {
            let child = try spawn(arguments, label: arguments.first ?? "cairn")
            guard let status = child.wait(until: .now + Self.patience) else {
                try child.kill()
                throw E2EFailure("`cairn \(arguments.joined(separator: " "))` did not finish within \(Self.patience)")
            }
            return CommandResult(status: status, stdout: child.stdout, stderr: child.stderr)
        }

        var runArguments: [String] {
            ["run", workflowPath] + inputs.flatMap { ["--input", $0] } + ["--id", executionId, "--sim-speed", simSpeed]
        }

        /// Starts the engine on the execution: `cairn resume` when its history exists, else `cairn run --id`.
        ///
        /// After a kill that came before the first durable event, it first checks that `cairn resume`
        /// refuses (exit 2) and points at `cairn run --id`.
        func startEngine() throws -> ChildProcess {
            engineStarts += 1
            if historyExists {
                note("resume \(executionId)")
                return try spawn(["resume", executionId, "--sim-speed", simSpeed], label: "resume", environment: engineEnvironment)
            }
            if engineStarts > 1 {
                let refused = try cairn(["resume", executionId, "--sim-speed", simSpeed])
                expect(
                    refused.status == 2 && refused.stderr.contains("cairn run") && refused.stderr.contains("--id \(executionId)"),
                    "`cairn resume \(executionId)` with no history should exit 2 and say to use `cairn run ... --id \(executionId)`; "
                        + "it exited \(refused.status): \(refused.stderr)")
                note("resume refused (exit \(refused.status)): no history yet")
            }
            note("run --id \(executionId)")
            return try spawn(runArguments, label: "run", environment: engineEnvironment)
        }

        /// Waits until `condition` holds for what `child` has written, then kills it with SIGKILL.
        ///
        /// - Parameters:
        ///   - watchSimulator: also wake on changes in the simulator's files (calls.log), for
        ///     conditions that read them.
        ///   - allowExit: return false instead of failing when the child exits first.
        /// - Returns: whether the child was killed.
        /// - Throws: ``E2EFailure`` when the child exits first (unless `allowExit`) or nothing happens
        ///   within ``patience``.
        @discardableResult func kill(
            _ child: ChildProcess, when label: String, watchSimulator: Bool = false, allowExit: Bool = false,
            _ condition: (Observation) -> Bool
        ) throws -> Bool {
            guard try wait(for: child, until: label, watchSimulator: watchSimulator, allowExit: allowExit, condition) else { return false }
            try child.kill()
            recordKill(label, child)
            return true
        }

        /// Kills the engine at the point `label` of a sequence of kills; but if the history it started
        /// from shows that point already `passed` (the previous kill landed late on a busy machine), as
        /// soon as it appends to the history instead, so the sequence goes on.
        /// - Returns: false when the execution had already closed, so there was nothing to kill.
        @discardableResult func killAtNextPoint(
            _ child: ChildProcess, _ label: String, watchSimulator: Bool = false, passed: (HistoryFile) -> Bool,
            _ condition: (Observation) -> Bool
        ) throws -> Bool {
            let before = HistoryFile(
                bytes: Array(fileBytes(historyPath).prefix(child.baseline.historyBytes)), executionId: executionId, strict: false)
            if before.closingEvent != nil {
                note("the execution had closed before \"\(label)\"")
                return try kill(child, when: label, allowExit: true) { _ in false }
            }
            if passed(before) {
                // A resumed engine writes nothing until it has something to record, so it is killed at
                // its first write or its first simulator call, whichever comes first.
                note("\"\(label)\" was already passed when this engine started; it is killed at its first write or call")
                return try kill(child, when: label + " (passed: first write or call)", watchSimulator: true) {
                    $0.historyGrew || !$0.newCalls.isEmpty
                }
            }
            return try kill(child, when: label, watchSimulator: watchSimulator, condition)
        }

        /// Waits until `condition` holds for what `child` has written since it started.
        /// - Returns: true, or false when the child exits first and `allowExit`.
        /// - Throws: ``E2EFailure`` when the child exits first (unless `allowExit`) or nothing happens
        ///   within ``patience`` (the child is killed then).
        @discardableResult func wait(
            for child: ChildProcess, until label: String, watchSimulator: Bool = false, allowExit: Bool = false,
            _ condition: (Observation) -> Bool
        ) throws -> Bool {
            var directories = [work, stateDirectory, executionsDirectory]
            if watchSimulator { directories.append(stateDirectory + "/sim") }
            let watcher = try FileWatcher(directories: directories)
            let outcome = watcher.wait(for: { condition(Observation(self, since: child)) }, child: child, deadline: .now + Self.patience)
            switch outcome {
            case .satisfied: return true
            case .exited(let status):
                note("\(child.label) exited with status \(status) before \"\(label)\"")
                if allowExit { return false }
                throw E2EFailure("\(child.label) exited with status \(status) before \"\(label)\" was reached\n\(child.outputTail)")
            case .timedOut:
                try child.kill()
                throw E2EFailure("\"\(label)\" was not reached within \(Self.patience)\n\(child.outputTail)")
            }
        }

        /// What the history and calls.log hold now that `child` is dead.
        private func recordKill(_ label: String, _ child: ChildProcess) {
            let bytes = fileBytes(historyPath)
            let prefix = Array(bytes[..<((bytes.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0)])
            let history = HistoryFile(bytes: prefix, executionId: executionId, strict: false)
            let completed = history.completedActivities
            let calls = calls()
            let ambiguous = calls.filter {
                $0.outcome == "created" && $0.execution == executionId && $0.activity.map { !completed.contains($0) } ?? false
            }
            kills.append(
                Kill(
                    label: label, pid: child.pid, historyPrefix: prefix, completedActivities: completed, callCount: calls.count,
                    ambiguousCreates: ambiguous))
            note(
                "killed pid \(child.pid) at \"\(label)\": \(history.events.count) events, last \(history.eventTypes.last ?? "-"); "
                    + "completed \(completed.sorted()); \(calls.count) calls"
                    + (ambiguous.isEmpty ? "" : "; created but not completed: \(ambiguous.map(\.description))"))
        }

        /// Starts engines until the execution closes; returns the last engine's exit status.
        func runToClose() throws -> Int32 {
            let child = try startEngine()
            guard let status = child.wait(until: .now + Self.patience) else {
                try child.kill()
                throw E2EFailure("\(child.label) did not close the execution within \(Self.patience)\n\(child.outputTail)")
            }
            note("\(child.label) exited with status \(status)")
            return status
        }
    }

    /// The files of a scenario at one moment, read lazily: conditions read only what they test.
    final class Observation {
        private let scenario: Scenario
        private let historySizeAtStart: Int
        private let callCountAtStart: Int

        /// The files now, compared with what existed when `child` was started.
        init(_ scenario: Scenario, since child: ChildProcess) {
            self.scenario = scenario
            historySizeAtStart = child.baseline.historyBytes
            callCountAtStart = child.baseline.calls
        }

        lazy var historyBytes: [UInt8] = scenario.fileBytes(scenario.historyPath)
        lazy var history = HistoryFile(bytes: historyBytes, executionId: scenario.executionId, strict: false)
        lazy var calls = scenario.calls()
        lazy var lockHolder: String = String(decoding: scenario.fileBytes(scenario.lockPath), as: UTF8.self)

        /// Whether the engine being watched has appended to the history.
        var historyGrew: Bool { historyBytes.count > historySizeAtStart }
        /// Complete records appended since the watched engine started, counting the header.
        var recordsAppended: Int { historyBytes[min(historySizeAtStart, historyBytes.count)...].filter { $0 == 0x0A }.count }

        /// Calls logged since the watched engine started.
        var newCalls: ArraySlice<SimCall> { calls[min(callCountAtStart, calls.count)...] }

        /// DescribeDBInstances calls for `identifier` since the watched engine started: polls of a wait.
        func polls(of identifier: String) -> Int { newCalls.filter { $0.op == "DescribeDBInstances" && $0.identifier == identifier }.count }

        func scheduled(_ activityId: String) -> Bool { history.scheduledActivityIds.contains(activityId) }
        func completed(_ activityId: String) -> Bool { history.completedActivities.contains(activityId) }
        func running(_ activityId: String) -> Bool { scheduled(activityId) && !completed(activityId) }

        /// Whether calls.log holds a call of `op` whose `cairn:activity` tag is `activityId`.
        func called(_ op: String, by activityId: String) -> Bool { calls.contains { $0.op == op && $0.activity == activityId } }
    }

    /// Runs scenarios off Swift's cooperative pool and records their problems as test issues.
    enum E2E {
        /// Creates a scenario, runs `body` on a thread of its own, cleans up, and records every problem
        /// (with the scenario's narrative) as an issue of the current test.
        static func run(
            _ name: String, workflow: String = "multi-region-rollout.json", executionId: String, inputs: [String] = ["identifier=orders"],
            simSpeed: String = Scenario.defaultSimSpeed, context: String = "", _ body: @escaping @Sendable (Scenario) throws -> Void
        ) async {
            let started = ContinuousClock.now
            let found = await problems(name, workflow: workflow, executionId: executionId, inputs: inputs, simSpeed: simSpeed, body)
            print("e2e \(name): \(found.isEmpty ? "passed" : "FAILED") in \(started.duration(to: .now))")
            guard !found.isEmpty else { return }
            for problem in found.problems { Issue.record(Comment(rawValue: problem)) }
            Issue.record(Comment(rawValue: found.narrative + (context.isEmpty ? "" : "\n" + context)))
        }

        /// What a scenario found wrong, and its narrative.
        struct Findings: Sendable {
            var problems: [String]
            var narrative: String
            var isEmpty: Bool { problems.isEmpty }
        }

        /// Creates a scenario, runs `body` on a thread of its own, cleans up, and returns its problems.
        static func problems(
            _ name: String, workflow: String = "multi-region-rollout.json", executionId: String, inputs: [String] = ["identifier=orders"],
            simSpeed: String = Scenario.defaultSimSpeed, _ body: @escaping @Sendable (Scenario) throws -> Void
        ) async -> Findings {
            await onThread {
                let scenario: Scenario
                do {
                    scenario = try Scenario(name: name, workflow: workflow, executionId: executionId, inputs: inputs, simSpeed: simSpeed)
                } catch { return Findings(problems: ["\(error)"], narrative: "") }
                defer { scenario.cleanup() }
                do { try body(scenario) } catch { scenario.problems.append("\(error)") }
                for child in scenario.children { child.stop() }
                let narrative =
                    "what happened (\(name)):\n  " + scenario.narrative.joined(separator: "\n  ")
                    + "\n(set CAIRN_E2E_KEEP=1 to keep \(scenario.root))"
                if ProcessInfo.processInfo.environment["CAIRN_E2E_VERBOSE"] != nil { print(narrative) }
                return Findings(problems: scenario.problems, narrative: narrative)
            }
        }

        /// Runs `body` on a new thread and returns its result.
        static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
            await withCheckedContinuation { continuation in
                let thread = Thread { continuation.resume(returning: body()) }
                thread.start()
            }
        }
    }
#endif
