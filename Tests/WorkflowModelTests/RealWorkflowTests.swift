import StrictJSON
import Testing
import WorkflowModel

/// Every file in Workflows/ must validate cleanly: they are what users copy.
@Suite struct RealWorkflowTests {
    @Test(arguments: ["create-instance", "multi-region-rollout", "restore-and-configure"])
    func validatesWithoutDiagnostics(name: String) throws {
        let outcome = WorkflowValidator.validate(fileBytes: try repositoryFile("Workflows/\(name).json"))
        #expect(outcome.diagnostics == [], "\(outcome.diagnostics.map(\.description).joined(separator: "\n"))")
        #expect(outcome.definition?.name == name)
        #expect(outcome.canonicalJSON != nil)
    }
}
