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

/// A workflow file with a fixed layout: line 1 `{`, format on 2, name on 3, inputs on 4, then
/// `extra` lines, then `"steps": [` and one step per line, so step N is on line 6 + extra lines + N.
func workflow(_ steps: [String], extra: [String] = [], output: String? = nil) -> String {
    var lines = [
        "{",
        "  \"format\": \"cairn.workflow/v1\",",
        "  \"name\": \"test\",",
        "  \"inputs\": { \"region\": { \"type\": \"string\", \"default\": \"us-east-1\" }, \"ids\": { \"type\": \"array\", \"items\": \"string\", \"default\": [] } },",
    ]
    lines += extra.map { "  \($0)," }
    lines.append("  \"steps\": [")
    lines += steps.enumerated().map { "    \($1)\($0 == steps.count - 1 ? "" : ",")" }
    lines.append(output == nil ? "  ]" : "  ],")
    if let output { lines.append("  \"output\": \(output)") }
    lines.append("}")
    return lines.joined(separator: "\n")
}

/// A step that waits for instance `db` in us-east-1; `extra` is spliced in before the closing brace.
func waitStep(_ id: String, _ extra: String = "", input: String = "\"region\": \"us-east-1\", \"identifier\": \"db\"") -> String {
    "{ \"id\": \"\(id)\", \"activity\": \"rds.waitAvailable\", \"input\": { \(input) }\(extra.isEmpty ? "" : ", " + extra) }"
}
