import Hashing
import HistoryStore
import StrictJSON
import WorkflowEngine
import WorkflowModel

/// An execution read from its history file, without modifying anything.
struct LoadedExecution {
    let executionId: String
    let recovered: RecoveredHistory
    let state: HistoryState
    let definition: WorkflowDefinition?

    /// Reads `executionId` from `store` (no lock needed; a torn tail is ignored, not repaired).
    static func load(_ executionId: String, from store: HistoryStore) throws -> LoadedExecution {
        let recovered: RecoveredHistory
        do {
            recovered = try store.load(executionId, repair: false)
        } catch let error as StoreError where error.code == StoreError.Code.executionNotFound {
            throw CLIError.usage(
                "no execution \(executionId) in \(store.stateDirectory) (see `cairn list`; pass --state-dir if it lives elsewhere)")
        } catch let error as StoreError where error.code == StoreError.Code.invalidExecutionId {
            throw CLIError.usage(error.message)
        }
        let state = HistoryState(events: recovered.events)
        let definition = state.started.flatMap { WorkflowValidator.validate(json: $0.definition).definition }
        return LoadedExecution(executionId: executionId, recovered: recovered, state: state, definition: definition)
    }

    /// The quarantine, when the history is damaged in the middle.
    var quarantine: Quarantine? {
        if case .quarantined(let quarantine) = recovered.outcome { return quarantine }
        return nil
    }

    /// The summary `show` and `list` print.
    func summary(live: [String: AttemptInfo] = [:]) -> ExecutionSummary {
        var summary = ExecutionSummary.make(
            executionId: executionId, definition: definition, state: state, records: recovered.records, live: live)
        if let quarantine {
            summary.status = .quarantined
            summary.quarantine = quarantine
        }
        return summary
    }
}

/// `sha256:<hex>` of a definition's canonical JSON: what `WorkflowExecutionStarted` records.
func definitionDigest(_ json: JSONValue) -> String {
    "sha256:" + SHA256.hexDigest(json.canonicalBytes())
}

/// Reloads a recorded definition for `resume`, refusing one that no longer matches its digest.
func loadRecordedDefinition(_ json: JSONValue, digest: String) throws -> WorkflowDefinition {
    guard definitionDigest(json) == digest else {
        throw EngineError(
            code: .definitionChanged,
            message: "the definition recorded in the history does not match its digest \(digest); the history file was edited")
    }
    let outcome = WorkflowValidator.validate(json: json)
    guard let definition = outcome.definition else {
        let problems = outcome.diagnostics.prefix(3).map(\.description).joined(separator: "; ")
        throw EngineError(
            code: .definitionInvalid,
            message: "the definition recorded in the history no longer validates with this Cairn: \(problems)")
    }
    return definition
}
