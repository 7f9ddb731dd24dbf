import Foundation
import StrictJSON
import Testing

/// Every shipped workflow validates and runs end to end on the simulator, through `CairnCLI.run`.
@Suite struct WorkflowRunTests {
    @Test func everyShippedWorkflowValidates() async throws {
        let files = try shippedWorkflows()
        #expect(files.count >= 3)
        try await Sandbox.with { sandbox in
            for file in files {
                let result = await sandbox.cairn("validate", file)
                #expect(result.status == 0, "\(file): \(result)")
                #expect(result.out.hasPrefix("\(file): valid ("), "\(result)")
            }
            let all = await sandbox.cairn(["validate"] + files)
            #expect(all.status == 0, "\(all)")
            #expect(sandbox.stateTree() == nil, "validate writes nothing")
        }
    }

    /// The shipped workflows, each with the inputs a run needs and what it should leave behind.
    enum Shipped: String, CaseIterable, CustomTestStringConvertible {
        case createInstance = "create-instance"
        case multiRegionRollout = "multi-region-rollout"
        case restoreAndConfigure = "restore-and-configure"

        var testDescription: String { rawValue }

        var inputs: [String] {
            switch self {
            case .createInstance: ["--input", "identifier=inventory"]
            case .multiRegionRollout: ["--input", "identifier=orders"]
            case .restoreAndConfigure: ["--input", "identifier=billing", "--input", "snapshotIdentifier=billing-snap"]
            }
        }

        var steps: [String] {
            switch self {
            case .createInstance: ["instance", "available"]
            case .multiRegionRollout: ["primary", "primaryAvailable", "replicas", "replicasAvailable"]
            case .restoreAndConfigure:
                ["restore", "restored", "configure", "configured", "masterPassword", "masterPasswordApplied", "userPasswords"]
            }
        }

        /// The instances whose endpoints the run prints.
        var endpointIdentifiers: [String] {
            switch self {
            case .createInstance: ["inventory"]
            case .multiRegionRollout: ["orders", "orders-eu-west-1", "orders-ap-southeast-2"]
            case .restoreAndConfigure: ["billing"]
            }
        }
    }

    @Test(arguments: Shipped.allCases, [false, true])
    func shippedWorkflowRunsToCompletion(_ workflow: Shipped, terminal: Bool) async throws {
        try await Sandbox.with { sandbox in
            let id = "\(workflow.rawValue)-\(terminal ? "tty" : "plain")"
            if workflow == .restoreAndConfigure {
                let snapshot = await sandbox.cairn("sim", "create-snapshot", "billing-snap", "--users", "app,reporting")
                try #require(snapshot.status == 0, "\(snapshot)")
            }
            let run = await sandbox.cairn(
                ["run", workflowPath(workflow.rawValue), "--id", id, "--sim-speed", "600"] + workflow.inputs, terminal: terminal)
            try #require(run.status == 0, "\(run)")
            #expect(run.err.isEmpty, "\(run)")
            #expect(run.out.hasPrefix("execution \(id) (run "), "\(run)")
            #expect(run.out.contains("\ncompleted \(id)\n"), "\(run)")
            let endpoints = try #require(run.out.range(of: "\nendpoints:\n").map { run.out[$0.upperBound...] }, "\(run)")
            let rows = endpoints.split(separator: "\n").prefix { $0.hasPrefix("  ") }
            #expect(rows.count == workflow.endpointIdentifiers.count, "\(run)")
            for (row, identifier) in zip(rows, workflow.endpointIdentifiers) {
                // NAME  [REGION  ]ADDRESS:PORT, one space-separated row per instance.
                let cells = row.split(separator: " ")
                #expect(cells.first.map(String.init) == identifier, "\(row)")
                #expect(cells.last?.hasPrefix("\(identifier).") == true, "\(row)")
                #expect(cells.last?.hasSuffix(".rds.amazonaws.com:5432") == true, "\(row)")
                #expect(cells.count == (workflow == .multiRegionRollout ? 3 : 2), "\(row)")
            }
            if terminal {
                #expect(run.out.contains("\u{1B}[2K"), "the live table redraws lines")
                #expect(run.out.contains("A\r\u{1B}[2K"), "the live table moves the cursor up to redraw")
                for step in workflow.steps { #expect(run.out.contains("✔ \(step) "), "\(step) in \(run)") }
            } else {
                #expect(!run.out.contains("\u{1B}"), "plain output has no escape sequences: \(run)")
                for step in workflow.steps {
                    #expect(run.out.contains("  \(step)  completed"), "\(step) in \(run)")
                }
            }

            let shown = try await sandbox.showJSON(id)
            #expect(shown["status"] == "completed")
            #expect(shown["executionId"] == .string(id))
            let statuses = shown.stepStatuses
            #expect(statuses.keys.sorted() == workflow.steps.sorted())
            #expect(statuses.values.allSatisfy { $0 == "completed" }, "\(statuses)")

            let text = await sandbox.cairn("show", id)
            #expect(text.status == 0)
            #expect(text.out.contains("status    completed"), "\(text)")

            let instances = try await sandbox.instances()
            try checkInstances(instances, of: workflow)
        }
    }

    private func checkInstances(_ instances: [JSONValue], of workflow: Shipped) throws {
        #expect(instances.allSatisfy { $0["status"] == "available" }, "\(instances)")
        let identifiers = instances.compactMap { $0["identifier"]?.stringValue }.sorted()
        #expect(identifiers == workflow.endpointIdentifiers.sorted())
        guard workflow == .multiRegionRollout else { return }
        let primaries = instances.filter { $0["multiAZ"] == true }
        try #require(primaries.count == 1, "one Multi-AZ primary: \(instances)")
        let primary = primaries[0]
        #expect(primary["identifier"] == "orders")
        #expect(primary["region"] == "us-east-1")
        #expect(primary["readReplicaSourceArn"] == nil)
        let replicas = instances.filter { $0["multiAZ"] == false }
        #expect(replicas.compactMap { $0["region"]?.stringValue }.sorted() == ["ap-southeast-2", "eu-west-1"])
        for replica in replicas {
            #expect(replica["readReplicaSourceArn"] == primary["arn"], "\(replica)")
            #expect(replica["identifier"]?.stringValue == "orders-" + (replica["region"]?.stringValue ?? "?"))
        }
    }
}
