import Foundation
import StrictJSON
import Testing
import WorkflowModel

/// The repository root, found from this file's path so tests need no bundled resources.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The bytes of a file under the repository root.
func repositoryFile(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: repositoryRoot.appendingPathComponent(path)))
}

/// Validates `text` as a workflow file.
func validate(_ text: String) -> ValidationOutcome {
    WorkflowValidator.validate(fileBytes: Array(text.utf8))
}

/// `code@pointer` for each diagnostic, for compact expectations.
func summary(_ outcome: ValidationOutcome) -> [String] {
    outcome.diagnostics.map { "\($0.code)@\($0.pointer)" }
}
