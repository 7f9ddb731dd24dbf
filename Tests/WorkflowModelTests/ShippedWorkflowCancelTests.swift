import Foundation
import Testing
import WorkflowModel

/// Every workflow in `Workflows/` undoes its work when cancelled (`onCancel: rollback`), or its
/// `description` says why not, naming `onCancel`: a user who cancels must not be surprised by what
/// is left behind.
@Suite struct ShippedWorkflowCancelTests {
    /// Every `.json` file in `Workflows/`, sorted; read when the tests are listed, so a new file is
    /// checked without being named here.
    static let files: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Workflows").path)) ?? [])
        .filter { $0.hasSuffix(".json") }.sorted()

    @Test func theDirectoryIsRead() {
        #expect(Self.files.count >= 3, "\(Self.files)")
    }

    @Test(arguments: files)
    func rollsBackOnCancelOrSaysWhyNot(file: String) throws {
        let outcome = WorkflowValidator.validate(fileBytes: try repositoryFile("Workflows/\(file)"))
        let definition = try #require(outcome.definition, "\(outcome.diagnostics.map(\.description))")
        if definition.onCancel == .rollback {
            #expect(definition.steps.contains { $0.compensation != nil }, "\(file) rolls back on cancel but compensates nothing")
        } else {
            #expect(
                definition.description?.contains("onCancel") == true,
                "\(file) keeps what it made when cancelled (onCancel \(definition.onCancel)); set \"onCancel\": \"rollback\", or say why not in its description, naming onCancel"
            )
        }
    }
}
