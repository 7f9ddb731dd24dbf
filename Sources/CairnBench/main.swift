import Foundation

// cairn-bench: the performance workloads of docs/performance.md on the real engine, store and disk.
// Each workload runs several times on a fresh state directory; the table shows medians with min and max.
// Not a test: nothing here asserts a time; the table says which targets the figures meet.

let usage = """
    usage: cairn-bench [--runs N] [--only W0,W1,...] [--quick] [--cairn PATH] [--dir DIR]
      --runs N      runs per workload (default 5; W2 with 10,000 executions and W5 run 3 times)
      --only LIST   the workloads to run (default all: W0,W1,W2,W3,W4,W5)
      --quick       smaller sizes and one run each: a smoke test of the program, not figures
      --cairn PATH  the release `cairn` binary, for W3 (make bench passes it)
      --dir DIR     where the fresh state directories go (default .cairn-bench, on the disk being measured)
    """

var runs = 5
var only: Set<String> = ["W0", "W1", "W2", "W3", "W4", "W5"]
var quick = false
var cairn: String?
var root = ".cairn-bench"
var child: (name: String, size: Int)?
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    func value() -> String {
        guard !arguments.isEmpty else {
            print(usage)
            exit(2)
        }
        return arguments.removeFirst()
    }
    switch argument {
    case "--runs": runs = Int(value()) ?? runs
    case "--only": only = Set(value().uppercased().split(separator: ",").map(String.init))
    case "--quick": quick = true
    case "--cairn": cairn = value()
    case "--dir": root = value()
    case "--child": child = (value(), Int(value()) ?? 0)
    default:
        print(usage)
        exit(2)
    }
}
if quick { runs = 1 }
raiseOpenFileLimit()
try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)

let results = Results()
let workloads = Workloads(root: root, results: results, quick: quick, cairnBinary: cairn)
if let child {
    // One run of a workload in a fresh process (memory figures), started by the parent below.
    do {
        try await workloads.child(child.name, child.size)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("\(child.name) failed: \(error)\n".utf8))
        exit(1)
    }
}
let heavyRuns = quick ? 1 : max(1, min(runs, 3))
let began = monotonicSeconds()

func step(_ name: String, _ body: () async throws -> Void) async {
    let start = monotonicSeconds()
    do {
        try await body()
    } catch {
        FileHandle.standardError.write(Data("\(name) failed: \(error)\n".utf8))
    }
    FileHandle.standardError.write(Data(String(format: "%@ done in %.1f s\n", name, monotonicSeconds() - start).utf8))
}

if only.contains("W0") || only.contains("W1") {
    await step("W0") { for _ in 0..<runs { try workloads.w0() } }
}
if only.contains("W1") {
    await step("W1") {
        for _ in 0..<runs {
            try await workloads.w1()
            try await workloads.w1(activities: 100)
        }
    }
}
if only.contains("W2") {
    await step("W2 (1,000)") { for _ in 0..<runs { try workloads.w2(executions: quick ? 100 : 1_000) } }
    await step("W2 (10,000)") { for _ in 0..<heavyRuns { try workloads.w2(executions: quick ? 1_000 : 10_000) } }
}
if only.contains("W3") {
    await step("W3") { for _ in 0..<runs { try workloads.w3() } }
}
if only.contains("W4") {
    await step("W4") { try await workloads.w4(runs: runs) }
}
if only.contains("W5") {
    await step("W5") { for _ in 0..<heavyRuns { try workloads.w5(executions: quick ? 1_000 : 10_000) } }
}
// Every run's state directory goes only now (see `freshDirectory`).
try? FileManager.default.removeItem(atPath: root)

var loadAverage = [Double](repeating: 0, count: 3)
_ = getloadavg(&loadAverage, 3)
print("")
print(
    "cairn-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(runs) runs per workload (\(heavyRuns) for the "
        + "10,000-execution ones), \(String(format: "%.0f", monotonicSeconds() - began)) s, load average "
        + loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " ") + (quick ? " (--quick: smoke sizes)" : ""))
print("")
let rows = results.figures.map { figure -> [String] in
    let sorted = figure.sorted
    let verdict = figure.target.isEmpty ? "" : "\(figure.target): " + ((figure.meets?(figure.median) ?? false) ? "met" : "NOT met")
    return [
        figure.workload, figure.name, format(figure.median), sorted.first.map(format) ?? "-", sorted.last.map(format) ?? "-",
        figure.unit, verdict,
    ]
}
for line in markdownTable(["id", "figure", "median", "min", "max", "unit", "target"], rows) { print(line) }
