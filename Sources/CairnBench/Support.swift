import Foundation
import HistoryStore
import StrictJSON
import Synchronization
import SystemIO
import WorkflowEngine
import WorkflowModel

#if canImport(Glibc)
    import Glibc
#endif

/// Monotonic seconds, for timing.
func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// A field of `/proc/self/status` in bytes (`VmRSS`, `VmHWM`); nil where there is no procfs.
func procStatusBytes(_ field: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        let digits = line.dropFirst(field.count + 1).filter(\.isNumber)
        return Int(digits).map { $0 * 1024 }
    }
    return nil
}

/// Raises the open-file soft limit to the hard limit: every open execution keeps its history open.
func raiseOpenFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

/// A fresh, empty state directory under the benchmark's root.
///
/// Run directories are removed only with the root, at the end of the benchmark: ext4 without a
/// journal (this VM's) skips inodes freed in the last minutes when it allocates one, so a run started
/// right after another run's 10,000 files were deleted spent a third of its CPU scanning past them
/// (`recently_deleted` in the profile), a cost of the benchmark's own cleanup, not of the engine.
func freshDirectory(_ root: String, _ name: String) -> String {
    let path = "\(root)/\(name)-\(UInt64(monotonicSeconds() * 1e6))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// `noop`: returns its input, in process.
struct NoopHandler: ActivityHandler {
    let activityType = "noop"
    func run(input: JSONValue, context: ActivityContext) async throws -> JSONValue { input }
}

/// A workflow validated as the CLI validates it, ready to start.
struct BenchWorkflow {
    let definition: WorkflowDefinition
    let json: JSONValue
    let digest: String

    init(_ text: String) throws {
        let outcome = WorkflowValidator.validate(fileBytes: Array(text.utf8))
        guard let definition = outcome.definition, let json = outcome.canonicalJSON else {
            throw BenchError("invalid benchmark workflow: \(outcome.diagnostics.map(\.description))")
        }
        self.definition = definition
        self.json = json
        digest = RecordedDefinition.digest(of: json)
    }

    func request(_ id: String, input: JSONObject = JSONObject()) -> StartRequest {
        StartRequest(
            executionId: id, definition: definition, definitionJSON: json, definitionDigest: digest,
            definitionSource: "cairn-bench", input: input)
    }

    /// A workflow of `counts.count` forEach steps, each running `noop` (or `activity`) once per element of
    /// its input list, one at a time: `sum(counts)` sequential activities.
    static func sequential(_ counts: [Int], activity: String = "noop", input: String = "{\"n\": \"${index}\"}") throws
        -> BenchWorkflow
    {
        try BenchWorkflow(sequentialText(counts, activity: activity, input: input))
    }

    /// The JSON text of ``sequential(_:activity:input:)``.
    static func sequentialText(_ counts: [Int], activity: String = "noop", input: String = "{\"n\": \"${index}\"}")
        -> String
    {
        let inputs = counts.indices.map { "\"items\($0)\": {\"type\": \"array\", \"required\": true}" }
        let steps = counts.indices.map { index in
            "{\"id\": \"s\(index)\", \"activity\": \"\(activity)\", \"forEach\": \"${input.items\(index)}\", "
                + "\"concurrency\": 1, \"input\": \(input)}"
        }
        return """
            {"format": "cairn.workflow/v1", "name": "bench-sequential", "inputs": {\(inputs.joined(separator: ", "))},
             "steps": [\(steps.joined(separator: ", "))], "output": {"done": true}}
            """
    }

    /// The input of ``sequential(_:activity:input:)``.
    static func sequentialInput(_ counts: [Int]) -> JSONObject {
        JSONObject(counts.indices.map { ("items\($0)", JSONValue.array(Array(repeating: .null, count: counts[$0]))) })
    }
}

/// An engine on the real disk over a state directory it has locked.
struct BenchEngine {
    let store: HistoryStore
    let lock: any FileLock
    let engine: Engine

    static func open(_ directory: String, handlers: [any ActivityHandler] = [NoopHandler()], workers: Int = 64) async throws
        -> BenchEngine
    {
        let store = try HistoryStore(stateDirectory: directory, fileSystem: PosixFileSystem())
        let lock = try store.lockStateDirectory(holder: "cairn-bench pid \(getpid())")
        let engine = Engine(
            store: store, handlers: handlers, clock: SystemWallClock(),
            configuration: EngineConfiguration(workerCount: workers, identity: "cairn-bench"))
        await engine.startWorkers()
        return BenchEngine(store: store, lock: lock, engine: engine)
    }

    func close() async {
        await engine.shutdown()
        lock.release()
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One figure of a workload over several runs.
struct Figure: Sendable {
    let workload: String
    let name: String
    let unit: String
    var values: [Double]
    /// The target, as text, and whether a value meets it.
    var target: String = ""
    var meets: (@Sendable (Double) -> Bool)?

    var sorted: [Double] { values.sorted() }
    var median: Double {
        let sorted = sorted
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// Collects figures in the order they are first reported.
final class Results: Sendable {
    private let state = Mutex<[Figure]>([])

    var figures: [Figure] { state.withLock { $0 } }

    func add(
        _ workload: String, _ name: String, _ unit: String, _ value: Double, target: String = "",
        meets: (@Sendable (Double) -> Bool)? = nil
    ) {
        state.withLock { figures in
            if let index = figures.firstIndex(where: { $0.workload == workload && $0.name == name }) {
                figures[index].values.append(value)
            } else {
                figures.append(Figure(workload: workload, name: name, unit: unit, values: [value], target: target, meets: meets))
            }
        }
    }

    func median(_ workload: String, _ name: String) -> Double? {
        figures.first { $0.workload == workload && $0.name == name }?.median
    }
}

func format(_ value: Double) -> String {
    if value.isNaN { return "-" }
    let magnitude = abs(value)
    if magnitude >= 100 { return String(Int64(value.rounded())) }
    if magnitude >= 10 { return String(format: "%.1f", value) }
    if magnitude >= 1 { return String(format: "%.2f", value) }
    return String(format: "%.3f", value)
}

/// Pads columns to a Markdown table.
func markdownTable(_ header: [String], _ rows: [[String]]) -> [String] {
    var widths = header.map(\.count)
    for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
    func line(_ cells: [String]) -> String {
        "| " + cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |"
    }
    return [line(header), "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"] + rows.map(line)
}

/// glibc's `malloc_trim(0)`: returns freed heap to the system (not in the Glibc module map, so looked up).
func mallocTrim() {
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "malloc_trim") else { return }
    typealias Trim = @convention(c) (Int) -> Int32
    _ = unsafeBitCast(symbol, to: Trim.self)(0)
}
