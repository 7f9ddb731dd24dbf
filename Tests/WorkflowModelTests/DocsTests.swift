import Testing
import Time
import WorkflowModel

/// The user docs must name every field and activity type the code knows (Tests/ErrorCodesTests checks the codes).
@Suite struct DocsTests {
    func text(_ path: String) throws -> String {
        String(decoding: try repositoryFile(path), as: UTF8.self)
    }

    @Test func everyFieldIsDocumented() throws {
        let doc = try text("docs/workflow-format.md")
        let fields =
            WorkflowFields.topLevel + WorkflowFields.inputSpec + WorkflowFields.defaults + WorkflowFields.step
            + WorkflowFields.retry + WorkflowFields.timeouts + WorkflowFields.compensation + WorkflowFields.condition
        #expect(fields.filter { !doc.contains("`\($0)`") } == [])
    }

    @Test func activityTablesMatchTheCatalog() throws {
        let doc = try text("docs/workflow-format.md")
        for spec in ActivityCatalog.builtIn.types {
            let timeouts = spec.defaultTimeouts
            let cells = [timeouts.scheduleToStart, timeouts.startToClose, timeouts.scheduleToClose, timeouts.heartbeat]
                .map { $0?.description ?? "NONE" }
            let row = "| `\(spec.name)` | `\(spec.defaultTaskList)` | \(cells.joined(separator: " | ")) |"
            #expect(doc.contains(row), "defaults row of \(spec.name)")
            #expect(doc.contains("### `\(spec.name)`"))
            for field in spec.fields {
                #expect(doc.contains("| `\(field.name)` | "), "\(spec.name).\(field.name)")
            }
            if !spec.nonRetryableErrors.isEmpty {
                let never = spec.nonRetryableErrors.map { "`\($0)`" }.joined(separator: ", ")
                #expect(doc.contains("**Never retried:** \(never).\n"), "never-retried list of \(spec.name)")
            }
        }
    }
}
