import Foundation
import HistoryStore
import StrictJSON
import SystemIO
import WorkflowDecider
import WorkflowEngine
import WorkflowModel

#if canImport(Glibc)
    import Glibc
#endif

/// The workloads of issue 5. Each run uses a fresh state directory under `root`.
struct Workloads: Sendable {
    let root: String
    let results: Results
    let quick: Bool
    let cairnBinary: String?

    // MARK: W0, the disk

    /// Appends 200-byte records to one file through the store's own file layer, one fsync each; then the
    /// same with 100 records per fsync, for the batching bound.
    func w0() throws {
        let directory = freshDirectory(root, "w0")
        let fileSystem = PosixFileSystem()
        let path = directory + "/records"
        try fileSystem.createFileExclusively(at: path, contents: [])
        let file = try fileSystem.openForAppending(at: path)
        defer { file.close() }
        let record = Array(repeating: UInt8(ascii: "x"), count: 199) + [10]
        let count = quick ? 500 : 2_000
        var start = monotonicSeconds()
        for _ in 0..<count {
            try file.append(record)
            try file.sync()
        }
        let fsyncsPerSecond = Double(count) / (monotonicSeconds() - start)
        results.add("W0", "fsyncs/s (200 B record + fsync)", "1/s", fsyncsPerSecond)
        let batch = Array([[UInt8]](repeating: record, count: 100).joined())
        start = monotonicSeconds()
        for _ in 0..<(count / 10) {
            try file.append(batch)
            try file.sync()
        }
        results.add("W0", "records/s at 100 records per fsync", "1/s", Double(count * 10) / (monotonicSeconds() - start))
    }

    // MARK: W1, one sequential execution

    /// `activities` sequential noop activities in one execution; the 1,000 of the issue, and 100 to show
    /// how the cost per activity grows with the history (the decider re-reads it at every decision).
    func w1(activities requested: Int = 1_000) async throws {
        let activities = quick ? requested / 5 : requested
        let directory = freshDirectory(root, "w1")
        let workflow = try BenchWorkflow.sequential([activities])
        let bench = try await BenchEngine.open(directory)
        let start = monotonicSeconds()
        try await bench.engine.start(workflow.request("w1", input: BenchWorkflow.sequentialInput([activities])))
        let status = try await bench.engine.waitForClose("w1")
        let elapsed = monotonicSeconds() - start
        await bench.close()
        guard status == .completed else { throw BenchError("W1 closed as \(status)") }
        let rate = Double(activities) / elapsed
        if requested != 1_000 {
            results.add("W1", "activities/s with \(activities) activities (for comparison)", "1/s", rate)
            return
        }
        results.add("W1", "activities/s", "1/s", rate)
        if let disk = results.median("W0", "fsyncs/s (200 B record + fsync)") {
            results.add("W1", "activities/s ÷ W0 fsyncs/s", "ratio", rate / disk, target: "≥ 0.5") { $0 >= 0.5 }
        }
    }

    // MARK: W2, many executions at once

    /// Runs in a child process per run (``child(_:)``), so its peak RSS and heap are its own.
    func w2(executions: Int) throws {
        let values = try runChild("w2", executions)
        let (elapsed, peak) = (values[0], values[1])
        let label = executions >= 1_000 ? "\(executions / 1_000)k" : "\(executions)"
        results.add("W2", "\(label) executions: executions/s", "1/s", Double(executions) / elapsed)
        if executions >= 10_000 {
            results.add("W2", "\(label) executions: activities/s", "1/s", Double(executions * 4) / elapsed, target: "≥ 20000") {
                $0 >= 20_000
            }
        } else {
            results.add("W2", "\(label) executions: activities/s", "1/s", Double(executions * 4) / elapsed)
        }
        results.add("W2", "\(label) executions: peak RSS", "MB", peak / 1_048_576)
    }

    /// W2's measurement: seconds from the first start to the last close, and the peak RSS in bytes.
    func w2Body(executions: Int) async throws -> [Double] {
        let directory = freshDirectory(root, "w2")
        let workflow = try BenchWorkflow(
            """
            {"format": "cairn.workflow/v1", "name": "bench-four", "steps": [
             {"id": "a", "activity": "noop", "input": {"n": 1}}, {"id": "b", "activity": "noop", "input": {"n": 2}},
             {"id": "c", "activity": "noop", "input": {"n": 3}}, {"id": "d", "activity": "noop", "input": {"n": 4}}],
             "output": {"done": true}}
            """)
        let bench = try await BenchEngine.open(directory)
        let engine = bench.engine
        let start = monotonicSeconds()
        let completed = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<executions {
                group.addTask {
                    let id = "w2-\(index)"
                    try await engine.start(workflow.request(id))
                    return try await engine.waitForClose(id) == .completed
                }
            }
            var completed = 0
            for try await done in group where done { completed += 1 }
            return completed
        }
        let elapsed = monotonicSeconds() - start
        let peak = procStatusBytes("VmHWM") ?? 0
        await bench.close()
        guard completed == executions else { throw BenchError("W2: only \(completed) of \(executions) completed") }
        return [elapsed, Double(peak)]
    }

    /// Runs `cairn-bench --child NAME N` and returns the numbers it prints.
    func runChild(_ name: String, _ size: Int) throws -> [Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--child", name, String(size), "--dir", root]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let values = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard process.terminationStatus == 0, !values.isEmpty else {
            throw BenchError("\(name) (\(size)) child exited \(process.terminationStatus)")
        }
        return values
    }

    /// The body of a child process: one run of `name`, its numbers printed on one line.
    func child(_ name: String, _ size: Int) async throws {
        let values =
            switch name {
            case "w2": try await w2Body(executions: size)
            case "w5": try await w5Body(executions: size)
            default: throw BenchError("unknown child workload \(name)")
            }
        print(values.map { String($0) }.joined(separator: " "))
    }

    // MARK: W4, load and replay a long history

    /// Builds one history of 24,947 events with the engine (4,157 sequential activities), then times
    /// loading it (read, checksums, decoding) and replaying it: folding it into state and running the decider
    /// as a resume does, and re-running every decision task as `ReplayVerifier` does.
    func w4(runs: Int) async throws {
        let directory = freshDirectory(root, "w4")
        // 5 + 6 × 4,157 = 24,947 events: the decider closes an execution that comes within 50 events of
        // the 25,000 cap, so this is as long as a history gets.
        let counts = quick ? [1_000] : [1_000, 1_000, 1_000, 1_000, 157]
        let workflow = try BenchWorkflow.sequential(counts)
        let bench = try await BenchEngine.open(directory)
        try await bench.engine.start(workflow.request("w4", input: BenchWorkflow.sequentialInput(counts)))
        let status = try await bench.engine.waitForClose("w4")
        await bench.close()
        guard status == .completed else { throw BenchError("W4: the generating execution closed as \(status)") }
        let store = try HistoryStore(stateDirectory: directory, fileSystem: PosixFileSystem())
        for _ in 0..<runs {
            var start = monotonicSeconds()
            let bytes = try PosixFileSystem().readFile(at: store.historyPath(of: "w4"))
            results.add(
                "W4", "ms to read the file (\(bytes.count / 1_048_576) MB), part of load", "ms", (monotonicSeconds() - start) * 1000)
            start = monotonicSeconds()
            let recovered = try store.load("w4", repair: false)
            let loaded = monotonicSeconds() - start
            guard recovered.outcome == .intact else { throw BenchError("W4: history not intact") }
            start = monotonicSeconds()
            let events = recovered.events
            let state = HistoryState(events: events)
            _ = Decider.evaluate(definition: workflow.definition, state: state, catalog: .builtIn)
            let replayed = monotonicSeconds() - start
            results.add("W4", "events in the history", "", Double(events.count))
            results.add("W4", "ms to load", "ms", loaded * 1000)
            results.add("W4", "ms to replay (fold + decide, as resume)", "ms", replayed * 1000)
            results.add("W4", "ms to load + replay", "ms", (loaded + replayed) * 1000, target: "< 200") { $0 < 200 }
        }
        let start = monotonicSeconds()
        let recovered = try store.load("w4", repair: false)
        let tasks = try ReplayVerifier.verify(definition: workflow.definition, history: recovered.events, catalog: .builtIn)
        results.add("W4", "ms to re-run all \(tasks) decision tasks (ReplayVerifier)", "ms", (monotonicSeconds() - start) * 1000)
    }

    // MARK: W5, many executions waiting on timers

    /// Runs in a child process per run, so the RSS it measures is not memory freed by earlier runs.
    func w5(executions: Int) throws {
        let values = try runChild("w5", executions)
        results.add("W5", "RSS per open execution", "KB", values[0] / 1024, target: "< 20") { $0 < 20 }
        results.add("W5", "RSS per open execution, freed heap not yet returned (no malloc_trim)", "KB", values[2] / 1024)
        results.add("W5", "s to recover all \(executions) after a restart", "s", values[1], target: "< 5") { $0 < 5 }
    }

    /// W5's measurement: RSS bytes per open execution, and seconds to resume them all in a new engine.
    func w5Body(executions: Int) async throws -> [Double] {
        let directory = freshDirectory(root, "w5")
        let workflow = try BenchWorkflow(
            """
            {"format": "cairn.workflow/v1", "name": "bench-timer", "steps": [{"id": "wait", "timer": "1h"}],
             "output": {"done": true}}
            """)
        var bench = try await BenchEngine.open(directory)
        // Freed heap goes back to the system before each reading, so the difference is what the open
        // executions hold, not what starting 10,000 at once needed for a moment.
        mallocTrim()
        let before = procStatusBytes("VmRSS") ?? 0
        let engine = bench.engine
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<executions {
                group.addTask { try await engine.start(workflow.request("w5-\(index)")) }
            }
            try await group.waitForAll()
        }
        let afterUntrimmed = procStatusBytes("VmRSS") ?? 0
        mallocTrim()
        let after = procStatusBytes("VmRSS") ?? 0
        await bench.close()

        // The restart: a new engine (and store) over the same directory, as `cairn resume` would open it.
        bench = try await BenchEngine.open(directory)
        let recovering = bench.engine
        let start = monotonicSeconds()
        let ids = try bench.store.listExecutions()
        let open = try await withThrowingTaskGroup(of: Bool.self) { group in
            for id in ids {
                group.addTask { try await recovering.resume(id) == .running }
            }
            var open = 0
            for try await running in group where running { open += 1 }
            return open
        }
        let elapsed = monotonicSeconds() - start
        await bench.close()
        guard open == executions else { throw BenchError("W5: \(open) of \(executions) recovered open") }
        return [Double(after - before) / Double(executions), elapsed, Double(afterUntrimmed - before) / Double(executions)]
    }

    // MARK: W3, kill and resume the real binary

    /// `cairn run` of 200 sequential `sleep 5ms` activities as a child process, SIGKILLed once the history
    /// shows 100 completed; then `cairn resume`, timed from its spawn.
    func w3() throws {
        guard let cairn = cairnBinary else { throw BenchError("W3 needs --cairn PATH") }
        let directory = freshDirectory(root, "w3")
        let activities = 200
        let workflowFile = directory + "/w3.json"
        let inputFile = directory + "/w3-input.json"
        try Array(BenchWorkflow.sequentialText([activities], activity: "sleep", input: "{\"duration\": \"5ms\"}").utf8)
            .write(to: workflowFile)
        try Array(JSONValue.object(BenchWorkflow.sequentialInput([activities])).canonicalBytes()).write(to: inputFile)
        let state = directory + "/state"
        let history = state + "/executions/w3.history"

        let totalStart = monotonicSeconds()
        let run = try spawn(
            cairn, ["run", workflowFile, "--input-file", inputFile, "--id", "w3", "--state-dir", state, "--sim-speed", "1000"])
        // The history is followed as another program would tail it: cheap polls of its size, reading only
        // new complete lines, so the measuring does not compete with the engine for the CPU.
        let tail = HistoryTail(path: history)
        while tail.counts.completed < activities / 2 {
            if !run.isRunning { throw BenchError("W3: cairn run exited before activity \(activities / 2)") }
            usleep(200)
            tail.poll()
        }
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit()
        tail.poll()
        let atKill = tail.counts

        let restart = monotonicSeconds()
        let resume = try spawn(cairn, ["resume", "w3", "--state-dir", state])
        var firstNewCompletion: Double?
        while firstNewCompletion == nil {
            let running = resume.isRunning
            tail.poll()
            if tail.counts.completed > atKill.completed {
                firstNewCompletion = monotonicSeconds()
            } else if !running {
                break
            } else {
                usleep(100)
            }
        }
        resume.waitUntilExit()
        let total = monotonicSeconds() - totalStart
        tail.poll()
        let final = tail.counts
        guard resume.terminationStatus == 0, final.completed == activities, let firstNewCompletion else {
            throw BenchError("W3: resume exited \(resume.terminationStatus) with \(final.completed) of \(activities) completed")
        }
        results.add(
            "W3", "ms from restart to the first new activity completed (incl. its 5 ms)", "ms",
            (firstNewCompletion - restart) * 1000, target: "< 50"
        ) { $0 < 50 }
        results.add("W3", "s total (run, kill at 100, resume to the end)", "s", total)
        // An activity scheduled but without an outcome when the engine died ran (at least partly) before
        // the kill and runs again after it.
        results.add("W3", "activities run twice", "", Double(atKill.scheduled - atKill.completed), target: "≤ 1") { $0 <= 1 }
    }

    func spawn(_ path: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// Counts of activity events in a history file.
struct HistoryCounts {
    var scheduled = 0
    var completed = 0
}

/// Follows a growing history file: each poll reads only the bytes appended since the last one and
/// counts the complete lines among them.
final class HistoryTail {
    let path: String
    private var offset: off_t = 0
    private var partial: [UInt8] = []
    private(set) var counts = HistoryCounts()

    init(path: String) { self.path = path }

    func poll() {
        var info = stat()
        guard stat(path, &info) == 0, info.st_size > offset else { return }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: Int(info.st_size - offset))
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
        guard count > 0 else { return }
        offset += off_t(count)
        partial += buffer[0..<count]
        guard let lastNewline = partial.lastIndex(of: 10) else { return }
        let text = String(decoding: partial[...lastNewline], as: UTF8.self)
        partial.removeFirst(lastNewline + 1)
        for line in text.split(separator: "\n") {
            if line.contains("\"eventType\":\"ActivityTaskScheduled\"") { counts.scheduled += 1 }
            if line.contains("\"eventType\":\"ActivityTaskCompleted\"") { counts.completed += 1 }
        }
    }
}

extension [UInt8] {
    func write(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(self)) else { throw BenchError("cannot write \(path)") }
    }
}
