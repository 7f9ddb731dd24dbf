import StrictJSON
import Testing
import Time
import WorkflowModel

/// Every file in Workflows/ must validate cleanly: they are what users copy.
@Suite struct RealWorkflowTests {
    static let names = ["create-instance", "multi-region-rollout", "restore-and-configure"]

    func definition(_ name: String) throws -> WorkflowDefinition {
        let outcome = WorkflowValidator.validate(fileBytes: try repositoryFile("Workflows/\(name).json"))
        #expect(outcome.diagnostics == [], "\(outcome.diagnostics.map(\.description).joined(separator: "\n"))")
        return try #require(outcome.definition)
    }

    @Test(arguments: names)
    func validatesWithoutDiagnostics(name: String) throws {
        #expect(try definition(name).name == name)
    }

    @Test(arguments: names)
    func recordedJSONValidatesToTheSameDefinition(name: String) throws {
        let outcome = WorkflowValidator.validate(fileBytes: try repositoryFile("Workflows/\(name).json"))
        let json = try #require(outcome.canonicalJSON)
        let reloaded = WorkflowValidator.validate(json: json)
        #expect(reloaded.diagnostics == [])
        #expect(reloaded.definition == outcome.definition)
    }

    @Test func multiRegionRollout() throws {
        let definition = try definition("multi-region-rollout")
        #expect(definition.steps.map(\.id) == ["primary", "primaryAvailable", "replicas", "replicasAvailable"])
        #expect(definition.steps.allSatisfy { $0.after == nil })
        let graph = StepGraph(steps: definition.steps)
        #expect(graph.dependencies["replicas"] == ["primaryAvailable"])
        #expect(graph.ancestors(of: "replicasAvailable") == ["primary", "primaryAvailable", "replicas"])
        #expect(
            definition.inputs.map(\.name) == [
                "identifier", "primaryRegion", "replicaRegions", "engine", "instanceClass", "allocatedStorage",
            ])
        #expect(definition.inputs[0].isRequired)
        #expect(definition.inputs[2].type == .array && definition.inputs[2].itemType == .string)
        #expect(definition.onFailure == .rollback && definition.onCancel == .rollback)
        #expect(definition.executionTimeout == .hours(12))
        #expect(
            definition.defaults.retry
                == RetryPolicy(
                    initialInterval: .seconds(5), backoffCoefficient: 2, maximumInterval: .minutes(2), maximumAttempts: 5))

        let replicas = try #require(definition.step("replicas"))
        guard case .expression(let loop)? = replicas.forEach else { Issue.record("forEach"); return }
        #expect(loop.root == .input("replicaRegions"))
        #expect(replicas.activityType == "rds.createReadReplica")
        #expect(replicas.compensation?.activity == "rds.deleteInstance")
        #expect(replicas.compensation?.input.expressions.map(\.root) == [.output, .output])
        guard case .expression(let waitLoop)? = definition.step("replicasAvailable")?.forEach else {
            Issue.record("forEach of replicasAvailable")
            return
        }
        #expect(waitLoop.root == .stepOutput("replicas"))
        #expect(
            definition.step("primaryAvailable")?.timeouts
                == TimeoutOverrides(
                    startToClose: .after(.hours(2)), heartbeat: .after(.minutes(2))))
        #expect(definition.output != nil)
    }

    @Test func restoreAndConfigure() throws {
        let definition = try definition("restore-and-configure")
        #expect(
            definition.steps.map(\.id) == [
                "restore", "restored", "configure", "configured", "masterPassword", "masterPasswordApplied", "userPasswords",
            ])
        #expect(StepGraph(steps: definition.steps).topologicalOrder() == definition.steps.map(\.id))
        #expect(
            definition.defaults.retry
                == RetryPolicy(
                    initialInterval: .seconds(5), maximumInterval: .minutes(1), maximumAttempts: 5))
        #expect(definition.step("restore")?.compensation?.activity == "rds.deleteInstance")
        #expect(definition.steps.filter { $0.compensation != nil }.count == 1)
        #expect(definition.steps.allSatisfy { $0.forEach == nil && $0.when == nil })
    }

    @Test func createInstance() throws {
        let definition = try definition("create-instance")
        #expect(definition.steps.map(\.id) == ["instance", "available"])
        #expect(definition.onFailure == .halt)
        #expect(
            definition.step("instance")?.retry
                == RetryPolicy(
                    initialInterval: .seconds(2), maximumInterval: .minutes(1), maximumAttempts: 6,
                    nonRetryableErrors: ["StorageQuotaExceeded"]))
        #expect(definition.step("available")?.retry == nil)
        #expect(definition.inputs.first { $0.name == "allocatedStorage" }?.defaultValue == 20)
        guard case .activity(let type, let input)? = definition.step("available")?.kind else {
            Issue.record("kind")
            return
        }
        #expect(type == "rds.waitAvailable")
        #expect(input.expressions.map(\.root) == [.input("region"), .stepOutput("instance")])
    }
}
