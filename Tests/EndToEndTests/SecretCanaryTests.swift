#if os(Linux)
    import Foundation
    import Synchronization
    import Testing

    /// A canary password through every workflow in `Workflows/`, in runs that complete, runs that
    /// fail, and runs SIGKILLed twice and resumed (reliability.md T29): it must appear in no file
    /// under the state directory and in no output of any `cairn` process.
    ///
    /// The canary is the engine's `CAIRN_CANARY` environment variable. Workflows that create an
    /// instance get `"masterUserPassword": {"secretRef": "env:CAIRN_CANARY"}`, so the activity
    /// resolves it and sends it to the simulator; the others hold it only in the environment.
    extension EndToEnd {
        @Suite struct SecretCanaryTests {
            struct Variant: Sendable {
                var workflow: String
                var inputs: [String]
                /// The RDS call to fail (non-retryable) for the failing run.
                var failOperation: String
            }

            static let variants = [
                Variant(workflow: "create-instance", inputs: ["identifier=canary-db"], failOperation: "CreateDBInstance"),
                Variant(
                    workflow: "multi-region-rollout", inputs: ["identifier=canary-db", "replicaRegions=[\"eu-west-1\"]"],
                    failOperation: "CreateDBInstanceReadReplica"),
                Variant(
                    workflow: "restore-and-configure", inputs: ["identifier=canary-db", "snapshotIdentifier=canary-snap"],
                    failOperation: "ModifyDBInstance"),
            ]

            @Test func canaryAppearsInNoFileAndNoOutput() async throws {
                let canary = "CANARY-\(UUID().uuidString)"
                let workflows = FileManager.default.temporaryDirectory.path + "/cairn-canary-\(UUID().uuidString.prefix(8))"
                try FileManager.default.createDirectory(atPath: workflows, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: workflows) }
                let tally = Mutex((runs: 0, kills: 0, files: 0, hits: [String: Int]()))
                for variant in Self.variants {
                    let path = try Self.withCanaryReference(variant.workflow, into: workflows)
                    for failing in [false, true] {
                        await E2E.run(
                            "canary-\(variant.workflow)\(failing ? "-failing" : "")", workflow: path, executionId: "canary",
                            inputs: variant.inputs
                        ) { s in
                            s.engineEnvironment = ["CAIRN_CANARY": canary]
                            if variant.workflow == "restore-and-configure" {
                                let snapshot = try s.cairn(["sim", "create-snapshot", "canary-snap", "--users", "app,reporting"])
                                guard snapshot.status == 0 else { throw E2EFailure("create-snapshot: \(snapshot.stderr)") }
                            }
                            if failing {
                                // Several times: an attempt a kill cuts short can use one up without its failure
                                // reaching the history, and the resumed attempt must fail too.
                                let fault = try s.cairn([
                                    "sim", "fault", "--operation", variant.failOperation, "--code", "InvalidParameterValue",
                                    "--times", "5",
                                ])
                                guard fault.status == 0 else { throw E2EFailure("sim fault: \(fault.stderr)") }
                            }
                            // Two kills at seeded-free moments: after a few more durable records each time.
                            for (number, records) in [2, 3].enumerated() {
                                let engine = try s.startEngine()
                                guard try s.kill(engine, when: "#\(number + 1)", allowExit: true, { $0.recordsAppended >= records }) else {
                                    break
                                }
                            }
                            let status = try s.runToClose()
                            s.expect(status == (failing ? 1 : 0), "the run exited \(status), expected \(failing ? 1 : 0)")
                            for arguments in [["history", "canary", "--json"], ["show", "canary", "--json"], ["list"]] {
                                _ = try s.cairn(arguments)
                            }
                            let history = String(decoding: s.fileBytes(s.historyPath), as: UTF8.self)
                            if variant.workflow != "restore-and-configure" {
                                s.expect(history.contains("env:CAIRN_CANARY"), "the history should hold the reference")
                            }
                            // Every file the scenario produced: state directory (histories, simulator
                            // state, call log, lock, requests) and every process's stdout and stderr.
                            let files = Self.files(under: s.root)
                            var hits: [String: Int] = [:]
                            for file in files {
                                let text = String(decoding: s.fileBytes(file), as: UTF8.self)
                                let count = text.components(separatedBy: canary).count - 1
                                if count > 0 { hits[Self.sink(of: file), default: 0] += count }
                                s.expect(count == 0, "the canary appears \(count) times in \(file)")
                            }
                            tally.withLock {
                                $0.runs += 1
                                $0.kills += s.kills.count
                                $0.files += files.count
                                for (sink, count) in hits { $0.hits[sink, default: 0] += count }
                            }
                        }
                    }
                }
                let total = tally.withLock { $0 }
                #expect(total.runs == Self.variants.count * 2)
                print(
                    "RESULT test=T29 workflows=\(Self.variants.count) runs=\(total.runs) kills=\(total.kills) files_searched=\(total.files) "
                        + ["history", "simulator", "output", "other"].map { "canary_in_\($0)=\(total.hits[$0] ?? 0)" }.joined(
                            separator: " "))
            }

            /// A copy of `Workflows/<name>.json` whose `rds.createInstance` steps take the canary by reference.
            static func withCanaryReference(_ name: String, into directory: String) throws -> String {
                let original = try Data(contentsOf: URL(fileURLWithPath: CairnBinary.repositoryRoot + "/Workflows/\(name).json"))
                guard var workflow = try JSONSerialization.jsonObject(with: original) as? [String: Any],
                    var steps = workflow["steps"] as? [[String: Any]]
                else { throw E2EFailure("\(name).json is not a workflow object") }
                for index in steps.indices where steps[index]["activity"] as? String == "rds.createInstance" {
                    var input = steps[index]["input"] as? [String: Any] ?? [:]
                    input["masterUserPassword"] = ["secretRef": "env:CAIRN_CANARY"]
                    steps[index]["input"] = input
                }
                workflow["steps"] = steps
                let path = directory + "/\(name).json"
                try JSONSerialization.data(withJSONObject: workflow, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
                return path
            }

            static func files(under root: String) -> [String] {
                guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
                return walker.compactMap { $0 as? String }.map { root + "/" + $0 }.filter { path in
                    var isDirectory: ObjCBool = false
                    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
                }.sorted()
            }

            static func sink(of path: String) -> String {
                if path.contains("/executions/") { return "history" }
                if path.contains("/.cairn/sim/") { return "simulator" }
                if path.contains("/out/") { return "output" }
                return "other"
            }
        }
    }
#endif
